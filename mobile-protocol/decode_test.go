package protocol_test

import (
	"strings"
	"testing"
	"time"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

func TestDecodeRefuses(t *testing.T) {
	const id = `"fc7c6d0b-a8e9-4454-91f0-efd694c11743"`
	tests := []struct {
		name string
		into func() any
		body string
		want string
	}{
		{"key in another case", func() any { return new(protocol.CallStart) },
			`{"CALL_ID": ` + id + `, "direction": "incoming", "number": "1", "started_at": "2026-11-24T22:04:11Z"}`, "CALL_ID: unknown field"},
		{"key in title case", func() any { return new(protocol.NoteAdd) }, `{"note_id": ` + id + `, "Text": "x"}`, "Text: unknown field"},
		{"unknown top-level key", func() any { return new(protocol.NoteAdd) }, `{"note_id": ` + id + `, "colour": "red"}`, "colour: unknown field"},
		{"unknown key in an array item", func() any { return new(protocol.ContactCreate) },
			`{"client_id": ` + id + `, "numbers": [{"number": "1"}, {"number": "2", "extra": 1}]}`, "numbers[1].extra: unknown field"},
		{"unknown key in a SIM", func() any { return new(protocol.PairRequest) }, `{"code": "x", "sims": [{"slot": 1, "foo": 2}]}`, "sims[0].foo: unknown field"},
		{"unknown key behind a pointer", func() any { return new(protocol.DeviceUpdate) }, `{"sims": [{"slot": 1}, {"slot": 2, "Region": "IT"}]}`, "sims[1].Region: unknown field"},
		{"duplicate key", func() any { return new(protocol.NoteAdd) }, `{"note_id": ` + id + `, "text": "a", "text": "b"}`, "text: duplicate field"},
		{"duplicate key in an array item", func() any { return new(protocol.PairRequest) }, `{"sims": [{"slot": 1, "slot": 2}]}`, "sims[0].slot: duplicate field"},
		{"duplicate key in a payload", func() any { return new(protocol.Envelope) },
			`{"type": "note.add", "id": "1", "payload": {"note_id": ` + id + `, "note_id": ` + id + `}}`, "payload.note_id: duplicate field"},
		{"duplicate key in a map", func() any { return new(map[string]string) }, `{"type": "sync", "type": "dial"}`, "type: duplicate field"},
		{"invalid UTF-8", func() any { return new(protocol.NoteAdd) }, "{\"note_id\": " + id + ", \"text\": \"caf\xe9\"}", "body: the body is not valid UTF-8"},
		{"a fraction for a whole number", func() any { return new(protocol.CallStart) }, `{"sim_slot": 1.5}`, "sim_slot: must be a whole number, not 1.5"},
		{"an exponent for a whole number", func() any { return new(protocol.Resume) }, `{"after_seq": 1e3}`, "after_seq: must be a whole number, not 1e3"},
		{"a whole number too big", func() any { return new(protocol.Resume) }, `{"after_seq": 99999999999999999999}`, "after_seq: 99999999999999999999 is out of range"},
		{"a string for a number", func() any { return new(protocol.CallStart) }, `{"sim_slot": "one"}`, "sim_slot: must be a number, not string"},
		{"malformed JSON", func() any { return new(protocol.CallStart) }, `{"call_id": ]`, "body: malformed JSON at byte 13"},
		{"truncated JSON", func() any { return new(protocol.CallStart) }, `{"call_id": "x"`, "body: truncated JSON"},
		{"trailing data", func() any { return new(protocol.NoteAdd) }, `{} {}`, "body: more than one JSON value"},
		{"empty", func() any { return new(protocol.NoteAdd) }, ` `, "body: empty, a JSON object is required"},
		{"nested too deeply", func() any { return new(protocol.PairRequest) }, `{"sims": ` + strings.Repeat("[", 500000) + strings.Repeat("]", 500000) + `}`, "body: nested too deeply"},
		{"nested too deeply, unclosed", func() any { return new(protocol.PairRequest) }, strings.Repeat("[", 1000000), "body: nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := protocol.Decode([]byte(tt.body), tt.into())
			if err == nil || err.Error() != tt.want {
				t.Errorf("Decode(%s) = %v, want %q", tt.body, err, tt.want)
			}
			if _, ok := err.(*protocol.DecodeError); !ok {
				t.Errorf("error %T, want *protocol.DecodeError", err)
			}
		})
	}
}

