package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/config"
)

// twoSIMPhone pairs a phone with two work SIMs.
func (e *testEnv) twoSIMPhone(name string) *client.Client {
	e.t.Helper()
	ctx := context.Background()
	pc, err := server.CreatePairCode(ctx, e.DB, name, e.URL, time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	c := client.New(e.URL, "")
	if _, err := c.Pair(ctx, protocol.PairRequest{Code: pc.Code, DeviceName: name, Platform: "android",
		SIMs: []protocol.SIM{{Slot: 1, Label: "Sales line"}, {Slot: 2, Label: "Office line"}}}); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// boardIDs lists the call_ids the live board shows (the office's open
// calls, as /api/v1/office/calls/open and the live feed's first frame give
// them, and the web board's query). The two are read one after the other
// while the server may be closing a call between them (the store first,
// the live feed right after), so they are read again until they agree; a
// disagreement that lasts is an error.
func (e *testEnv) boardIDs() []string {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ids, web := e.openCallIDs()
		if slices.Equal(ids, web) {
			return ids
		}
		if time.Now().After(deadline) {
			e.t.Errorf("live feed's open calls %v differ from the web board's %v", ids, web)
			return ids
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openCallIDs reads the live feed's open calls and the web board's, sorted.
func (e *testEnv) openCallIDs() (live, web []string) {
	e.t.Helper()
	open, err := e.Srv.OpenCalls(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range open {
		live = append(live, c.CallID)
	}
	active, err := e.DB.ActiveCalls(context.Background(), time.Now().Add(-24*time.Hour))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range active {
		web = append(web, c.ID)
	}
	slices.Sort(live)
	slices.Sort(web)
	return live, web
}

// storedCall reads a call as stored.
func (e *testEnv) storedCall(id string) *contacts.Call {
	e.t.Helper()
	c, err := e.DB.Call(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// historyLine returns the card history line of a call, from a card of its
// contact as another phone looks it up.
func historyLine(t *testing.T, card protocol.Card, callID string) protocol.HistoryEntry {
	t.Helper()
	for _, h := range card.History {
		if h.CallID == callID && h.Kind == "call" {
			return h
		}
	}
	t.Fatalf("call %s is not in the card's history", callID)
	return protocol.HistoryEntry{}
}

func ids(calls ...protocol.CallStart) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.CallID)
	}
	slices.Sort(out)
	return out
}

func TestNewCallOnSameSIMEndsTheEarlierOne(t *testing.T) {
	e := newEnv(t, true)
	giulia, marco := e.twoSIMPhone("Giulia"), e.phone("Marco")
	ctx := context.Background()
	start := time.Now().Add(-10 * time.Minute).UTC().Truncate(time.Second)
	first := callReq("+39 380 296 0981", start) // SIM 1; her phone crashes mid-call
	if _, err := giulia.StartCall(ctx, first); err != nil {
		t.Fatal(err)
	}
	other := callReq("06 4281 1822", start.Add(time.Minute)) // SIM 2 stays open
	other.SIMSlot = 2
	if _, err := giulia.StartCall(ctx, other); err != nil {
		t.Fatal(err)
	}
	marcos := callReq("+39 333 000 1111", start.Add(2*time.Minute)) // another phone, SIM 1
	if _, err := marco.StartCall(ctx, marcos); err != nil {
		t.Fatal(err)
	}
	if card, _ := marco.Lookup(ctx, "380 296 0981"); card.OnCall == nil {
		t.Fatalf("before: the card does not show Giulia on the call")
	}
	feed, stop := e.Srv.SubscribeLiveForTest()
	defer stop()

	next := callReq("+39 347 555 0101", start.Add(5*time.Minute)) // back up, a new call on SIM 1
	if _, err := giulia.StartCall(ctx, next); err != nil {
		t.Fatal(err)
	}
	// Closed right after the new call's card is answered.
	want := ids(other, marcos, next)
	waitFor(t, "the board to drop the first call", 10*time.Second, func() bool { return slices.Equal(e.boardIDs(), want) })
	card, err := marco.Lookup(ctx, "380 296 0981")
	if err != nil {
		t.Fatal(err)
	}
	if card.OnCall != nil {
		t.Errorf("card still shows on_call %+v", card.OnCall)
	}
	h := historyLine(t, card, first.CallID)
	if h.Text != "Incoming, end not reported" || h.Outcome != "" || !h.EndNotReported {
		t.Errorf("history line = %+v, want 'Incoming, end not reported'", h)
	}
	if c := e.storedCall(first.CallID); c.EndNotReported != contacts.EndNextCall || !c.EndedAt.Equal(start.Add(5*time.Minute)) {
		t.Errorf("stored call = %+v, want closed at the next call's start, reason next_call", c)
	}
	deadline := time.After(5 * time.Second)
	for seen := false; !seen; {
		select {
		case ev := <-feed:
			if ev.Type == "call.started" && ev.Call.CallID == next.CallID {
				continue
			}
			seen = true
			if ev.Type != "call.ended" || ev.Call.CallID != first.CallID || ev.Call.EndNotReported != contacts.EndNextCall || ev.Callback != nil {
				t.Errorf("live event = %+v %+v, want call.ended (not missed) for the first call", ev, ev.Call)
			}
		case <-deadline:
			t.Fatal("no live event for the closed call")
		}
	}

	// The phone's own report comes after all: it is the truth.
	d := 200
	if _, err := giulia.EndCall(ctx, first.CallID, protocol.CallEnd{EndedAt: start.Add(4 * time.Minute).Format(time.RFC3339), DurationS: &d, Outcome: "answered"}); err != nil {
		t.Fatal(err)
	}
	card, _ = marco.Lookup(ctx, "380 296 0981")
	if h := historyLine(t, card, first.CallID); h.Outcome != "answered" || h.DurationS != 200 || h.EndNotReported {
		t.Errorf("after the phone's report, history = %+v", h)
	}
}

func TestPhoneThatVanishesMidCall(t *testing.T) {
	e := newEnv(t, true, func(c *config.Config) { c.Calls.GoneAfter = config.Duration(300 * time.Millisecond) })
	ctx := context.Background()
	giulia, rest := e.phone("Giulia"), e.phone("Rita") // Rita's phone never opens a socket
	ws, err := giulia.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Resume(0); err != nil {
		t.Fatal(err)
	}
	call := callReq("+39 380 296 0981", time.Now())
	if _, err := giulia.StartCall(ctx, call); err != nil {
		t.Fatal(err)
	}
	restCall := callReq("06 4281 1822", time.Now())
	if _, err := rest.StartCall(ctx, restCall); err != nil {
		t.Fatal(err)
	}
	ws.Conn().UnderlyingConn().Close() // the network goes, no close frame
	waitFor(t, "the vanished phone's call off the board", 10*time.Second, func() bool {
		return !slices.Contains(e.boardIDs(), call.CallID)
	})
	if c := e.storedCall(call.CallID); c.EndNotReported != contacts.EndPhoneGone {
		t.Errorf("stored call = %+v, want closed as phone_gone", c)
	}
	if card, _ := rest.Lookup(ctx, "380 296 0981"); card.OnCall != nil || !historyLine(t, card, call.CallID).EndNotReported {
		t.Errorf("card after the phone vanished: on_call %+v", card.OnCall)
	}
	// A phone that only speaks REST has no socket to lose: its call stays.
	if !slices.Contains(e.boardIDs(), restCall.CallID) {
		t.Errorf("the REST-only phone's call was closed")
	}
}

func TestResumeListsTheOpenCalls(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	ph := e.twoSIMPhone("Giulia")
	start := time.Now().Add(-time.Minute)
	gone := callReq("+39 380 296 0981", start) // SIM 1: over, its end lost
	held := callReq("06 4281 1822", start)     // SIM 2: on hold...
	held.SIMSlot = 2
	waiting := callReq("+39 347 555 0101", start.Add(30*time.Second)) // ...while a waiting call is answered on SIM 2
	waiting.SIMSlot = 2
	for _, c := range []protocol.CallStart{gone, held, waiting} {
		if _, err := ph.StartCall(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the held call closed by the waiting one", 10*time.Second, func() bool { return slices.Equal(e.boardIDs(), ids(gone, waiting)) })
	ws, err := ph.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	// Bad lists are refused with the field named.
	id, _ := ws.Send(protocol.TypeResume, map[string]any{"after_seq": 0, "open_calls": []string{"not-a-uuid"}})
	if env, err := ws.Await(id, 5*time.Second, nil); err != nil || env.Type != protocol.TypeError || !strings.Contains(string(env.Payload), "payload.open_calls[0]") {
		t.Fatalf("bad open_calls answered %s %s (%v)", env.Type, env.Payload, err)
	}
	id, err = ws.ResumeOpen(0, []string{strings.ToUpper(held.CallID), waiting.CallID})
	if err != nil {
		t.Fatal(err)
	}
	if env, err := ws.Await(id, 5*time.Second, nil); err != nil || env.Type != protocol.TypeOK {
		t.Fatalf("resume answered %s %s (%v)", env.Type, env.Payload, err)
	}
	if got := e.boardIDs(); !slices.Equal(got, ids(held, waiting)) {
		t.Errorf("board = %v, want the two calls the phone says are open", got)
	}
	if c := e.storedCall(gone.CallID); c.EndNotReported != contacts.EndPhoneResume {
		t.Errorf("unlisted call = %+v, want closed as phone_resume", c)
	}
	if c := e.storedCall(held.CallID); !c.Open() {
		t.Errorf("listed call = %+v, want open again", c)
	}
}

// restartEnv runs servers one after another on one database file, as a
// restart does.
type restartEnv struct {
	t    *testing.T
	cfg  config.Config
	stop func()
	URL  string
	DB   *sqlite.DB
}

func (r *restartEnv) start() {
	r.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := server.OpenStore(ctx, r.cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	srv, err := server.New(ctx, r.cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		r.t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		r.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	r.URL, r.DB = "http://"+ln.Addr().String(), db
	r.stop = func() {
		cancel()
		<-done
		db.Close()
	}
}

func TestOpenLimitAcrossRestarts(t *testing.T) {
	const limit = 1500 * time.Millisecond
	cfg := config.Default()
	cfg.DB = t.TempDir() + "/ringcard.db"
	cfg.Calls.OpenLimit = config.Duration(limit)
	r := &restartEnv{t: t, cfg: cfg}
	r.start()
	defer func() { r.stop() }()
	ctx := context.Background()
	pc, err := server.CreatePairCode(ctx, r.DB, "Giulia", r.URL, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	ph := client.New(r.URL, "")
	if _, err := ph.Pair(ctx, protocol.PairRequest{Code: pc.Code, DeviceName: "Giulia", SIMs: []protocol.SIM{{Slot: 1, Label: "Sales"}, {Slot: 2, Label: "Office"}}}); err != nil {
		t.Fatal(err)
	}
	// Call 1 passes the bound while the server is down; call 2, started
	// just before a restart, passes it under the next server's timer.
	first := callReq("+39 380 296 0981", time.Now())
	if _, err := ph.StartCall(ctx, first); err != nil {
		t.Fatal(err)
	}
	r.stop()
	waitFor(t, "the bound to pass", 10*time.Second, func() bool { return time.Since(parseT(t, first.StartedAt)) > limit+time.Second })
	r.start()
	ph = client.New(r.URL, ph.Token)
	closedAs := func(id string) string {
		c, err := r.DB.Call(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.EndNotReported
	}
	waitFor(t, "the call past the bound closed at start", 5*time.Second, func() bool { return closedAs(first.CallID) == contacts.EndOpenLimit })
	second := callReq("06 4281 1822", time.Now())
	second.SIMSlot = 2
	if _, err := ph.StartCall(ctx, second); err != nil {
		t.Fatal(err)
	}
	r.stop()
	r.start()
	ph = client.New(r.URL, ph.Token)
	if closedAs(second.CallID) != "" && time.Since(parseT(t, second.StartedAt)) < limit {
		t.Fatalf("the second call was closed before its bound")
	}
	waitFor(t, "the second call closed by the re-armed timer", 10*time.Second, func() bool { return closedAs(second.CallID) == contacts.EndOpenLimit })
	if c, _ := r.DB.Call(ctx, second.CallID); c.EndedAt.Sub(parseT(t, second.StartedAt)) < limit {
		t.Errorf("closed %v after it started, before the %v bound", c.EndedAt.Sub(parseT(t, second.StartedAt)), limit)
	}
	card, err := ph.Lookup(ctx, "380 296 0981")
	if err != nil {
		t.Fatal(err)
	}
	if h := historyLine(t, card, first.CallID); h.Text != "Incoming, end not reported" {
		t.Errorf("history = %+v", h)
	}
}

func parseT(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
