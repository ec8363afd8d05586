package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
)

// streamEvents reads frames until the event numbered upto arrived; every
// event (alone or in a batch) must follow last with no gap or repeat. It
// returns the events up to upto (a phone that stops there has handled no
// later event of the last batch) and how many frames carried them.
func streamEvents(t *testing.T, s *client.Socket, last, upto int64) (evs []protocol.Envelope, frames int) {
	t.Helper()
	for last < upto {
		env, err := s.Read(15 * time.Second)
		if err != nil {
			t.Fatalf("after seq %d of %d: %v", last, upto, err)
		}
		got, err := client.Events(env)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			continue
		}
		frames++
		for _, e := range got {
			if e.Seq != last+1 {
				t.Fatalf("event %s seq %d after %d", e.Type, e.Seq, last)
			}
			if e.Seq <= upto {
				evs = append(evs, e)
			}
			last = e.Seq
		}
	}
	return evs, frames
}

func resumeWith(t *testing.T, c *client.Client, r protocol.Resume) *client.Socket {
	t.Helper()
	s, err := c.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	id, err := s.ResumeWith(r)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Read(5 * time.Second); err != nil || ok.Type != "ok" || ok.Re != id {
		t.Fatalf("resume answer = %+v %v, want ok", ok, err)
	}
	return s
}

