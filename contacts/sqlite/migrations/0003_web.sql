-- The office web view: staff accounts, their sessions, every sign-in
-- attempt, and the search index.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE COLLATE NOCASE, -- what they sign in with
    name          TEXT NOT NULL,                       -- shown in history and the audit log
    password_hash TEXT NOT NULL,                       -- bcrypt
    lang          TEXT NOT NULL DEFAULT '',            -- '' follows the browser
    created_ms    INTEGER NOT NULL,
    password_ms   INTEGER NOT NULL,
    disabled_ms   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE web_sessions (
    token_hash   TEXT PRIMARY KEY,                     -- SHA-256 of the cookie; the cookie is never stored
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf         TEXT NOT NULL,                        -- the session's form token
    address      TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    created_ms   INTEGER NOT NULL,
    expires_ms   INTEGER NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions(user_id);

CREATE TABLE login_attempts (
    id       INTEGER PRIMARY KEY,
    at_ms    INTEGER NOT NULL,
    address  TEXT NOT NULL,
    login    TEXT NOT NULL,                            -- as typed, lower-cased
    outcome  TEXT NOT NULL                             -- ok, bad_password, unknown_user, disabled, locked
);
CREATE INDEX login_attempts_address ON login_attempts(address, at_ms);
CREATE INDEX login_attempts_login ON login_attempts(login, at_ms);

-- The live board and the calls page read calls by time: 0004_data.sql adds
-- calls_started ON calls(started_ms).

-- The folded search text starts with the folded display name: this index
-- answers name-prefix searches (and words too short for trigrams) by range.
CREATE INDEX contacts_search_prefix ON contacts(search) WHERE deleted = 0;
-- The stage picker lists the stages in use.
CREATE INDEX contacts_stage ON contacts(stage) WHERE deleted = 0;

-- Search: trigram indexes over the folded text of contacts and of history
-- notes. Each keeps its own INTEGER key (VACUUM keeps those, unlike the
-- implicit rowids of the TEXT-keyed tables), mapped to the row's ID.
CREATE TABLE contact_search_ids (
    rowid      INTEGER PRIMARY KEY,
    contact_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE contact_search USING fts5(search, tokenize = "trigram case_sensitive 1");

CREATE TABLE note_search_ids (
    rowid   INTEGER PRIMARY KEY,
    note_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE note_search USING fts5(text, tokenize = "trigram case_sensitive 1");

INSERT INTO contact_search_ids (contact_id) SELECT id FROM contacts ORDER BY created_ms, id;
INSERT INTO contact_search (rowid, search) SELECT s.rowid, c.search FROM contact_search_ids s JOIN contacts c ON c.id = s.contact_id;
INSERT INTO note_search_ids (note_id) SELECT id FROM notes ORDER BY at_ms, id;
INSERT INTO note_search (rowid, text) SELECT s.rowid, ringcard_fold(n.text) FROM note_search_ids s JOIN notes n ON n.id = s.note_id;

CREATE TRIGGER contact_search_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_search_ids (contact_id) VALUES (new.id);
    INSERT INTO contact_search (rowid, search) SELECT rowid, new.search FROM contact_search_ids WHERE contact_id = new.id;
END;
CREATE TRIGGER contact_search_update AFTER UPDATE OF search ON contacts WHEN old.search IS NOT new.search BEGIN
    DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_ids WHERE contact_id = new.id);
    INSERT INTO contact_search (rowid, search) SELECT rowid, new.search FROM contact_search_ids WHERE contact_id = new.id;
END;
CREATE TRIGGER contact_search_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_ids WHERE contact_id = old.id);
    DELETE FROM contact_search_ids WHERE contact_id = old.id;
END;

CREATE TRIGGER note_search_insert AFTER INSERT ON notes BEGIN
    INSERT INTO note_search_ids (note_id) VALUES (new.id);
    INSERT INTO note_search (rowid, text) SELECT rowid, ringcard_fold(new.text) FROM note_search_ids WHERE note_id = new.id;
END;
CREATE TRIGGER note_search_update AFTER UPDATE OF text ON notes WHEN old.text IS NOT new.text BEGIN
    DELETE FROM note_search WHERE rowid = (SELECT rowid FROM note_search_ids WHERE note_id = new.id);
    INSERT INTO note_search (rowid, text) SELECT rowid, ringcard_fold(new.text) FROM note_search_ids WHERE note_id = new.id;
END;
CREATE TRIGGER note_search_delete AFTER DELETE ON notes BEGIN
    DELETE FROM note_search WHERE rowid = (SELECT rowid FROM note_search_ids WHERE note_id = old.id);
    DELETE FROM note_search_ids WHERE note_id = old.id;
END;
