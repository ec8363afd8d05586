package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
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

// A snapshot's context reaching a write or a search does not trap them in
// its moment: a retried note is answered from the stored one, and a search
// empties the queue of notes waiting for the index and returns.
func TestWritesAndSearchesWithASnapshotContext(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	c := addContact(t, db, "Olga Smirnova", "+39 333 123 4567")
	err := db.ReadSnapshot(ctx, func(sctx context.Context) error {
		if _, err := db.Contact(sctx, c.ID); err != nil { // the snapshot's moment: before the note
			return err
		}
		n := &contacts.Note{ID: "n1", ContactID: c.ID, Text: "ждёт счёт", Author: "Marco", At: time.Now()}
		if _, err := db.AddNote(sctx, n); err != nil {
			return err
		}
		retry := *n
		if created, err := db.AddNote(sctx, &retry); err != nil || created {
			t.Errorf("a retry with a snapshot's context: created %v, %v; want the stored note", created, err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := db.Search(sctx, sqlite.SearchQuery{Text: "счёт"})
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("search with a snapshot's context: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a search with a snapshot's context did not return in 30 s")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if queued, _ := db.NotesQueuedForTest(ctx); queued {
		t.Error("the search left the note queued")
	}
}
