package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
)

func connect(t *testing.T, c *client.Client, after int64) *client.Socket {
	t.Helper()
	s, err := c.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	id, err := s.Resume(after)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := s.Read(5 * time.Second)
	if err != nil || ok.Type != "ok" {
		t.Fatalf("resume answer = %+v %v, want ok", ok, err)
	}
	_ = id
	return s
}

// events reads numbered events until n arrived; answers are skipped.
func events(t *testing.T, s *client.Socket, n int) []protocol.Envelope {
	t.Helper()
	var out []protocol.Envelope
	for len(out) < n {
		env, err := s.Read(15 * time.Second) // generous: CI machines are slow and shared
		if err != nil {
			t.Fatalf("after %d of %d events: %v", len(out), n, err)
		}
		if env.Seq > 0 {
			out = append(out, env)
		}
	}
	return out
}

func TestWebsocketRequests(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	s := connect(t, ph, 0)
	number := "06 4281 1822"
	call := protocol.CallStart{CallID: contacts.NewID(), Direction: "incoming", Number: &number, SIMSlot: 1, StartedAt: time.Now().Format(time.RFC3339)}
	id, _ := s.Send("call.started", call)
	ans, err := s.Await(id, 5*time.Second, nil)
	if err != nil || ans.Type != "card" || ans.Seq != 0 {
		t.Fatalf("call.started answer = %+v %v, want card with no seq", ans, err)
	}
	var card protocol.Card
	if err := json.Unmarshal(ans.Payload, &card); err != nil || card.DisplayName != "Silvia Santoro" {
		t.Fatalf("card = %+v %v", card, err)
	}
	id, _ = s.Send("note.add", protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: *card.ContactID, CallID: call.CallID, Text: "Ordina 20 casse"})
	ans, err = s.Await(id, 5*time.Second, nil)
	var note protocol.Note
	if err != nil || ans.Type != "note.added" || json.Unmarshal(ans.Payload, &note) != nil || note.Author != "Giulia" {
		t.Fatalf("note.add answer = %+v %v", ans, err)
	}
	d := 12
	id, _ = s.Send("call.ended", protocol.CallEnd{CallID: call.CallID, EndedAt: time.Now().Add(12 * time.Second).Format(time.RFC3339), DurationS: &d, Outcome: "answered"})
	if ans, err = s.Await(id, 5*time.Second, nil); err != nil || ans.Type != "ok" {
		t.Fatalf("call.ended answer = %+v %v, want ok", ans, err)
	}
	for name, frame := range map[string]string{
		"unknown type":    `{"type":"teleport","id":"x1","payload":{}}`,
		"missing payload": `{"type":"note.add","id":"x1"}`,
		"bad payload":     `{"type":"note.add","id":"x1","payload":{"note_id":5}}`,
		"unknown field":   `{"type":"ping","id":"x1","colour":"red"}`,
		"missing type":    `{"id":"x1"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if err := s.SendRaw([]byte(frame)); err != nil {
				t.Fatal(err)
			}
			ans, err := s.Await("x1", 5*time.Second, nil)
			var body protocol.ErrorResponse
			if err != nil || ans.Type != "error" || json.Unmarshal(ans.Payload, &body) != nil || body.Error.Code != "invalid_request" {
				t.Errorf("answer = %+v %v, want error invalid_request", ans, err)
			}
		})
	}
	if err := s.SendRaw([]byte(`{"type": "ping", "id": `)); err != nil {
		t.Fatal(err)
	}
	// The answer has no id to await; events (numbered) may come first.
	for ans, err = s.Read(5 * time.Second); err == nil && ans.Seq > 0; ans, err = s.Read(5 * time.Second) {
	}
	if err != nil || ans.Type != "error" || ans.Re != "" {
		t.Errorf("truncated frame answer = %+v %v, want an error frame", ans, err)
	}
	id, _ = s.Send("ping", nil)
	if ans, err = s.Await(id, 5*time.Second, nil); err != nil || ans.Type != "pong" {
		t.Errorf("ping answer = %+v %v", ans, err)
	}
}

func TestEventsReachEveryPhoneInOrder(t *testing.T) {
	e := newEnv(t, true)
	a, b := e.phone("Giulia"), e.phone("Marco")
	sa, sb := connect(t, a, 0), connect(t, b, 0)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := b.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0016", Text: fmt.Sprintf("note %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for name, s := range map[string]*client.Socket{"other phone": sa, "phone that made the change": sb} {
		evs := events(t, s, 3)
		for i, ev := range evs {
			if ev.Type != "card.updated" || ev.Seq != int64(i+1) {
				t.Errorf("%s: event %d = %s seq %d, want card.updated seq %d", name, i, ev.Type, ev.Seq, i+1)
			}
		}
		var card protocol.Card
		if err := json.Unmarshal(evs[2].Payload, &card); err != nil || card.ContactID == nil || *card.ContactID != "demo-0016" || card.History[0].Text != "note 2" {
			t.Errorf("%s: last card = %+v %v, want demo-0016 with note 2 on top", name, card.History, err)
		}
	}
}

// TestSharedFanOutIsWhole: with more phones than one writer takes alone
// and nobody ringing, the hub and a second writer share the fan-out; every
// phone must still get every event once, in order, whichever writer wrote
// to it, while changes keep coming.
func TestSharedFanOutIsWhole(t *testing.T) {
	e := newEnv(t, true)
	const phones, changes = 80, 6
	socks := make([]*client.Socket, phones)
	var writer *client.Client
	for i := range socks {
		c := e.phone(fmt.Sprintf("Phone %d", i))
		socks[i] = connect(t, c, 0)
		writer = c
	}
	ctx := context.Background()
	for i := 0; i < changes; i++ {
		if _, err := writer.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0016", Text: fmt.Sprintf("note %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range socks {
		evs, _ := streamEvents(t, s, 0, changes) // no gap, no repeat
		var card protocol.Card
		if err := json.Unmarshal(evs[changes-1].Payload, &card); err != nil || len(card.History) == 0 || card.History[0].Text != fmt.Sprintf("note %d", changes-1) {
			t.Fatalf("phone %d: last card = %+v %v, want the last note on top", i, card.History, err)
		}
	}
	if n := e.Srv.Hub().SharedFanOuts(); n == 0 {
		t.Errorf("no fan-out to %d phones was shared with a second writer", phones)
	}
}

func TestResumeAfterDisconnect(t *testing.T) {
	e := newEnv(t, true)
	a, b := e.phone("Giulia"), e.phone("Marco")
	ctx := context.Background()
	note := func(i int) {
		t.Helper()
		if _, err := b.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", Text: fmt.Sprintf("n%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	s := connect(t, a, 0)
	note(1)
	note(2)
	got := events(t, s, 2)
	if _, err := s.Ack(got[1].Seq); err != nil {
		t.Fatal(err)
	}
	s.Close() // the phone loses its socket mid-stream
	waitFor(t, "disconnect", 15*time.Second, func() bool { return e.Srv.Hub().Connected() == 0 })
	for i := 3; i <= 7; i++ {
		note(i)
	}
	e.Srv.Hub().Flush(ctx)

	// Resume from seq 1 (as if the ack of 2 was lost): 2..7 arrive once, in order, then live ones.
	s2 := connect(t, a, 1)
	got = events(t, s2, 6)
	for i, ev := range got {
		if ev.Seq != int64(i+2) {
			t.Fatalf("replayed seqs: got %d at %d, want %d", ev.Seq, i, i+2)
		}
	}
	note(8)
	live := events(t, s2, 1)
	if live[0].Seq != 8 {
		t.Errorf("live event after replay has seq %d, want 8", live[0].Seq)
	}
	// Nothing else is pending: a ping is answered before any other frame.
	id, _ := s2.Send("ping", nil)
	if ans, err := s2.Read(5 * time.Second); err != nil || ans.Re != id {
		t.Errorf("unexpected frame after the stream: %+v %v", ans, err)
	}
}

func TestResumeAcrossServerRestart(t *testing.T) {
	e := newEnv(t, true)
	a, b := e.phone("Giulia"), e.phone("Marco")
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		if _, err := b.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", Text: fmt.Sprintf("n%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	dbPath := e.Cfg.DB
	e.stop()
	// A new server process on the same file: the stored events are still numbered the same.
	e2 := newEnv(t, false, func(c *serverConfig) { c.DB = dbPath })
	a.BaseURL, b.BaseURL = e2.URL, e2.URL
	s := connect(t, a, 2)
	got := events(t, s, 2)
	if got[0].Seq != 3 || got[1].Seq != 4 {
		t.Errorf("after restart: seqs %d,%d, want 3,4", got[0].Seq, got[1].Seq)
	}
	if _, err := b.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", Text: "after"}); err != nil {
		t.Fatal(err)
	}
	if ev := events(t, s, 1); ev[0].Seq != 5 {
		t.Errorf("live after restart: seq %d, want 5", ev[0].Seq)
	}
}

func TestResyncWhenEventsWereDropped(t *testing.T) {
	e := newEnv(t, true)
	a, b := e.phone("Giulia"), e.phone("Marco")
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := b.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	devs, _ := e.DB.Devices(ctx)
	waitFor(t, "events numbered", 5*time.Second, func() bool { return e.Srv.Hub().Seq(devs[0].ID) == 3 })
	// Everything is older than the retention now.
	if _, err := e.DB.TrimEvents(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	s := connect(t, a, 0)
	ev := events(t, s, 1)[0]
	if ev.Type != "resync" || ev.Seq != 3 {
		t.Fatalf("first event = %s seq %d, want resync at seq 3", ev.Type, ev.Seq)
	}
	if _, err := b.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", Text: "y"}); err != nil {
		t.Fatal(err)
	}
	if next := events(t, s, 1)[0]; next.Seq != 4 || next.Type != "card.updated" {
		t.Errorf("after resync: %s seq %d, want card.updated seq 4", next.Type, next.Seq)
	}
}

func TestRevokedDeviceSocketIsClosed(t *testing.T) {
	e := newEnv(t, true)
	a := e.phone("Giulia")
	s := connect(t, a, 0)
	ctx := context.Background()
	devs, _ := e.DB.Devices(ctx)
	// As `ringcard devices revoke` does, from another process: straight in the database.
	if _, err := e.DB.RevokeDevice(ctx, devs[0].ID); err != nil {
		t.Fatal(err)
	}
	env, err := s.Read(10 * time.Second)
	var body protocol.ErrorResponse
	if err != nil || env.Type != "error" || json.Unmarshal(env.Payload, &body) != nil || body.Error.Code != "unauthorized" {
		t.Fatalf("revoked socket got %+v %v, want an unauthorized error frame", env, err)
	}
	_, err = s.Read(5 * time.Second)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
		t.Errorf("close = %v, want close code 1008", err)
	}
	if _, err := a.Connect(ctx); err == nil {
		t.Errorf("a revoked device could open a websocket")
	}
}

func TestNoEventBeforeResume(t *testing.T) {
	e := newEnv(t, true)
	a, b := e.phone("Giulia"), e.phone("Marco")
	s, err := a.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := b.AddNote(context.Background(), protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	id, _ := s.Send("ping", nil)
	env, err := s.Read(5 * time.Second)
	if err != nil || env.Re != id {
		t.Fatalf("before resume got %+v %v, want only the pong", env, err)
	}
	if _, err := s.Resume(0); err != nil {
		t.Fatal(err)
	}
	if ev := events(t, s, 1); ev[0].Seq != 1 {
		t.Errorf("first event after resume: seq %d", ev[0].Seq)
	}
}
