package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// A save based on an old read is refused in the write's own transaction,
// and the stored contact stays as the first save left it.
func TestUpdateContactRefusesAStaleRev(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	id := addContact(t, db, "Mario Rossi", "+39 333 111 2222").ID
	a, _ := db.Contact(ctx, id)
	b, _ := db.Contact(ctx, id)
	a.JobTitle = "first"
	if err := db.UpdateContact(ctx, a); err != nil {
		t.Fatal(err)
	}
	b.JobTitle = "second"
	if err := db.UpdateContact(ctx, b); contacts.ErrorCode(err) != contacts.EConflict {
		t.Fatalf("save from a stale read: %v, want a conflict", err)
	}
	if got, _ := db.Contact(ctx, id); got.JobTitle != "first" {
		t.Errorf("job title %q, want the first save kept", got.JobTitle)
	}
	// A caller that re-reads saves fine.
	c, _ := db.Contact(ctx, id)
	c.JobTitle = "third"
	if err := db.UpdateContact(ctx, c); err != nil {
		t.Fatalf("save from a fresh read: %v", err)
	}
}

// A call or a note between the read and the save moves the contact's rev
// but not its fields: no conflict.
func TestUpdateContactAfterACallIsNoConflict(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	c := addContact(t, db, "Mario Rossi", "+39 333 111 2222")
	read, _ := db.Contact(ctx, c.ID)
	call := &contacts.Call{ID: contacts.NewID(), Number: contacts.Parsed{Raw: c.Numbers[0].Raw, E164: c.Numbers[0].E164, Key: c.Numbers[0].Key}, Direction: contacts.Incoming, StartedAt: time.Now(), DeviceID: "d1", By: "Luca"}
	if _, err := db.StartCall(ctx, call); err != nil {
		t.Fatal(err)
	}
	if now, _ := db.Contact(ctx, c.ID); now.Rev == read.Rev {
		t.Fatalf("the call did not move the contact's rev: the test proves nothing")
	}
	read.JobTitle = "buyer"
	if err := db.UpdateContact(ctx, read); err != nil {
		t.Errorf("save after a call: %v, want no conflict", err)
	}
}