// eventContact is the contact an event is about ("" for others).
func eventContact(t *testing.T, e protocol.Envelope) string {
	t.Helper()
	var p struct {
		ContactID *string `json:"contact_id"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		t.Fatalf("%s payload %s: %v", e.Type, e.Payload, err)
	}
	if p.ContactID == nil {
		return ""
	}
	return *p.ContactID
}

// TestGoldenBatchAndCompact: a phone that resumes with the golden
// ws.resume.options (batch and compact) gets what waited for it in one
// batch frame, card.changed instead of card.updated, every frame and every
// event matching its schema; a live change comes as a batch too.
func TestGoldenBatchAndCompact(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	a, b := e.phone("Giulia"), e.phone("Marco")
	idA := deviceID(t, a)
	for i, id := range []string{"demo-0010", "demo-0001", "demo-0010"} {
		if _, err := b.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: id, Text: fmt.Sprintf("Перезвонить %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var dial map[string]any
	_ = json.Unmarshal(golden(t, "ws.dial", nil), &dial)
	payload, _ := json.Marshal(dial["payload"])
	if err := e.DB.AddEvent(ctx, idA, "dial", "", string(payload)); err != nil {
		t.Fatal(err)
	}
	if err := e.DB.DeleteContact(ctx, "demo-0142"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "five events numbered", 10*time.Second, func() bool { return e.Srv.Hub().Seq(idA) == 5 })

	s := openSocket(t, a)
	s.send(golden(t, "ws.resume.options", map[string]any{"payload.after_seq": 0}))
	if ok := s.next(); ok.Type != "ok" || ok.Re != "m1" {
		t.Fatalf("resume answer = %+v", ok)
	}
	first := s.next() // read() checks the frame against ws.batch
	if first.Type != "batch" || first.Seq != 0 {
		t.Fatalf("first frame after resume = %s seq %d, want a batch with no seq of its own", first.Type, first.Seq)
	}
	var batch protocol.Batch
	decodeInto(t, first.Payload, &batch)
	if len(batch.Events) != 5 {
		t.Fatalf("the batch holds %d events, want the 5 that waited", len(batch.Events))
	}
	wantTypes := []string{"card.changed", "card.changed", "card.changed", "dial", "contact.removed"}
	for i, ev := range batch.Events {
		raw, _ := json.Marshal(ev)
		matches(t, "ws."+ev.Type, raw)
		if ev.Seq != int64(i+1) || ev.Type != wantTypes[i] {
			t.Errorf("batch event %d = %s seq %d, want %s seq %d", i, ev.Type, ev.Seq, wantTypes[i], i+1)
		}
	}
	// The compact events name the contact and its rev (the card's when the
	// hub numbered the event: the first may already show the later note).
	var c1, c3 protocol.CardChanged
	decodeInto(t, batch.Events[0].Payload, &c1)
	decodeInto(t, batch.Events[2].Payload, &c3)
	card, err := a.Lookup(ctx, "+73439697415") // demo-0010's number in the demo data
	if err != nil {
		t.Fatal(err)
	}
	if c1.ContactID != "demo-0010" || c3.ContactID != "demo-0010" || c3.Rev != card.Rev || c1.Rev > c3.Rev {
		t.Errorf("card.changed = %+v and %+v; the card fetched now has rev %d", c1, c3, card.Rev)
	}

	// Live: another note is one more event, in a batch of its own.
	if _, err := b.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0010", Text: "Ещё одна заметка"}); err != nil {
		t.Fatal(err)
	}
	live := s.next()
	decodeInto(t, live.Payload, &batch)
	if live.Type != "batch" || len(batch.Events) != 1 || batch.Events[0].Seq != 6 || batch.Events[0].Type != "card.changed" {
		t.Fatalf("live frame = %s %s, want a batch with card.changed seq 6", live.Type, live.Payload)
	}
	var cc protocol.CardChanged
	decodeInto(t, batch.Events[0].Payload, &cc)
	if cc.Rev <= card.Rev || cc.BaseRev != card.Rev || !slices.Contains(cc.Changed, "history") || slices.Contains(cc.Changed, "rev") {
		t.Errorf("live card.changed = %+v, want rev after %d, base_rev %d and history among the changed keys", cc, card.Rev, card.Rev)
	}
}

// TestBatchAndCompactCarryTheSameEvents: four phones, one per combination
// of the options, see the same events with the same seqs; a plain phone
// gets lone card.updated frames (today's frames), a batch phone the same
// cards byte for byte inside batches, a compact phone card.changed naming
// the same contact.
func TestBatchAndCompactCarryTheSameEvents(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	writer := e.phone("Marco")
	opts := []protocol.Resume{{}, {Batch: true}, {Compact: true}, {Batch: true, Compact: true}}
	socks := make([]*client.Socket, len(opts))
	for i, o := range opts {
		socks[i] = resumeWith(t, e.phone(fmt.Sprintf("Phone %d", i)), o)
	}
	const n = 12
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("demo-%04d", 1+i%4)
		if _, err := writer.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: id, Text: fmt.Sprintf("n%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	streams := make([][]protocol.Envelope, len(opts))
	for i, s := range socks {
		var frames int
		streams[i], frames = streamEvents(t, s, 0, n)
		if !opts[i].Batch && frames != n {
			t.Errorf("phone %+v: %d frames for %d events, want one frame per event", opts[i], frames, n)
		}
	}
	for k := 0; k < n; k++ {
		plain := streams[0][k]
		if plain.Type != "card.updated" {
			t.Fatalf("plain phone: event %d is %s, want card.updated", k, plain.Type)
		}
		for i, o := range opts[1:] {
			ev := streams[i+1][k]
			switch {
			case o.Compact:
				var cc protocol.CardChanged
				if err := protocol.Decode(ev.Payload, &cc); err != nil || ev.Type != "card.changed" || cc.ContactID != eventContact(t, plain) {
					t.Errorf("phone %+v: event %d = %s %s, want card.changed for %s", o, k, ev.Type, ev.Payload, eventContact(t, plain))
				}
			case ev.Type != plain.Type || string(ev.Payload) != string(plain.Payload):
				t.Errorf("phone %+v: event %d differs from the plain phone's", o, k)
			}
		}
	}
}

// TestMixedOptionsAcrossReconnects: one phone changes its options at every
// reconnect (batch+compact, plain, batch, compact), drops its socket
// mid-stream each time and resumes from the last event it handled; across
// all sockets it gets every event exactly once, in order, about the same
// contacts as a phone that stayed connected.
func TestMixedOptionsAcrossReconnects(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	writer, mixer := e.phone("Marco"), e.phone("Giulia")
	ref := resumeWith(t, e.phone("Anna"), protocol.Resume{})
	idM := deviceID(t, mixer)
	made := 0
	change := func(k int) {
		t.Helper()
		for i := 0; i < k; i++ {
			id := fmt.Sprintf("demo-%04d", 1+made%5)
			made++
			if _, err := writer.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: id, Text: fmt.Sprintf("n%d", made)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var got []protocol.Envelope
	var last int64
	rounds := []protocol.Resume{{Batch: true, Compact: true}, {}, {Batch: true}, {Compact: true}, {Batch: true, Compact: true}}
	for r, o := range rounds {
		change(4) // made while the phone is away: replayed
		o.AfterSeq = last
		s := resumeWith(t, mixer, o)
		change(3) // live
		// Handle some of what is there, ack part of it, then lose the socket.
		handle := int64(made) - 2
		if r == len(rounds)-1 {
			handle = int64(made)
		}
		evs, _ := streamEvents(t, s, last, handle)
		for _, ev := range evs {
			if o.Compact && ev.Type == "card.updated" || !o.Compact && ev.Type == "card.changed" {
				t.Errorf("round %d (%+v): got %s", r, o, ev.Type)
			}
		}
		got = append(got, evs...)
		last = handle
		if _, err := s.Ack(last - 1); err != nil {
			t.Fatal(err)
		}
		s.Close()
		waitFor(t, "disconnect", 15*time.Second, func() bool { return !e.Srv.Hub().IsConnected(idM) })
	}
	refEvs, _ := streamEvents(t, ref, 0, int64(made))
	if len(got) != made {
		t.Fatalf("the mixing phone handled %d events, want %d", len(got), made)
	}
	for k, ev := range got {
		if ev.Seq != int64(k+1) {
			t.Fatalf("event %d has seq %d", k, ev.Seq)
		}
		if want := eventContact(t, refEvs[k]); eventContact(t, ev) != want {
			t.Errorf("seq %d (%s) is about %s, the connected phone's about %s", ev.Seq, ev.Type, eventContact(t, ev), want)
		}
	}
}
