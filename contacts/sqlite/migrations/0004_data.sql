-- Merges of duplicate contacts, kept so a merge can be undone: both
-- contacts as they were, and which history rows moved from one to the other.
CREATE TABLE merges (
    id            INTEGER PRIMARY KEY,
    keep_id       TEXT NOT NULL,
    gone_id       TEXT NOT NULL,
    keep_before   TEXT NOT NULL,             -- contacts.Contact JSON before the merge
    gone_before   TEXT NOT NULL,
    moved         TEXT NOT NULL,             -- JSON: ids of calls, notes, stage changes, follow-ups moved
    merged_ms     INTEGER NOT NULL,          -- the kept contact's updated_ms right after the merge
    at_ms         INTEGER NOT NULL,
    by_name       TEXT NOT NULL DEFAULT '',
    undone_ms     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX merges_keep ON merges(keep_id);

-- Follow-ups: a reminder tied to a contact and a staff member.
CREATE TABLE followups (
    id           TEXT PRIMARY KEY,           -- a UUID, chosen by the phone or the server
    contact_id   TEXT NOT NULL,
    assignee     TEXT NOT NULL,              -- the staff member (a device's name)
    text         TEXT NOT NULL,
    due_ms       INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open', -- open, done, cancelled
    created_by   TEXT NOT NULL DEFAULT '',
    created_ms   INTEGER NOT NULL,
    updated_ms   INTEGER NOT NULL,
    done_ms      INTEGER NOT NULL DEFAULT 0,
    done_by      TEXT NOT NULL DEFAULT '',
    notified_ms  INTEGER NOT NULL DEFAULT 0,   -- when followup.due was stored for the current due time
    req_hash     TEXT NOT NULL
);
CREATE INDEX followups_due ON followups(status, due_ms);
CREATE INDEX followups_assignee ON followups(assignee, status, due_ms);
CREATE INDEX followups_contact ON followups(contact_id);

-- Reports over time ranges.
CREATE INDEX stage_changes_at ON stage_changes(at_ms);
CREATE INDEX calls_started ON calls(started_ms);
