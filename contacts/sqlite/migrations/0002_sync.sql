-- Two-way sync with Google Contacts (package sync, contactsync).

-- Local changes waiting to reach Google, written in the same transaction as
-- the change itself and replayed in id order by one writer.
CREATE TABLE sync_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    op          TEXT NOT NULL,               -- contact, group.rename, group.delete
    contact_id  TEXT NOT NULL DEFAULT '',
    arg         TEXT NOT NULL DEFAULT '',    -- op argument (JSON for group ops)
    created_ms  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_outbox_contact ON sync_outbox(contact_id);

-- The last version of each linked contact seen in Google (people.Person as
-- JSON): the base of the three-way merge.
CREATE TABLE sync_base (
    contact_id    TEXT PRIMARY KEY,
    resource_name TEXT NOT NULL UNIQUE,
    etag          TEXT NOT NULL,
    person        TEXT NOT NULL,
    synced_ms     INTEGER NOT NULL
);

-- Google contact groups as last seen, by resource name.
CREATE TABLE sync_groups (
    resource_name TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    etag          TEXT NOT NULL DEFAULT '',
    system        INTEGER NOT NULL DEFAULT 0
);

-- Sync tokens, status, the writer lease: small values by key.
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Fields both sides changed between syncs: both values were kept, a person
-- picks one.
CREATE TABLE sync_conflicts (
    id           INTEGER PRIMARY KEY,
    contact_id   TEXT NOT NULL,
    field        TEXT NOT NULL,
    base_value   TEXT NOT NULL DEFAULT '',
    local_value  TEXT NOT NULL DEFAULT '',
    google_value TEXT NOT NULL DEFAULT '',
    created_ms   INTEGER NOT NULL,
    resolved_ms  INTEGER NOT NULL DEFAULT 0,
    resolution   TEXT NOT NULL DEFAULT '',
    resolved_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_conflicts_open ON sync_conflicts(resolved_ms, id);
