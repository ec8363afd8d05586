package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
)

// A group send's SMS handed out several to a transaction: each message
// once, with its sms.send event stored with it; a message no longer
// planned is passed over, and going through the list again hands out
// nothing more.
func TestDispatchSMSBatchHandsEachMessageOnce(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	const n = 60
	var msgs []*messages.Message
	for i := range n {
		msgs = append(msgs, &messages.Message{ID: contacts.NewID(), ContactID: fmt.Sprintf("c%02d", i), Channel: messages.SMS, To: fmt.Sprintf("+39347%07d", i),
			Text: "Buongiorno", Segments: 1, DeviceID: "phone-1", SIMSlot: 1 + i%2, Due: time.Now(), CreatedBy: "test"})
	}
	if err := db.AddSend(ctx, sqlite.MessageSend{ID: "send-1", Channel: messages.SMS, CreatedBy: "test", Text: "Buongiorno", Skipped: "[]"}, msgs); err != nil {
		t.Fatal(err)
	}
	if through, n, err := db.DispatchSMSBatch(ctx, msgs[7:8], "sms.send", func(m *messages.Message) string { return m.ID }); err != nil || through != 1 || n != 1 {
		t.Fatalf("dispatch one: %d %d %v", through, n, err)
	}
	from, err := db.LastEventGID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	payload := func(m *messages.Message) string { return m.ID }
	handOut := func() int {
		total := 0
		for rest := msgs; len(rest) > 0; {
			through, dispatched, err := db.DispatchSMSBatch(ctx, rest, "sms.send", payload)
			if err != nil {
				t.Fatal(err)
			}
			if through < 1 || through > len(rest) || dispatched > through {
				t.Fatalf("went through %d (dispatched %d) of %d", through, dispatched, len(rest))
			}
			rest, total = rest[through:], total+dispatched
		}
		return total
	}
	if got := handOut(); got != n-1 {
		t.Errorf("dispatched %d, want %d (one was already)", got, n-1)
	}
	if got := handOut(); got != 0 {
		t.Errorf("the second time through dispatched %d, want 0", got)
	}
	evs, err := db.EventsAfter(ctx, from, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range evs {
		if e.Type != "sms.send" || e.DeviceID != "phone-1" || seen[e.Payload] || e.Payload == msgs[7].ID {
			t.Errorf("event %+v (a repeat, or for the message already handed out)", e)
		}
		seen[e.Payload] = true
	}
	if len(seen) != n-1 {
		t.Errorf("%d sms.send events, want %d", len(seen), n-1)
	}
	p, err := db.Send(ctx, "send-1")
	if err != nil {
		t.Fatal(err)
	}
	if p.ByStatus[messages.StatusDispatched] != n || len(p.ByStatus) != 1 {
		t.Errorf("send progress %v, want all %d dispatched", p.ByStatus, n)
	}
	m, err := db.Message(ctx, msgs[30].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.History) != 2 || m.History[1].Status != messages.StatusDispatched {
		t.Errorf("history %+v, want planned then dispatched once", m.History)
	}
}
