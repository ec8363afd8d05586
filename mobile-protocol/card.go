package protocol

// Card is the client card a phone shows. Keys the contract marks nullable
// are always present (null when empty); lists are never null.
type Card struct {
	Known        bool           `json:"known"`
	ContactID    *string        `json:"contact_id"`
	Number       *CardNumber    `json:"number"`
	DisplayName  string         `json:"display_name"`
	Groups       []string       `json:"groups"`
	Fields       []Field        `json:"fields"`
	Note         string         `json:"note"`
	History      []HistoryEntry `json:"history"`
	LastCall     *LastCall      `json:"last_call"`
	SIM          *SIM           `json:"sim"`
	Style        Style          `json:"style"`
	OtherMatches []Match        `json:"other_matches"`
	Numbers      []DirNumber    `json:"numbers,omitzero"`  // directory cards: every number ([] when none); absent elsewhere
	Rev          int64          `json:"rev,omitempty"`     // the contact's version
	OnCall       *OnCall        `json:"on_call,omitempty"` // a colleague is on a call with this contact now
}

// OnCall says a colleague is on a call with the contact: "on a call with
// Giulia since 14:02".
type OnCall struct {
	By       string `json:"by"`
	DeviceID string `json:"device_id"`
	Since    string `json:"since"`
}

// CardNumber is the number the card is about.
type CardNumber struct {
	Raw   string  `json:"raw"`
	E164  *string `json:"e164"`
	Type  string  `json:"type,omitempty"`
	Label string  `json:"label,omitempty"`
}

// DirNumber is one of a contact's numbers in a directory card.
type DirNumber struct {
	E164  *string `json:"e164"` // null for a short code
	Key   string  `json:"key"`  // what the server matches on: E164, or a short code's digits
	Raw   string  `json:"raw,omitempty"`
	Type  string  `json:"type,omitempty"`
	Label string  `json:"label,omitempty"`
}

// Field is one rendered template field, in display order.
type Field struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"`
	Color string `json:"color,omitempty"`
	Size  int    `json:"size,omitempty"`
}

// HistoryEntry is one line of a contact's history, newest first.
type HistoryEntry struct {
	At        string `json:"at"`
	Kind      string `json:"kind"`
	By        string `json:"by"`
	Text      string `json:"text"`
	Direction string `json:"direction,omitempty"`
	Outcome   string `json:"outcome,omitempty"`
	DurationS int    `json:"duration_s,omitempty"`
	SIMSlot   int    `json:"sim_slot,omitempty"`
	CallID    string `json:"call_id,omitempty"`
	Stage     string `json:"stage,omitempty"`
	// EndNotReported (calls, added 2026-12): the server closed the call
	// because its phone never reported the end.
	EndNotReported bool `json:"end_not_reported,omitempty"`
}

// LastCall is the call before the current one.
type LastCall struct {
	At        string `json:"at"`
	Direction string `json:"direction"`
	By        string `json:"by"`
	SIMSlot   int    `json:"sim_slot,omitempty"`
	Outcome   string `json:"outcome"`
	DurationS int    `json:"duration_s,omitempty"`
	// EndNotReported (added 2026-12): the server closed that call because
	// its phone never reported the end; Outcome is then "".
	EndNotReported bool `json:"end_not_reported,omitempty"`
}

// Style is the template's look.
type Style struct {
	Background string `json:"background,omitempty"`
	Accent     string `json:"accent,omitempty"`
	Text       string `json:"text,omitempty"`
	NameSize   int    `json:"name_size,omitempty"`
	FieldSize  int    `json:"field_size,omitempty"`
	NoteSize   int    `json:"note_size,omitempty"`
}

// Match is another contact that shares the number.
type Match struct {
	ContactID   string `json:"contact_id"`
	DisplayName string `json:"display_name"`
}
