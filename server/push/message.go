// Package push wakes phones that have no open websocket by sending FCM
// data-only messages that carry no client data, only a hint of what to
// fetch over the socket.
//
// Building a message (BuildMessage) is kept apart from sending it (Sender,
// FCMSender) and from queueing and retrying (Dispatcher).
package push

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"firebase.google.com/go/v4/messaging"
)

// Kind is the type of a wake-up message; it is sent as the "type" data key.
type Kind string

// The message kinds of the ringcard push protocol.
const (
	// KindSync asks the phone to sync from a cursor. Collapsible, normal
	// priority.
	KindSync Kind = "sync"
	// KindDial asks the phone to place a call. Always high priority.
	KindDial Kind = "dial"
	// KindEvent asks the phone to open the socket and resume from a
	// sequence number. High priority only when Urgent.
	KindEvent Kind = "event"
)

// SyncCollapseKey is the android collapse_key of sync tickles, so FCM keeps
// only the latest one for an offline phone.
const SyncCollapseKey = "sync"

// maxDataBytes is FCM's limit on the data payload, keys plus values.
const maxDataBytes = 4096

// ErrInvalidMessage is wrapped by every error about a malformed Message.
var ErrInvalidMessage = errors.New("push: invalid message")

// Message is one wake-up for one device.
type Message struct {
	// Token is the FCM registration token of the device.
	Token string
	// Kind selects priority, TTL and collapsing.
	Kind Kind
	// Data holds the protocol fields besides "type", e.g. "cursor" for
	// sync, "number" and "sim_slot" for dial, "seq" for event.
	Data map[string]string
	// Urgent marks an event a person is waiting for; it is sent with high
	// priority. Dial is always high and sync always normal.
	Urgent bool
	// TTL overrides the per-kind time to live when positive.
	TTL time.Duration
}

// TTLs holds the time to live per kind. Zero fields take the defaults.
type TTLs struct {
	// Sync is the TTL of sync tickles (default 1h).
	Sync time.Duration
	// Event is the TTL of event wake-ups (default 10m).
	Event time.Duration
	// Dial is the TTL of dial requests (default 60s).
	Dial time.Duration
}

// DefaultTTLs returns the default time to live per kind.
func DefaultTTLs() TTLs {
	return TTLs{Sync: time.Hour, Event: 10 * time.Minute, Dial: 60 * time.Second}
}

// For returns the TTL of m: m.TTL when positive, otherwise the kind's
// value, otherwise the kind's default.
func (t TTLs) For(m Message) time.Duration {
	if m.TTL > 0 {
		return m.TTL
	}
	def := DefaultTTLs()
	pick := func(v, d time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return d
	}
	switch m.Kind {
	case KindSync:
		return pick(t.Sync, def.Sync)
	case KindDial:
		return pick(t.Dial, def.Dial)
	default:
		return pick(t.Event, def.Event)
	}
}

// HighPriority reports whether m is sent with android priority "high".
func (m Message) HighPriority() bool {
	return m.Kind == KindDial || (m.Kind == KindEvent && m.Urgent)
}

// Validate checks the fields every Message needs: a token, a known kind
// and a data payload FCM will accept.
func (m Message) Validate() error {
	if m.Token == "" {
		return fmt.Errorf("%w: empty token", ErrInvalidMessage)
	}
	switch m.Kind {
	case KindSync, KindDial, KindEvent:
	default:
		return fmt.Errorf("%w: unknown kind %q", ErrInvalidMessage, m.Kind)
	}
	size := len("type") + len(m.Kind)
	for k, v := range m.Data {
		if k == "type" || k == "from" || k == "gcm" || k == "message_type" || strings.HasPrefix(k, "google") {
			return fmt.Errorf("%w: reserved data key %q", ErrInvalidMessage, k)
		}
		size += len(k) + len(v)
	}
	if size > maxDataBytes {
		return fmt.Errorf("%w: data payload is %d bytes, limit %d", ErrInvalidMessage, size, maxDataBytes)
	}
	return nil
}

// BuildMessage turns m into an FCM message: data-only (never a
// notification block), "type" set to the kind, android priority "normal"
// with collapse key "sync" for sync, "high" for dial and urgent events,
// and the TTL from ttls.For(m). It does not modify m.
func BuildMessage(m Message, ttls TTLs) (*messaging.Message, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	data := make(map[string]string, len(m.Data)+1)
	for k, v := range m.Data {
		data[k] = v
	}
	data["type"] = string(m.Kind)
	ttl := ttls.For(m)
	android := &messaging.AndroidConfig{Priority: "normal", TTL: &ttl}
	if m.HighPriority() {
		android.Priority = "high"
	}
	if m.Kind == KindSync {
		android.CollapseKey = SyncCollapseKey
	}
	return &messaging.Message{Token: m.Token, Data: data, Android: android}, nil
}
