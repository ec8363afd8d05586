-- A note's search entry is written just after the note, not with it: the
-- trigram index insert was about a third of a note's transaction (the
-- part of a phone's note, measured at about 0.13 ms of 0.46 ms, that every
-- phone's card.updated waited for). The note's transaction now only
-- queues the note here; indexNotes (notesearch.go) indexes what is queued
-- in one background write, within a second, and at once before a search,
-- so a search still finds a note the moment it is stored. seq keeps the
-- order notes came in: their index keys, newest highest, follow it.
CREATE TABLE note_search_pending (
    seq     INTEGER PRIMARY KEY,
    note_id TEXT NOT NULL
);
CREATE INDEX note_search_pending_note ON note_search_pending(note_id);

DROP TRIGGER note_search_insert;
CREATE TRIGGER note_search_insert AFTER INSERT ON notes BEGIN
    INSERT INTO note_search_pending (note_id) VALUES (new.id);
END;
-- A note deleted before it was indexed leaves nothing queued; one whose
-- text changed before it was indexed is indexed with its new text (the
-- update trigger finds no entry to replace until then).
DROP TRIGGER note_search_delete;
CREATE TRIGGER note_search_delete AFTER DELETE ON notes BEGIN
    DELETE FROM note_search WHERE rowid = (SELECT rowid FROM note_search_ids WHERE note_id = old.id);
    DELETE FROM note_search_ids WHERE note_id = old.id;
    DELETE FROM note_search_pending WHERE note_id = old.id;
END;
