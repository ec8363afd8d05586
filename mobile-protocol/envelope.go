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
)

// Resume is the first frame a phone sends on a new socket.
type Resume struct {
	AfterSeq int64 `json:"after_seq"`
	// OpenCalls (optional, added 2026-12) lists the call_ids of the
	// phone's calls still in progress; a pointer to an empty list says
	// "none". nil (absent) leaves the server's view as it is.
	OpenCalls *[]string `json:"open_calls,omitempty"`
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
