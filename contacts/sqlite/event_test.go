package sqlite_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// The events this process's write transactions committed are served from
// memory exactly as the store holds them; a rolled-back transaction's are
// not, and a gap (an event written by another process) or a trim makes the
// reader fall back to the store.
func TestRecentEventsMatchTheStore(t *testing.T) {
	path := t.TempDir() + "/ringcard.db"
	db := openStore(t, path)
	ctx := context.Background()
	start, err := db.LastEventGID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stored := func(after int64) []sqlite.Event {
		t.Helper()
		evs, err := db.EventsAfter(ctx, after, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	recent := func(after int64) ([]sqlite.Event, bool) {
		return db.RecentEventsAfter(after, 100)
	}

	c := addContact(t, db, "Mario Rossi", "+39 333 111 2222")
	if err := db.AddEvent(ctx, "dev-1", "dial", "", `{"number":"+393331112222"}`); err != nil {
		t.Fatal(err)
	}
	want := stored(start)
	if len(want) != 2 || want[0].ContactID != c.ID || want[1].DeviceID != "dev-1" {
		t.Fatalf("stored events = %+v, want the card and the dial", want)
	}
	if got, ok := recent(start); !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("recent events = %+v %v, want %+v", got, ok, want)
	}
	last := want[1].GID

	// A rolled-back transaction's event is never served.
	if err := db.EventThenFailForTest(ctx); err == nil {
		t.Fatal("the failing transaction committed")
	}
	if got, ok := recent(last); ok && len(got) > 0 {
		t.Fatalf("recent events after a rollback = %+v, want none", got)
	}
	if err := db.AddEvent(ctx, "", "dial", "", `{"after":"rollback"}`); err != nil {
		t.Fatal(err)
	}
	want = stored(last)
	if got, ok := recent(last); len(want) != 1 || !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("recent events = %+v %v, want the store's %+v", got, ok, want)
	}
	last = want[0].GID

	// Another process (another handle on the same file) writes the next
	// event: this one's memory does not have it, so it must not be asked.
	other := openStore(t, path)
	if err := other.AddEvent(ctx, "", "dial", "", `{"from":"cli"}`); err != nil {
		t.Fatal(err)
	}
	if err := db.AddEvent(ctx, "", "dial", "", `{"from":"server"}`); err != nil {
		t.Fatal(err)
	}
	if got, ok := recent(last); ok {
		t.Fatalf("recent events = %+v, served past another process's event", got)
	}
	if got := stored(last); len(got) != 2 {
		t.Fatalf("stored events = %+v, want both processes'", got)
	}

	// A trim drops what memory holds.
	if n, err := db.TrimEvents(ctx, time.Now().Add(time.Hour)); err != nil || n == 0 {
		t.Fatalf("trim = %d %v, want events deleted", n, err)
	}
	if got, ok := recent(start); ok {
		t.Fatalf("recent events after a trim = %+v", got)
	}
}
