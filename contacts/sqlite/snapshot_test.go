package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Reads made with a snapshot's context see the store as at its first read,
// whatever another process (the CLI) commits meanwhile; reads without it,
// and the next snapshot, see the commit: the snapshot runs on the write
// connection, whose page cache another process's commit must not leave
// stale.
func TestReadSnapshotSeesOneMoment(t *testing.T) {
	path := t.TempDir() + "/ringcard.db"
	db := openStore(t, path)
	cli := openStore(t, path) // another process on the same file
	ctx := context.Background()
	c := addContact(t, db, "Olga Smirnova", "+39 333 123 4567")
	var before *contacts.Contact
	err := db.ReadSnapshot(ctx, func(sctx context.Context) error {
		var err error
		if before, err = db.Contact(sctx, c.ID); err != nil {
			return err
		}
		if _, err := cli.AddNote(ctx, &contacts.Note{ID: contacts.NewID(), ContactID: c.ID, Text: "ждёт счёт", Author: "Marco", At: time.Now()}); err != nil {
			return err
		}
		inside, err := db.Contact(sctx, c.ID)
		if err != nil {
			return err
		}
		if seen := historySeen(t, db, sctx, c.ID); inside.Rev != before.Rev || seen != 0 {
			t.Errorf("inside the snapshot: rev %d → %d, %d history entries; want the moment of its first read", before.Rev, inside.Rev, seen)
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
	err = db.ReadSnapshot(ctx, func(sctx context.Context) error {
		after, err := db.Contact(sctx, c.ID)
		if err != nil {
			return err
		}
		hist, err := db.History(sctx, c.ID, "", 10, "")
		if err != nil {
			return err
		}
		if after.Rev == before.Rev || len(hist) != 1 || hist[0].Text != "ждёт счёт" {
			t.Errorf("the next snapshot: rev %d (was %d), history %+v; want the other process's note", after.Rev, before.Rev, hist)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A token revoked by another process (ringcard devices revoke, with the
// server running) stops working at once for the checks made on the write
// connection: in a snapshot, and before a phone's write.
func TestRevokedElsewhereIsSeenInASnapshot(t *testing.T) {
	path := t.TempDir() + "/ringcard.db"
	db := openStore(t, path)
	cli := openStore(t, path)
	ctx := context.Background()
	if err := db.AddPairCode(ctx, "123456", "Phone 1", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	d := &contacts.Device{ID: contacts.NewID(), Name: "Phone 1"}
	if err := db.Pair(ctx, "123456", sqlite.HashSecret("tok"), d); err != nil {
		t.Fatal(err)
	}
	checks := map[string]func() error{
		"in a snapshot": func() error {
			return db.ReadSnapshot(ctx, func(sctx context.Context) error {
				_, err := db.DeviceByToken(sctx, sqlite.HashSecret("tok"))
				return err
			})
		},
		"before a write": func() error {
			_, err := db.DeviceByTokenToWrite(ctx, sqlite.HashSecret("tok"))
			return err
		},
	}
	for how, check := range checks {
		if err := check(); err != nil {
			t.Fatalf("%s, before the revoke: %v", how, err)
		}
	}
	if _, err := cli.RevokeDevice(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	for how, check := range checks {
		if err := check(); contacts.ErrorCode(err) != contacts.EUnauthorized {
			t.Fatalf("%s, after another process revoked the device: %v; want unauthorized", how, err)
		}
	}
}

// A writer of this process that comes while a snapshot is open waits for
// it, then commits: nothing is lost, and the snapshot never sees it.
func TestAWriterWaitsForASnapshot(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	c := addContact(t, db, "Olga Smirnova", "+39 333 123 4567")
	done := make(chan error, 1)
	err := db.ReadSnapshot(ctx, func(sctx context.Context) error {
		if _, err := db.Contact(sctx, c.ID); err != nil {
			return err
		}
		go func() {
			_, err := db.AddNote(ctx, &contacts.Note{ID: "n1", ContactID: c.ID, Text: "перезвонить", Author: "Marco", At: time.Now()})
			done <- err
		}()
		for deadline := time.Now().Add(30 * time.Second); !db.WriteWantedForTest(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) { // the note waits for the write connection
				t.Fatal("the note did not wait for the write connection in 30 s")
			}
		}
		select {
		case err := <-done:
			t.Errorf("the note was written while the snapshot held the write connection (%v)", err)
		default:
		}
		if seen := historySeen(t, db, sctx, c.ID); seen != 0 {
			t.Errorf("the snapshot sees %d history entries; want none", seen)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the waiting note: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the note did not commit in 30 s after the snapshot ended")
	}
	hist, err := db.History(ctx, c.ID, "", 10, "")
	if err != nil || len(hist) != 1 {
		t.Fatalf("history after the snapshot: %+v, %v; want the note", hist, err)
	}
}

// A write made with a snapshot's context is refused at once with a clear
// error (the snapshot holds the one write connection: waiting for it would
// never end), and stores nothing; so is a search that has notes to index
// first. Once the snapshot ends, both work.
func TestWritesWithASnapshotContextAreRefused(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	c := addContact(t, db, "Olga Smirnova", "+39 333 123 4567")
	if _, err := db.AddNote(ctx, &contacts.Note{ID: "n0", ContactID: c.ID, Text: "ждёт счёт", Author: "Marco", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	n := &contacts.Note{ID: "n1", ContactID: c.ID, Text: "перезвонить", Author: "Marco", At: time.Now()}
	err := db.ReadSnapshot(ctx, func(sctx context.Context) error {
		if _, err := db.Contact(sctx, c.ID); err != nil {
			return err
		}
		// The store's background loop indexes queued notes every second,
		// on the write connection: while the snapshot holds it, whether
		// n0 is still queued cannot change.
		queued, err := db.NotesQueuedForTest(ctx)
		if err != nil {
			return err
		}
		done := make(chan error, 2)
		go func() {
			_, err := db.AddNote(sctx, n)
			done <- err
			_, err = db.Search(sctx, sqlite.SearchQuery{Text: "счёт"})
			done <- err
		}()
		for i, what := range []string{"a note", "a search"} {
			select {
			case err := <-done:
				switch {
				case i == 1 && !queued: // nothing to index: a search only reads
					if err != nil {
						t.Errorf("a search with a snapshot's context and nothing to index: %v", err)
					}
				case err == nil || !strings.Contains(err.Error(), "inside a read snapshot"):
					t.Errorf("%s with a snapshot's context (notes to index: %v): %v; want refused as a write inside a read snapshot", what, queued, err)
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("%s with a snapshot's context did not return in 30 s", what)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.CountForTest(ctx, `SELECT COUNT(*) FROM notes WHERE id = 'n1'`); err != nil || got != 0 {
		t.Fatalf("the refused note: %d stored, %v", got, err)
	}
	if _, err := db.AddNote(ctx, n); err != nil {
		t.Fatalf("the note after the snapshot: %v", err)
	}
	hits, err := db.Search(ctx, sqlite.SearchQuery{Text: "счёт"})
	if err != nil {
		t.Fatalf("the search after the snapshot: %v", err)
	}
	if queued, _ := db.NotesQueuedForTest(ctx); queued || len(hits) != 1 || hits[0].Note != "ждёт счёт" {
		t.Errorf("the search after the snapshot: %+v, queue left: %v; want Olga through the note, indexed", hits, queued)
	}
}

// A read canceled inside a snapshot (a phone gone mid-lookup) fails with
// the cancellation, and the snapshot ends cleanly on the same write
// connection: it is neither left inside a transaction nor thrown away
// (a TEMP table, which lives as long as its connection, is still there).
func TestACanceledSnapshotKeepsTheWriteConnection(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	c := addContact(t, db, "Olga Smirnova", "+39 333 123 4567")
	if err := db.ExecForTest(ctx, `CREATE TEMP TABLE conn_marker (x)`); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	err := db.ReadSnapshot(cctx, func(sctx context.Context) error {
		cancel()
		_, err := db.Contact(sctx, c.ID)
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a read canceled in a snapshot: %v; want context canceled", err)
	}
	if err := db.ExecForTest(ctx, `INSERT INTO conn_marker VALUES (1)`); err != nil {
		t.Fatalf("the write connection after the canceled snapshot: %v; want the same connection, its TEMP table there", err)
	}
	if _, err := db.AddNote(ctx, &contacts.Note{ID: "n1", ContactID: c.ID, Text: "перезвонить", Author: "Marco", At: time.Now()}); err != nil {
		t.Fatalf("a write after the canceled snapshot: %v", err)
	}
}

// A snapshot taken with OnReadPool (a phone replaying old events) runs on
// a read connection: a writer of this process goes on meanwhile, and the
// snapshot still sees its own moment.
func TestASnapshotOnTheReadPoolLetsWritersGoOn(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	c := addContact(t, db, "Olga Smirnova", "+39 333 123 4567")
	err := db.ReadSnapshot(sqlite.OnReadPool(ctx), func(sctx context.Context) error {
		if _, err := db.Contact(sctx, c.ID); err != nil {
			return err
		}
		done := make(chan error, 1)
		go func() {
			_, err := db.AddNote(ctx, &contacts.Note{ID: "n1", ContactID: c.ID, Text: "перезвонить", Author: "Marco", At: time.Now()})
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				return err
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a note waited 30 s for a snapshot on the read pool")
		}
		if seen := historySeen(t, db, sctx, c.ID); seen != 0 {
			t.Errorf("the snapshot sees %d history entries; want its own moment, before the note", seen)
		}
		if _, err := db.AddNote(sctx, &contacts.Note{ID: "n2", ContactID: c.ID, Text: "второй", Author: "Marco", At: time.Now()}); err == nil || !strings.Contains(err.Error(), "inside a read snapshot") {
			t.Errorf("a note with the snapshot's context: %v; want refused as a write inside a read snapshot, on the read pool too", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// historySeen is how many history entries of contact id the reads made
// with ctx see.
func historySeen(t *testing.T, db *sqlite.DB, ctx context.Context, id string) int {
	t.Helper()
	hist, err := db.History(ctx, id, "", 10, "")
	if err != nil {
		t.Fatalf("history of %s: %v", id, err)
	}
	return len(hist)
}
