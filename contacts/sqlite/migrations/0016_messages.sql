-- Messages to clients (SMS through the office's phones, e-mail through its
-- mail account): group sends, each message, its status history, and the
-- contacts who opted out of a channel.
CREATE TABLE message_sends (
    id            TEXT PRIMARY KEY,
    channel       TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    subject       TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL,
    total         INTEGER NOT NULL,   -- messages planned
    skipped       TEXT NOT NULL DEFAULT '[]', -- JSON: who was skipped and why
    finish_ms     INTEGER NOT NULL DEFAULT 0  -- when the plan's last message is due
);

CREATE TABLE messages (
    id            TEXT PRIMARY KEY,
    send_id       TEXT REFERENCES message_sends(id),
    contact_id    TEXT NOT NULL,
    channel       TEXT NOT NULL,
    to_addr       TEXT NOT NULL,
    device_id     TEXT NOT NULL DEFAULT '',
    sim_slot      INTEGER NOT NULL DEFAULT 0,
    from_addr     TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL,
    html          TEXT NOT NULL DEFAULT '',
    segments      INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    due_ms        INTEGER NOT NULL,
    dispatched_ms INTEGER NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL
);
-- At most one message per recipient per group send.
CREATE UNIQUE INDEX messages_send_contact ON messages(send_id, contact_id) WHERE send_id IS NOT NULL;
CREATE INDEX messages_due ON messages(status, channel, due_ms);
CREATE INDEX messages_sim ON messages(device_id, sim_slot, dispatched_ms) WHERE dispatched_ms > 0;
CREATE INDEX messages_contact ON messages(contact_id, created_ms);

CREATE TABLE message_status (
    message_id TEXT NOT NULL REFERENCES messages(id),
    status     TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    at_ms      INTEGER NOT NULL
);
CREATE INDEX message_status_message ON message_status(message_id, at_ms);

CREATE TABLE contact_optouts (
    contact_id TEXT PRIMARY KEY,
    no_sms     INTEGER NOT NULL DEFAULT 0,
    no_email   INTEGER NOT NULL DEFAULT 0,
    updated_ms INTEGER NOT NULL,
    source     TEXT NOT NULL DEFAULT ''   -- "office", "reply: STOP", "import"
);
