package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server"
)

// What `ringcard devices list` shows from another process counts the
// events a phone has not acknowledged, as the server's own view does.
func TestStoredHealthCountsEventsWaiting(t *testing.T) {
	e := newEnv(t, true)
	a, b := e.phone("Giulia"), e.phone("Marco")
	ctx := context.Background()
	for i := range 3 {
		if _, err := b.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", Text: fmt.Sprint("n", i)}); err != nil {
			t.Fatal(err)
		}
	}
	s := connect(t, a, 0)
	got := events(t, s, 3)
	if _, err := s.Ack(got[0].Seq); err != nil { // Giulia has handled one of three
		t.Fatal(err)
	}
	waitFor(t, "the ack", 5*time.Second, func() bool { e.Srv.Hub().Flush(ctx); return storedWaiting(t, e, "Giulia") == 2 })
	live, err := e.Srv.DeviceHealth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range live {
		if h.Name == "Giulia" && h.EventsWaiting != 2 {
			t.Errorf("the server's view: %d waiting, want 2", h.EventsWaiting)
		}
	}
	if n := storedWaiting(t, e, "Marco"); n != 3 {
		t.Errorf("Marco never connected: %d waiting in the stored view, want 3", n)
	}
}

func storedWaiting(t *testing.T, e *testEnv, name string) int64 {
	t.Helper()
	rows, err := server.StoredDeviceHealth(context.Background(), e.DB)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Name == name {
			return r.EventsWaiting
		}
	}
	t.Fatalf("no device %s", name)
	return 0
}
