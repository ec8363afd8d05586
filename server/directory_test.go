package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

func TestDirectoryPagesAndCursor(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	ctx := context.Background()
	seen := map[string]bool{}
	since, pages := "", 0
	for {
		page, err := ph.Directory(ctx, since, 100)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, c := range page.Cards {
			if seen[*c.ContactID] {
				t.Errorf("contact %s listed twice", *c.ContactID)
			}
			seen[*c.ContactID] = true
			if len(c.Numbers) == 0 && *c.ContactID != "" {
				// every demo contact has a number
				t.Errorf("directory card %s lists no numbers", *c.ContactID)
			}
		}
		since = page.Cursor
		if !page.More {
			break
		}
	}
	if len(seen) != 343 || pages != 4 {
		t.Errorf("directory listed %d contacts in %d pages, want 343 in 4", len(seen), pages)
	}
	// Nothing changed: the next page is empty and the cursor holds.
	page, err := ph.Directory(ctx, since, 0)
	if err != nil || len(page.Cards) != 0 || page.More || page.Cursor != since {
		t.Fatalf("unchanged directory = %+v %v", page, err)
	}
	// A note, a call and a deletion move contacts after the cursor.
	if _, err := ph.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0016", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ph.StartCall(ctx, callReq("+39 380 296 0981", time.Now())); err != nil {
		t.Fatal(err)
	}
	if err := e.DB.DeleteContact(ctx, "demo-0085"); err != nil {
		t.Fatal(err)
	}
	page, err = ph.Directory(ctx, since, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range page.Cards {
		ids = append(ids, *c.ContactID)
	}
	if len(ids) != 2 || !contains(ids, "demo-0016") || !contains(ids, "demo-0001") {
		t.Errorf("changed cards = %v, want demo-0016 and demo-0001", ids)
	}
	if len(page.Removed) != 1 || page.Removed[0] != "demo-0085" {
		t.Errorf("removed = %v, want demo-0085", page.Removed)
	}
	if c, err := ph.Lookup(ctx, "06 4281 1822"); err != nil || c.Known {
		t.Errorf("a deleted contact's number still finds it: %v %v", c.Known, err)
	}
}
