-- FTS5 merges its index segments inside whichever write comes next, and a
-- merge can take tens of milliseconds: measured, it was most of the call
-- path's p99 while a full Google sync ran. ringcard merges them in the
-- background instead, in small steps that give way to any waiting writer
-- (mergeIndexes in sqlite.go).
INSERT INTO contact_search(contact_search, rank) VALUES('automerge', 0);
INSERT INTO note_search(note_search, rank) VALUES('automerge', 0);
