-- Contacts: the full contact as JSON plus the columns queries need.
CREATE TABLE contacts (
    id            TEXT PRIMARY KEY,
    rev           INTEGER NOT NULL,          -- change cursor: a new value on every change
    client_id     TEXT UNIQUE,               -- idempotency key of a contact made on a phone
    resource_name TEXT UNIQUE,               -- Google's people/cNNN once synced
    display_name  TEXT NOT NULL,
    search        TEXT NOT NULL,             -- folded text for search
    stage         TEXT NOT NULL DEFAULT '',
    data          TEXT NOT NULL,             -- contacts.Contact as JSON
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL,
    deleted       INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX contacts_rev ON contacts(rev);

-- Every number of every live contact, keyed by its normalized form.
CREATE TABLE contact_numbers (
    contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    PRIMARY KEY (contact_id, key)
) WITHOUT ROWID;
CREATE INDEX contact_numbers_key ON contact_numbers(key, contact_id);

CREATE TABLE calls (
    id          TEXT PRIMARY KEY,            -- the phone's call_id
    contact_id  TEXT,                        -- NULL while no contact has the number
    number_raw  TEXT NOT NULL,
    number_key  TEXT NOT NULL,               -- '' for a withheld number
    e164        TEXT NOT NULL DEFAULT '',
    direction   TEXT NOT NULL,
    outcome     TEXT NOT NULL DEFAULT '',
    sim_slot    INTEGER NOT NULL DEFAULT 0,
    sim_label   TEXT NOT NULL DEFAULT '',
    device_id   TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    started_ms  INTEGER NOT NULL,
    ended_ms    INTEGER NOT NULL DEFAULT 0,
    duration_s  INTEGER NOT NULL DEFAULT 0,
    start_hash  TEXT NOT NULL,               -- request fingerprint: same id, other body is a conflict
    end_hash    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX calls_contact ON calls(contact_id, started_ms);
CREATE INDEX calls_number ON calls(number_key, started_ms);

CREATE TABLE notes (
    id          TEXT PRIMARY KEY,            -- the phone's note_id
    contact_id  TEXT,
    number_key  TEXT NOT NULL DEFAULT '',
    call_id     TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL,
    author      TEXT NOT NULL,
    device_id   TEXT NOT NULL DEFAULT '',
    at_ms       INTEGER NOT NULL,
    req_hash    TEXT NOT NULL
);
CREATE INDEX notes_contact ON notes(contact_id, at_ms);
CREATE INDEX notes_number ON notes(number_key, at_ms);

CREATE TABLE stage_changes (
    id          INTEGER PRIMARY KEY,
    contact_id  TEXT NOT NULL,
    from_stage  TEXT NOT NULL,
    to_stage    TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    device_id   TEXT NOT NULL DEFAULT '',
    at_ms       INTEGER NOT NULL
);
CREATE INDEX stage_changes_contact ON stage_changes(contact_id, at_ms);

CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,             -- who carries the phone
    device_name  TEXT NOT NULL DEFAULT '',  -- what the phone calls itself
    platform     TEXT NOT NULL DEFAULT '',
    app_version  TEXT NOT NULL DEFAULT '',
    sims         TEXT NOT NULL DEFAULT '[]',
    fcm_token    TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,       -- SHA-256 of the bearer token; the token is never stored
    created_ms   INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL DEFAULT 0,
    revoked_ms   INTEGER NOT NULL DEFAULT 0,
    base_gid     INTEGER NOT NULL,           -- events up to base_gid are behind this device...
    base_seq     INTEGER NOT NULL DEFAULT 0  -- ...and numbered up to base_seq
);

CREATE TABLE pair_codes (
    code_hash  TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    used_ms    INTEGER NOT NULL DEFAULT 0
);

-- Events for phones, stored once per change. device_id NULL: every device.
CREATE TABLE events (
    gid        INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id  TEXT,
    type       TEXT NOT NULL,
    contact_id TEXT NOT NULL DEFAULT '',
    payload    TEXT NOT NULL DEFAULT '',
    at_ms      INTEGER NOT NULL
);
CREATE INDEX events_device ON events(device_id, gid) WHERE device_id IS NOT NULL;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every change: who (a device, an office user, the sync, the system), what, when.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at_ms       INTEGER NOT NULL,
    actor_kind  TEXT NOT NULL,               -- device, user, sync, system, cli
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,               -- contact.create, note.add, call.start, ...
    contact_id  TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at_ms);
CREATE INDEX audit_log_contact ON audit_log(contact_id, at_ms);
