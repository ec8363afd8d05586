package server

import (
	"sync"
	"time"

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

// liveFeed fans live events out to office subscribers. A subscriber that
// does not keep up is dropped (its channel closed) rather than slowing the
// call path, which publishes without waiting.
type liveFeed struct {
	mu   sync.Mutex
	subs map[chan LiveEvent]struct{}
}

const liveBuffer = 64

// subscribe returns a channel of live events and a function to stop.
func (f *liveFeed) subscribe() (<-chan LiveEvent, func()) {
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

func (f *liveFeed) publish(e LiveEvent) {
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

func liveCall(c *contacts.Call, name string) *LiveCall {
	return &LiveCall{CallID: c.ID, Direction: c.Direction, Number: c.Number.Raw, E164: c.Number.E164, ContactID: c.ContactID,
		DisplayName: name, By: c.By, DeviceID: c.DeviceID, SIMSlot: c.SIMSlot, SIMLabel: c.SIMLabel,
		StartedAt: timeText(c.StartedAt), Outcome: c.Outcome, DurationS: c.DurationS, EndNotReported: c.EndNotReported}
}

func (f *liveFeed) callStarted(c *contacts.Call, card contacts.Card) {
	f.publish(LiveEvent{Type: "call.started", At: time.Now().UTC(), Call: liveCall(c, card.DisplayName)})
}

func (f *liveFeed) callEnded(c *contacts.Call, name string) {
	e := LiveEvent{Type: "call.ended", At: time.Now().UTC(), Call: liveCall(c, name)}
	// Missed is what the phone said; a call it never reported the end of
	// is not known to be missed.
	if c.Direction == contacts.Incoming && c.Outcome != "" && c.Outcome != contacts.OutcomeAnswered {
		e.Type = "call.missed"
		if c.Number.Raw != "" {
			e.Callback = &Callback{Number: c.Number.Raw, DeviceID: c.DeviceID, SIMSlot: c.SIMSlot}
		}
	}
	f.publish(e)
}
