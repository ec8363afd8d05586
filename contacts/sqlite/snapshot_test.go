package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// Reads made with a snapshot's context see the store as at its first read,
// whatever commits meanwhile; reads without it see the commit.
func TestReadSnapshotSeesOneMoment(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	c := addContact(t, db, "Olga Smirnova", "+39 333 123 4567")
	err := db.ReadSnapshot(ctx, func(sctx context.Context) error {
		before, err := db.Contact(sctx, c.ID)
		if err != nil {
			return err
		}
		if _, err := db.AddNote(ctx, &contacts.Note{ID: contacts.NewID(), ContactID: c.ID, Text: "ждёт счёт", Author: "Marco", At: time.Now()}); err != nil {
			return err
		}
		inside, err := db.Contact(sctx, c.ID)
		if err != nil {
			return err
		}
		hist, err := db.History(sctx, c.ID, "", 10, "")
		if err != nil {
			return err
		}
		if inside.Rev != before.Rev || len(hist) != 0 {
			t.Errorf("inside the snapshot: rev %d → %d, %d history entries; want the moment of its first read", before.Rev, inside.Rev, len(hist))
		}
		outside, err := db.Contact(ctx, c.ID)
		if err != nil {
			return err
		}
		if outside.Rev == before.Rev {
			t.Errorf("outside the snapshot the note's commit is not seen (rev %d)", outside.Rev)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