func TestDecodeAcceptsExactKeysAndFreeMaps(t *testing.T) {
	var env protocol.Envelope
	if err := protocol.Decode([]byte(`{"type": "ack", "id": "1", "payload": {"seq": 3}}`), &env); err != nil {
		t.Fatalf("envelope: %v", err)
	}
	var m map[string]any
	if err := protocol.Decode([]byte(`{"a": {"B": 1, "b": [{"x": 1}, {"x": 2}]}}`), &m); err != nil {
		t.Errorf("free-form map: %v", err)
	}
	type withTime struct {
		At time.Time `json:"at"`
	}
	var wt withTime
	if err := protocol.Decode([]byte(`{"at": "2026-11-24T22:04:11Z"}`), &wt); err != nil || wt.At.IsZero() {
		t.Errorf("a field that decodes itself: %v", err)
	}
}

func TestDecodeLowerCasesPhoneChosenIDs(t *testing.T) {
	const upper, lower = "FC7C6D0B-A8E9-4454-91F0-EFD694C11743", "fc7c6d0b-a8e9-4454-91f0-efd694c11743"
	var call protocol.CallStart
	if err := protocol.Decode([]byte(`{"call_id": "`+upper+`"}`), &call); err != nil || call.CallID != lower {
		t.Errorf("call_id = %q (%v), want %q", call.CallID, err, lower)
	}
	var end protocol.CallEnd
	if err := protocol.Decode([]byte(`{"call_id": "`+upper+`"}`), &end); err != nil || end.CallID != lower {
		t.Errorf("call.ended call_id = %q (%v), want %q", end.CallID, err, lower)
	}
	var note protocol.NoteAdd
	if err := protocol.Decode([]byte(`{"note_id": "`+upper+`", "call_id": "`+upper+`", "contact_id": "ABCDEF"}`), &note); err != nil {
		t.Fatal(err)
	}
	if note.NoteID != lower || note.CallID != lower || note.ContactID != "ABCDEF" {
		t.Errorf("note = %+v, want note_id and call_id lower case, contact_id (server-chosen) as sent", note)
	}
	var contact protocol.ContactCreate
	if err := protocol.Decode([]byte(`{"client_id": "`+upper+`"}`), &contact); err != nil || contact.ClientID != lower {
		t.Errorf("client_id = %q (%v), want %q", contact.ClientID, err, lower)
	}
	// Types outside this package too (the server's follow-ups), and nested ones.
	type followup struct {
		FollowupID string `json:"followup_id"`
	}
	type list struct {
		Items []*followup `json:"items"`
	}
	var l list
	if err := protocol.Decode([]byte(`{"items": [{"followup_id": "`+upper+`"}]}`), &l); err != nil || l.Items[0].FollowupID != lower {
		t.Errorf("nested followup_id = %+v (%v), want %q", l.Items[0], err, lower)
	}
	var odd protocol.CallStart
	if err := protocol.Decode([]byte(`{"call_id": "CALL-1"}`), &odd); err != nil || odd.CallID != "CALL-1" {
		t.Errorf("a call_id that is not hex = %q, want it as sent for the validator", odd.CallID)
	}
}

func TestCanonicalID(t *testing.T) {
	for in, want := range map[string]string{
		"FC7C6D0B-A8E9-4454-91F0-EFD694C11743": "fc7c6d0b-a8e9-4454-91f0-efd694c11743",
		"fc7c6d0b-a8e9-4454-91f0-efd694c11743": "fc7c6d0b-a8e9-4454-91f0-efd694c11743",
		"Not-A-UUID":                           "Not-A-UUID",
		"":                                     "",
	} {
		if got := protocol.CanonicalID(in); got != want {
			t.Errorf("CanonicalID(%q) = %q, want %q", in, got, want)
		}
	}
}
