package contacts

import (
	"fmt"
	"time"
)

// Call directions and outcomes, as the protocol names them.
const (
	Incoming = "incoming"
	Outgoing = "outgoing"

	OutcomeAnswered = "answered"
	OutcomeMissed   = "missed"
	OutcomeRejected = "rejected"
	OutcomeBusy     = "busy"
)

// History entry kinds.
const (
	KindCall  = "call"
	KindNote  = "note"
	KindStage = "stage"
)

// Call is one phone call seen by a paired phone. ID is the phone's call_id.
type Call struct {
	ID        string
	ContactID string // "" when no contact had the number at the time
	Number    Parsed // the number as the dialer showed it, normalized
	Direction string
	Outcome   string // "" while the call is in progress
	SIMSlot   int
	SIMLabel  string
	DeviceID  string
	By        string // the staff member who carries the device
	StartedAt time.Time
	EndedAt   time.Time // zero while in progress
	DurationS int
	// EndNotReported says why the server closed a call whose end the
	// phone never reported (EndNextCall, EndOpenLimit, EndPhoneGone,
	// EndPhoneResume); "" when the phone reported it or it is open.
	// Outcome stays "" and DurationS 0: nobody knows them.
	EndNotReported string
}

// Why the server closed a call whose end the phone never reported.
const (
	EndNextCall    = "next_call"    // a newer call started on the same phone and SIM
	EndOpenLimit   = "open_limit"   // open longer than the office's bound (calls.open_limit)
	EndPhoneGone   = "phone_gone"   // the phone's socket went away mid-call and it was not heard from again
	EndPhoneResume = "phone_resume" // the phone came back and did not list it among its open calls
)

// Open reports whether the call is still in progress as far as anyone
// knows: no outcome from the phone and not closed by the server.
func (c *Call) Open() bool { return c.Outcome == "" && c.EndedAt.IsZero() }

// Validate checks the fields the protocol requires of a new call.
func (c *Call) Validate() error {
	switch {
	case c.ID == "":
		return Errorf(EInvalid, "call_id: required")
	case !ValidID(c.ID):
		return Errorf(EInvalid, "call_id: must be a UUID")
	case c.Direction != Incoming && c.Direction != Outgoing:
		return Errorf(EInvalid, "direction: must be \"incoming\" or \"outgoing\"")
	case c.StartedAt.IsZero():
		return Errorf(EInvalid, "started_at: required (RFC 3339)")
	case c.SIMSlot < 0 || c.SIMSlot > 8:
		return Errorf(EInvalid, "sim_slot: must be between 1 and 8")
	}
	return nil
}

// ValidOutcome reports whether o is an outcome the protocol knows.
func ValidOutcome(o string) bool {
	switch o {
	case OutcomeAnswered, OutcomeMissed, OutcomeRejected, OutcomeBusy:
		return true
	}
	return false
}

// Note is a call note or any note staff add to a contact's history. A note
// for a number with no contact keeps NumberKey and gets ContactID when a
// contact is created for that number.
type Note struct {
	ID        string
	ContactID string
	NumberKey string
	CallID    string
	Text      string
	Author    string
	DeviceID  string
	At        time.Time
}

// MaxNoteLen is the longest note text accepted, in bytes.
const MaxNoteLen = 20_000

// Validate checks a new note.
func (n *Note) Validate() error {
	switch {
	case n.ID == "":
		return Errorf(EInvalid, "note_id: required")
	case !ValidID(n.ID):
		return Errorf(EInvalid, "note_id: must be a UUID")
	case n.CallID != "" && !ValidID(n.CallID):
		return Errorf(EInvalid, "call_id: must be a UUID")
	case trimSpace(n.Text) == "":
		return Errorf(EInvalid, "text: must not be empty")
	case len(n.Text) > MaxNoteLen:
		return Errorf(EInvalid, "text: longer than %d bytes", MaxNoteLen)
	}
	return nil
}

// StageChange records an order's or lead's move from one stage to another.
type StageChange struct {
	ContactID string
	From      string
	To        string
	By        string
	DeviceID  string
	At        time.Time
}

// HistoryEntry is one line of a contact's history as a card shows it.
type HistoryEntry struct {
	At        time.Time
	Kind      string
	By        string
	Text      string
	Direction string // calls
	Outcome   string // calls
	DurationS int    // calls
	SIMSlot   int    // calls
	CallID    string // calls and notes tied to a call
	Stage     string // stage changes: the new stage
	// EndNotReported marks a call the server closed because its phone
	// never reported the end (Call.EndNotReported).
	EndNotReported bool
}

// CallEntry turns a call into a history entry with a readable summary.
func CallEntry(c Call) HistoryEntry {
	return HistoryEntry{
		At: c.StartedAt, Kind: KindCall, By: c.By, Text: CallSummary(c),
		Direction: c.Direction, Outcome: c.Outcome, DurationS: c.DurationS,
		SIMSlot: c.SIMSlot, CallID: c.ID, EndNotReported: c.EndNotReported != "",
	}
}

// CallSummary is the one-line text of a call: "Incoming, answered, 3m04s".
func CallSummary(c Call) string {
	dir := "Incoming"
	if c.Direction == Outgoing {
		dir = "Outgoing"
	}
	switch {
	case c.Outcome == "" && c.EndNotReported != "":
		return dir + ", end not reported"
	case c.Outcome == "":
		return dir + ", in progress"
	case c.DurationS > 0:
		return fmt.Sprintf("%s, %s, %dm%02ds", dir, c.Outcome, c.DurationS/60, c.DurationS%60)
	}
	return dir + ", " + c.Outcome
}
