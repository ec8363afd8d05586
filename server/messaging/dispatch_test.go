package messaging_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/messaging"
)

// While phones wait for cards the SMS dispatcher lets them go first, but
// only for a bounded time before each transaction: under a constant stream
// of calls a group send still goes out, every message handed once, and
// the SIM's cap still holds.
func TestDispatchYieldsToCallsWithoutStarving(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ringcard.db"), contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n, perWindow = 40, 30
	var msgs []*messages.Message
	for i := range n {
		msgs = append(msgs, &messages.Message{ID: contacts.NewID(), ContactID: fmt.Sprintf("c%02d", i), Channel: messages.SMS, To: fmt.Sprintf("+39347%07d", i),
			Text: "Buongiorno", Segments: 1, DeviceID: "phone-1", SIMSlot: 1, Due: time.Now(), CreatedBy: "test"})
	}
	if err := db.AddSend(ctx, sqlite.MessageSend{ID: "send-1", Channel: messages.SMS, CreatedBy: "test", Text: "Buongiorno", Skipped: "[]"}, msgs); err != nil {
		t.Fatal(err)
	}
	var asked atomic.Int32
	busy := func() bool { asked.Add(1); return true } // a call is always being answered
	svc := messaging.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), messaging.Config{
		Caps: messages.Caps{PerWindow: perWindow, Window: time.Hour, Daily: 200}, Tick: 20 * time.Millisecond, Busy: busy})
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(ctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p, err := db.Send(ctx, "send-1")
		if err != nil {
			t.Fatal(err)
		}
		if p.ByStatus[messages.StatusDispatched] >= perWindow {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dispatcher starved behind the calls: %v", p.ByStatus)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if asked.Load() == 0 {
		t.Error("the dispatcher never asked whether a call was being answered")
	}
	// The cap holds over the next passes (a check that nothing more
	// happens: ten ticks are given to the loop).
	time.Sleep(10 * 20 * time.Millisecond)
	p, err := db.Send(ctx, "send-1")
	if err != nil {
		t.Fatal(err)
	}
	if p.ByStatus[messages.StatusDispatched] != perWindow || p.ByStatus[messages.StatusPlanned] != n-perWindow {
		t.Errorf("progress %v, want %d dispatched (the cap) and %d waiting", p.ByStatus, perWindow, n-perWindow)
	}
	// The phone's reports wait for the calls too, and are recorded all the same.
	all, err := db.SendMessages(ctx, "send-1")
	if err != nil {
		t.Fatal(err)
	}
	var handed string
	for _, m := range all {
		if m.Status == messages.StatusDispatched {
			handed = m.ID
		}
	}
	before := asked.Load()
	for _, st := range []string{"queued", "sent", "delivered"} {
		m, err := svc.Report(ctx, "phone-1", handed, protocol.MessageStatus{Status: st})
		if err != nil || m.Status != st {
			t.Fatalf("report %s: %+v %v", st, m, err)
		}
	}
	if asked.Load() == before {
		t.Error("the reports never asked whether a call was being answered")
	}
}
