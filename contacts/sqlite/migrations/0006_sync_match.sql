-- Matching unlinked contacts to the same people already in Google (package
-- contactsync, match.go). A contact that could be the same person as more
-- than one contact on the other side is held: it is neither linked, nor
-- pushed to Google, nor created in ringcard, until a person decides (a
-- "match" conflict) or the data stops being ambiguous.

-- ringcard contacts held out of the push. decision is what a person chose:
-- '' (undecided), 'apart' (push it as a new Google contact) or the resource
-- name of the Google contact to link it to.
CREATE TABLE sync_hold_local (
    contact_id  TEXT PRIMARY KEY,
    decision    TEXT NOT NULL DEFAULT '',
    since_ms    INTEGER NOT NULL
);

-- Google contacts held out of ringcard, as last seen (people.Person JSON):
-- an incremental listing will not send them again unless they change.
CREATE TABLE sync_hold_google (
    resource_name TEXT PRIMARY KEY,
    person        TEXT NOT NULL,
    since_ms      INTEGER NOT NULL
);
