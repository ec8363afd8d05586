// Package protocol holds the wire types of ringcard's phone protocol v1, the
// contract between the server and the Android app (and the web view, scripts
// and the simulator). SPEC.md beside this file is the readable spec,
// schemas/ the JSON Schemas and examples/ the golden messages that tests
// check both the types and the server against.
//
// The protocol only grows: fields and message types may be added, nothing
// here may be renamed, removed or change meaning.
package protocol

// Version is the protocol version this package speaks.
const Version = 1

// MaxBody is the largest request body (and websocket frame) accepted.
const MaxBody = 1 << 20

// ErrorResponse is the body of every non-2xx reply.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody is a stable snake_case code and a human message.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Text is the message in the language of the person signed in to the
	// office web view who made the request; absent on phone and token
	// requests.
	Text string `json:"text,omitempty"`
}

// SIM is a SIM slot of a phone.
type SIM struct {
	Slot    int    `json:"slot"`
	Label   string `json:"label,omitempty"`
	Carrier string `json:"carrier,omitempty"`
	Region  string `json:"region,omitempty"`
	Policy  string `json:"policy,omitempty"` // set by the office: work, private (cards, no log) or ignore; phones may omit it
}

// PairRequest is POST /api/v1/pair.
type PairRequest struct {
	Code       string `json:"code"`
	DeviceName string `json:"device_name"`
	Platform   string `json:"platform"`
	AppVersion string `json:"app_version"`
	SIMs       []SIM  `json:"sims"`
	FCMToken   string `json:"fcm_token,omitempty"`
}

// PairResponse answers a successful pairing.
type PairResponse struct {
	DeviceID string `json:"device_id"`
	Token    string `json:"token"`
	Protocol int    `json:"protocol"`
}

// DeviceUpdate is PUT /api/v1/device; absent fields are left unchanged.
type DeviceUpdate struct {
	FCMToken   *string `json:"fcm_token,omitempty"`
	SIMs       *[]SIM  `json:"sims,omitempty"`
	AppVersion *string `json:"app_version,omitempty"`
}

// DeviceInfo describes a paired device (GET/PUT /api/v1/device).
type DeviceInfo struct {
	DeviceID   string `json:"device_id"`
	Name       string `json:"name"`
	Platform   string `json:"platform,omitempty"`
	AppVersion string `json:"app_version,omitempty"`
	SIMs       []SIM  `json:"sims"`
	HasFCM     bool   `json:"has_fcm"`
	CreatedAt  string `json:"created_at"`
}

// CallStart is POST /api/v1/calls and the payload of call.started.
type CallStart struct {
	CallID    string  `json:"call_id"`
	Direction string  `json:"direction"`
	Number    *string `json:"number"`
	SIMSlot   int     `json:"sim_slot,omitempty"`
	StartedAt string  `json:"started_at"`
}

// CallEnd is POST /api/v1/calls/{call_id}/end; on the websocket (call.ended)
// it also carries call_id.
type CallEnd struct {
	CallID    string `json:"call_id,omitempty"`
	EndedAt   string `json:"ended_at"`
	DurationS *int   `json:"duration_s"`
	Outcome   string `json:"outcome"`
}

// Call is a stored call as the server returns it.
type Call struct {
	CallID    string  `json:"call_id"`
	ContactID *string `json:"contact_id"`
	Direction string  `json:"direction"`
	Number    string  `json:"number"`
	E164      *string `json:"e164"`
	SIMSlot   int     `json:"sim_slot,omitempty"`
	By        string  `json:"by"`
	DeviceID  string  `json:"device_id"`
	StartedAt string  `json:"started_at"`
	EndedAt   *string `json:"ended_at"`
	DurationS int     `json:"duration_s"`
	Outcome   *string `json:"outcome"`
}

// CallResponse wraps a call.
type CallResponse struct {
	Call Call `json:"call"`
}

// NoteAdd is POST /api/v1/notes and the payload of note.add.
type NoteAdd struct {
	NoteID    string `json:"note_id"`
	ContactID string `json:"contact_id,omitempty"`
	Number    string `json:"number,omitempty"`
	CallID    string `json:"call_id,omitempty"`
	Text      string `json:"text"`
}

// Note is a stored note: the answer to note.add and POST /notes.
type Note struct {
	NoteID    string  `json:"note_id"`
	ContactID *string `json:"contact_id"`
	Number    string  `json:"number,omitempty"`
	CallID    string  `json:"call_id,omitempty"`
	Text      string  `json:"text"`
	Author    string  `json:"author"`
	At        string  `json:"at"`
}

// NoteResponse wraps a note.
type NoteResponse struct {
	Note Note `json:"note"`
}

// NumberIn is a number in a contact the phone creates.
type NumberIn struct {
	Number string `json:"number"`
	Type   string `json:"type,omitempty"`
	Label  string `json:"label,omitempty"`
}

// ContactCreate is POST /api/v1/contacts: a new client made on the phone.
type ContactCreate struct {
	ClientID    string     `json:"client_id"`
	DisplayName string     `json:"display_name"`
	Numbers     []NumberIn `json:"numbers"`
	Groups      []string   `json:"groups,omitempty"`
	Company     string     `json:"company,omitempty"`
	JobTitle    string     `json:"job_title,omitempty"`
	Email       string     `json:"email,omitempty"`
	Note        string     `json:"note,omitempty"`
}

// CardResponse wraps a card.
type CardResponse struct {
	Card Card `json:"card"`
}

// Directory is a page of the offline directory.
type Directory struct {
	Cards   []Card   `json:"cards"`
	Removed []string `json:"removed"`
	Cursor  string   `json:"cursor"`
	More    bool     `json:"more"`
}
