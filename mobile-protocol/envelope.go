package protocol

import "encoding/json"

// Envelope is every websocket frame. Empty fields are left out; answers
// carry `re` and no `seq`; unsolicited server events carry `seq`.
type Envelope struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Re      string          `json:"re,omitempty"`
	Seq     int64           `json:"seq,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Frame encodes a frame with no seq: an answer to the frame with id re
// (re empty: unsolicited, as an error the server sends before a close),
// with payload encoded as its payload (nil: none).
func Frame(typ, re string, payload any) []byte {
	env := Envelope{Type: typ, Re: re}
	if payload != nil {
		env.Payload = MustMarshal(payload)
	}
	return MustMarshal(env)
}

// MustMarshal encodes one of this package's wire values. They always
// encode, so an error is a programming error: it panics.
func MustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("marshal " + err.Error())
	}
	return b
}

// Websocket message types.
const (
	// Phone to server.
	TypeCallStarted = "call.started"
	TypeCallEnded   = "call.ended"
	TypeNoteAdd     = "note.add"
	TypeResume      = "resume"
	TypeAck         = "ack"
	TypePing        = "ping"

	// Server to phone.
	TypeCard           = "card"
	TypeCardUpdated    = "card.updated"
	TypeContactRemoved = "contact.removed"
	TypeNoteAdded      = "note.added"
	TypeDial           = "dial"
	TypeError          = "error"
	TypeOK             = "ok"
	TypeResync         = "resync"
	TypePong           = "pong"

	// Server to phone, only to phones that asked in their resume.
	TypeBatch       = "batch"        // several numbered events in one frame
	TypeCardChanged = "card.changed" // a compact card.updated
)

// Resume is the first frame a phone sends on a new socket.
type Resume struct {
	AfterSeq int64 `json:"after_seq"`
	// Batch asks for numbered events in batch frames: events that are
	// waiting together come in one frame, each keeping its seq.
	Batch bool `json:"batch,omitempty"`
	// Compact asks for card.changed (contact id, rev, changed keys) in
	// place of card.updated; the phone fetches the card when it needs it.
	Compact bool `json:"compact,omitempty"`
	// OpenCalls (optional, added 2026-12) lists the call_ids of the
	// phone's calls still in progress; a pointer to an empty list says
	// "none". nil (absent) leaves the server's view as it is.
	OpenCalls *[]string `json:"open_calls,omitempty"`
}

// Batch is the payload of a batch frame: numbered events in seq order,
// each as it would be sent alone.
type Batch struct {
	Events []Envelope `json:"events"`
}

// CardChanged is the compact form of card.updated: which contact changed,
// its rev now and, when the server knows it, which CARD keys differ from
// the card at BaseRev.
type CardChanged struct {
	ContactID string   `json:"contact_id"`
	Rev       int64    `json:"rev"`
	BaseRev   int64    `json:"base_rev,omitempty"`
	Changed   []string `json:"changed,omitempty"`
}

// MaxOpenCalls is the most call_ids a resume's open_calls may list.
const MaxOpenCalls = 16

// Ack says the phone handled every event up to Seq.
type Ack struct {
	Seq int64 `json:"seq"`
}

// Dial asks a phone to place a call.
type Dial struct {
	Number  string `json:"number"`
	SIMSlot int    `json:"sim_slot,omitempty"`
}

// ContactRemoved tells a phone a contact was deleted or merged away.
type ContactRemoved struct {
	ContactID string `json:"contact_id"`
}

// ResyncPayload tells a phone to fetch its directory from the start: events
// it missed are no longer kept.
type ResyncPayload struct {
	Reason string `json:"reason"`
}
