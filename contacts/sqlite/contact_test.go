package sqlite_test

import (
	"context"
	"testing"

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
