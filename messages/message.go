package messages

import "time"

// Channels a message goes by.
const (
	SMS   = "sms"
	Email = "email"
)

// Statuses of a message. A message is planned (waiting for its time and its
// SIM's caps), then dispatched (handed to the phone as a numbered event, or
// to the mail server), then the phone reports queued, sent, delivered or
// failed. Skipped messages were never sent (the contact opted out).
const (
	StatusPlanned    = "planned"
	StatusDispatched = "dispatched"
	StatusQueued     = "queued"
	StatusSent       = "sent"
	StatusDelivered  = "delivered"
	StatusFailed     = "failed"
)

// rank orders statuses so a late or repeated report never moves a message
// back: delivered after sent stays delivered when "sent" arrives again.
var rank = map[string]int{StatusPlanned: 0, StatusDispatched: 1, StatusQueued: 2, StatusSent: 3, StatusDelivered: 4, StatusFailed: 4}

// PhoneStatus reports whether s is a status a phone may report.
func PhoneStatus(s string) bool {
	return s == StatusQueued || s == StatusSent || s == StatusDelivered || s == StatusFailed
}

// ReasonExpired is the failure reason (a code staff's pages translate) of
// an SMS no phone sent before its send_before: the phone reports it when it
// gets the message too late, the server when no other phone is left.
const ReasonExpired = "expired"

// Advances reports whether moving from old to next is progress (a repeated
// or late report is not, and is ignored: reports are idempotent).
func Advances(old, next string) bool {
	if old == StatusDelivered || old == StatusFailed {
		return false
	}
	return rank[next] > rank[old]
}

// Message is one message to one contact.
type Message struct {
	ID        string
	SendID    string // the group send it belongs to; "" for a single message
	ContactID string
	Channel   string
	To        string // E.164 number or e-mail address
	DeviceID  string // SMS: the phone that sends it
	SIMSlot   int    // SMS: from which SIM
	From      string // e-mail: the sending address
	Subject   string
	Text      string
	HTML      string
	Segments  int
	Status    string
	Reason    string
	Due       time.Time // not before
	// SendBefore (SMS) is the latest moment the phone may send it, told to
	// the phone in sms.send; past it (and a margin) with no word from the
	// phone, the server hands the message to another phone of the send.
	SendBefore time.Time
	Attempts   int
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	History    []StatusChange
}

// StatusChange is one step of a message's history.
type StatusChange struct {
	Status string    `json:"status"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}
