-- The start page lists the clients touched last: the newest notes and calls
-- with a contact, read newest first through these indexes.
CREATE INDEX IF NOT EXISTS notes_at ON notes(at_ms) WHERE contact_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS calls_contact_started ON calls(started_ms) WHERE contact_id IS NOT NULL;
