package officeapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"github.com/ringcard/ringcard/contacts"
)

// LiveEvent is one line of the office's live feed: calls ringing, in
// progress, ended and missed, and phones that went silent or came back.
type LiveEvent struct {
	Type     string    `json:"type"` // call.started, call.ended, call.missed, device.silent, device.online
	At       time.Time `json:"at"`
	Call     *LiveCall `json:"call,omitempty"`
	Device   *LiveDev  `json:"device,omitempty"`
	Callback *Callback `json:"callback,omitempty"` // for a missed call: return it on the same SIM
}

// LiveCall is a call as the office sees it.
type LiveCall struct {
	CallID      string `json:"call_id"`
	Direction   string `json:"direction"`
	Number      string `json:"number"`
	E164        string `json:"e164,omitempty"`
	ContactID   string `json:"contact_id,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
	By          string `json:"by"`
	DeviceID    string `json:"device_id"`
	SIMSlot     int    `json:"sim_slot,omitempty"`
	SIMLabel    string `json:"sim_label,omitempty"`
	StartedAt   string `json:"started_at"`
	Outcome     string `json:"outcome,omitempty"`
	DurationS   int    `json:"duration_s,omitempty"`
	// EndNotReported is set when the server closed the call because its
	// phone never reported the end (why: next_call, open_limit,
	// phone_gone, phone_resume).
	EndNotReported string `json:"end_not_reported,omitempty"`
}

// LiveDev names a phone in a device event.
type LiveDev struct {
	DeviceID string `json:"device_id"`
	Name     string `json:"name"`
	LastSeen string `json:"last_seen,omitempty"`
}

// Callback suggests how to return a missed call: same number, same phone,
// same SIM.
type Callback struct {
	Number   string `json:"number"`
	DeviceID string `json:"device_id"`
	SIMSlot  int    `json:"sim_slot,omitempty"`
}

// Feed fans live events out to office subscribers. A subscriber that does
// not keep up is dropped (its channel closed) rather than slowing the call
// path, which publishes without waiting. The zero Feed is ready to use.
type Feed struct {
	mu   sync.Mutex
	subs map[chan LiveEvent]struct{}
}

const liveBuffer = 64

// Subscribe returns a channel of live events and a function to stop.
func (f *Feed) Subscribe() (<-chan LiveEvent, func()) {
	ch := make(chan LiveEvent, liveBuffer)
	f.mu.Lock()
	if f.subs == nil {
		f.subs = map[chan LiveEvent]struct{}{}
	}
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[ch]; ok {
			delete(f.subs, ch)
			close(ch)
		}
	}
}

// Publish sends e to every subscriber without waiting.
func (f *Feed) Publish(e LiveEvent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- e:
		default: // too slow: drop it; its reader sees the channel close and reconnects
			delete(f.subs, ch)
			close(ch)
		}
	}
}

// CallOf is a call as the office sees it, showing the contact's name.
func CallOf(c *contacts.Call, name string) *LiveCall {
	return &LiveCall{CallID: c.ID, Direction: c.Direction, Number: c.Number.Raw, E164: c.Number.E164, ContactID: c.ContactID,
		DisplayName: name, By: c.By, DeviceID: c.DeviceID, SIMSlot: c.SIMSlot, SIMLabel: c.SIMLabel,
		StartedAt: contacts.TimeText(c.StartedAt), Outcome: c.Outcome, DurationS: c.DurationS, EndNotReported: c.EndNotReported}
}

// CallStarted publishes a call that started, showing name.
func (f *Feed) CallStarted(c *contacts.Call, name string) {
	f.Publish(LiveEvent{Type: "call.started", At: time.Now().UTC(), Call: CallOf(c, name)})
}

// CallEnded publishes a call that ended: a missed one (as its phone said)
// with a suggestion to call back on the same SIM.
func (f *Feed) CallEnded(c *contacts.Call, name string) {
	e := LiveEvent{Type: "call.ended", At: time.Now().UTC(), Call: CallOf(c, name)}
	// Missed is what the phone said; a call it never reported the end of
	// is not known to be missed.
	if c.Direction == contacts.Incoming && c.Outcome != "" && c.Outcome != contacts.OutcomeAnswered {
		e.Type = "call.missed"
		if c.Number.Raw != "" {
			e.Callback = &Callback{Number: c.Number.Raw, DeviceID: c.DeviceID, SIMSlot: c.SIMSlot}
		}
	}
	f.Publish(e)
}

// BoardStore is what the live board needs from the database.
type BoardStore interface {
	OpenCalls(ctx context.Context, since time.Time) ([]*contacts.Call, error)
	Contact(ctx context.Context, id string) (*contacts.Contact, error)
}

// BoardTimes are the live board's limits and the office socket's timers.
type BoardTimes struct {
	OpenLimit    time.Duration // a call open longer is not on the board (calls.open_limit)
	IdleTimeout  time.Duration // a socket silent this long (no pong) is closed
	PingInterval time.Duration
	WriteTimeout time.Duration
}

// Board serves the office's live board: the calls open now, and the live
// feed over a websocket.
type Board struct {
	store BoardStore
	feed  *Feed
	t     BoardTimes
	o     Options
}

// NewBoard returns the live board's routes, streaming feed.
func NewBoard(store BoardStore, feed *Feed, t BoardTimes, o Options) *Board {
	return &Board{store: store, feed: feed, t: t, o: o}
}

// Mount adds the routes to the office group (/api/v1/office). Their access
// rules are in server/access.go.
func (b *Board) Mount(r gin.IRouter) {
	r.GET("/calls/open", handle(b.o.Fail, b.openCalls))
	r.GET("/live", handle(b.o.Fail, b.live))
}

func (b *Board) openCalls(c *gin.Context) error {
	calls, err := b.OpenCalls(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"calls": calls})
	return nil
}

// OpenCalls lists the calls ringing or in progress across the office.
func (b *Board) OpenCalls(ctx context.Context) ([]*LiveCall, error) {
	calls, err := b.store.OpenCalls(ctx, b.o.Now().Add(-b.t.OpenLimit))
	if err != nil {
		return nil, err
	}
	out := make([]*LiveCall, 0, len(calls))
	for _, call := range calls {
		name := ""
		if call.ContactID != "" {
			if ct, err := b.store.Contact(ctx, call.ContactID); err == nil {
				name = ct.Name()
			}
		}
		out = append(out, CallOf(call, name))
	}
	return out, nil
}

var upgrader = websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 4096}

// live streams the live feed to an office page: first the calls open now,
// then every event as it happens.
func (b *Board) live(c *gin.Context) error {
	if !websocket.IsWebSocketUpgrade(c.Request) {
		return contacts.Errorf(contacts.EInvalid, "this endpoint needs a websocket upgrade")
	}
	events, stop := b.feed.Subscribe()
	defer stop()
	open, err := b.OpenCalls(c.Request.Context())
	if err != nil {
		return err
	}
	ws, err := upgrader.Upgrade(c.Writer, c.Request, nil) // same-origin only: the default origin check
	if err != nil {
		return nil
	}
	defer ws.Close()
	idle := b.t.IdleTimeout
	_ = ws.SetReadDeadline(time.Now().Add(idle))
	ws.SetPongHandler(func(string) error { return ws.SetReadDeadline(time.Now().Add(idle)) })
	go func() { // the office page sends nothing; reading notices it leaving (or going silent)
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				stop()
				return
			}
		}
	}()
	write := func(v any) error {
		_ = ws.SetWriteDeadline(time.Now().Add(b.t.WriteTimeout))
		return ws.WriteJSON(v)
	}
	if err := write(gin.H{"type": "snapshot", "calls": open}); err != nil {
		return nil
	}
	ping := time.NewTicker(b.t.PingInterval)
	defer ping.Stop()
	for {
		select {
		case e, ok := <-events:
			if !ok {
				_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "too slow"), time.Now().Add(time.Second))
				return nil
			}
			if err := write(e); err != nil {
				return nil
			}
		case <-ping.C:
			if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(b.t.WriteTimeout)); err != nil {
				return nil
			}
		}
	}
}
