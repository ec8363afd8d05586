package officeapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/server/officeapi"
)

// A subscriber that does not read is dropped once its buffer is full (its
// channel closed: the office page reconnects) while the others go on
// getting every event, and Publish never waits.
func TestFeedDropsSlowSubscriber(t *testing.T) {
	var f officeapi.Feed
	slow, stopSlow := f.Subscribe()
	defer stopSlow()
	fast, stopFast := f.Subscribe()
	defer stopFast()
	const events = 200 // more than any subscriber's buffer
	call := &contacts.Call{ID: "c1", Direction: contacts.Incoming, Number: contacts.Parsed{Raw: "06 1234 5678"},
		Outcome: "missed", DeviceID: "d1", SIMSlot: 2, StartedAt: time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)}
	for i := range events {
		f.CallEnded(call, "Mario Rossi") // returns at once: the slow one never reads
		select {
		case e, ok := <-fast:
			if !ok {
				t.Fatalf("the reading subscriber was dropped at event %d", i)
			}
			if e.Call.DisplayName != "Mario Rossi" {
				t.Fatalf("event %d = %+v", i, e.Call)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d never reached the reading subscriber", i)
		}
	}
	buffered := 0
	for e := range slow { // closed when dropped: this loop ends
		buffered++
		if e.Type != "call.missed" || e.Callback == nil || e.Callback.SIMSlot != 2 || e.Call.StartedAt != "2030-01-07T09:00:00Z" {
			t.Fatalf("event = %+v (call %+v), want a missed call with a callback on SIM 2", e, e.Call)
		}
	}
	if buffered == 0 || buffered >= events {
		t.Errorf("the slow subscriber got %d events before it was dropped, want some and fewer than %d", buffered, events)
	}
}

// The board's routes: the calls open now for staff, and the live feed
// only over a websocket (the protocol's error shape otherwise).
func TestBoardRoutes(t *testing.T) {
	e := newEnv(t)
	staff := e.signIn("anna")
	var open struct {
		Calls []officeapi.LiveCall `json:"calls"`
	}
	staff.want("GET", "/api/v1/office/calls/open", nil, &open, http.StatusOK, "", "")
	if open.Calls == nil || len(open.Calls) != 0 {
		t.Errorf("open calls = %+v, want an empty list", open.Calls)
	}
	staff.want("GET", "/api/v1/office/live", nil, nil, http.StatusBadRequest, contacts.EInvalid, "this endpoint needs a websocket upgrade")
}
