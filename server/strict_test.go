package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
)

// upperID is a new phone-chosen id in upper case, as some phones send it.
func upperID() string { return strings.ToUpper(contacts.NewID()) }

func TestPhoneChosenIDsIgnoreCase(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	ctx := context.Background()
	count := func(q, id string) int {
		t.Helper()
		var n int
		if err := e.countRows(q, &n, id); err != nil {
			t.Fatal(err)
		}
		return n
	}

	call := callReq("06 4281 1822", time.Now())
	call.CallID = upperID()
	lower := strings.ToLower(call.CallID)
	if _, err := ph.StartCall(ctx, call); err != nil {
		t.Fatal(err)
	}
	again := call
	again.CallID = lower
	if _, err := ph.StartCall(ctx, again); err != nil {
		t.Errorf("the same call in lower case: %v, want the stored card", err)
	}
	s := connect(t, ph, 0)
	id, _ := s.Send(protocol.TypeCallStarted, call)
	if ans, err := s.Await(id, 5*time.Second, nil); err != nil || ans.Type != protocol.TypeCard {
		t.Errorf("call.started with the upper-case id = %+v %v, want the stored card", ans, err)
	}
	if n := count("SELECT COUNT(*) FROM calls WHERE lower(id) = ?", lower); n != 1 {
		t.Errorf("one call sent in two cases (REST and socket) stored %d times", n)
	}
	// Ending it: the path in upper case, the body in lower case.
	d := 3
	end := protocol.CallEnd{CallID: lower, EndedAt: time.Now().Add(time.Minute).Format(time.RFC3339), DurationS: &d, Outcome: "answered"}
	if _, err := ph.EndCall(ctx, call.CallID, end); err != nil {
		t.Errorf("end with the path in upper case: %v", err)
	}

	note := protocol.NoteAdd{NoteID: upperID(), ContactID: "demo-0001", CallID: call.CallID, Text: "Richiamare"}
	first, err := ph.AddNote(ctx, note)
	if err != nil {
		t.Fatal(err)
	}
	note.NoteID = strings.ToLower(note.NoteID)
	second, err := ph.AddNote(ctx, note)
	if err != nil || second.At != first.At {
		t.Errorf("the same note in lower case = %+v %v, want the stored one %+v", second, err, first)
	}
	if n := count("SELECT COUNT(*) FROM notes WHERE lower(id) = ?", note.NoteID); n != 1 {
		t.Errorf("one note stored %d times", n)
	}

	contact := protocol.ContactCreate{ClientID: upperID(), DisplayName: "Bar Centrale", Numbers: []protocol.NumberIn{{Number: "+39 347 555 0101"}}}
	a, err := ph.CreateContact(ctx, contact)
	if err != nil {
		t.Fatal(err)
	}
	contact.ClientID = strings.ToLower(contact.ClientID)
	b, err := ph.CreateContact(ctx, contact)
	if err != nil || b.ContactID == nil || *b.ContactID != *a.ContactID {
		t.Errorf("the same contact in lower case = %+v %v, want contact %s again", b.ContactID, err, *a.ContactID)
	}

	fu := server.FollowupRequest{FollowupID: upperID(), ContactID: "demo-0001", DueAt: time.Now().Add(time.Hour).UTC(), Text: "Preventivo"}
	var made server.FollowupResponse
	if err := ph.Do(ctx, http.MethodPost, "/api/v1/followups", fu, &made); err != nil {
		t.Fatal(err)
	}
	fu.FollowupID = strings.ToLower(fu.FollowupID)
	st, _, _ := e.raw(ph, http.MethodPost, "/api/v1/followups", string(mustJSON(t, fu)))
	if st != http.StatusOK {
		t.Errorf("the same follow-up in lower case: %d, want 200 (the stored one)", st)
	}
	var got server.FollowupResponse
	if err := ph.Do(ctx, http.MethodGet, "/api/v1/followups/"+strings.ToUpper(fu.FollowupID), nil, &got); err != nil || got.Followup.ID != fu.FollowupID {
		t.Errorf("GET /followups/<upper case> = %+v %v", got.Followup, err)
	}
}

func TestStrictBodies(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	id := contacts.NewID()
	now := time.Now().Format(time.RFC3339)
	call := `"direction": "incoming", "number": "06 4281 1822", "started_at": "` + now + `"`
	tests := []struct {
		name, method, path, body string
		want                     string
	}{
		{"key in upper case", "POST", "/api/v1/calls", `{"CALL_ID": "` + id + `", ` + call + `}`, "CALL_ID: unknown field"},
		{"duplicate key", "POST", "/api/v1/calls", `{"call_id": "` + id + `", "call_id": "` + contacts.NewID() + `", ` + call + `}`, "call_id: duplicate field"},
		{"unknown key in a number", "POST", "/api/v1/contacts", `{"client_id": "` + id + `", "display_name": "X", "numbers": [{"number": "1", "extra": true}]}`, "numbers[0].extra: unknown field"},
		{"unknown key in a SIM", "PUT", "/api/v1/device", `{"sims": [{"slot": 1, "foo": "bar"}]}`, "sims[0].foo: unknown field"},
		{"invalid UTF-8", "POST", "/api/v1/notes", "{\"note_id\": \"" + id + "\", \"contact_id\": \"demo-0001\", \"text\": \"caf\xe9\"}", "body: the body is not valid UTF-8"},
		{"fractional sim_slot", "POST", "/api/v1/calls", `{"call_id": "` + id + `", "sim_slot": 1.5, ` + call + `}`, "sim_slot: must be a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := e.raw(ph, tt.method, tt.path, tt.body)
			if status != 400 || body.Error.Code != "invalid_request" || !strings.HasPrefix(body.Error.Message, tt.want) {
				t.Errorf("%s %s = %d %+v, want 400 invalid_request %q", tt.method, tt.path, status, body, tt.want)
			}
		})
	}
	var calls int
	if err := e.countRows("SELECT COUNT(*) FROM calls WHERE device_id != ''", &calls); err != nil || calls != 0 {
		t.Errorf("refused bodies stored %d calls", calls)
	}
}

// socketError sends a frame and returns the error it is answered with.
func socketError(t *testing.T, s *client.Socket, frame string) protocol.ErrorBody {
	t.Helper()
	if err := s.SendRaw([]byte(frame)); err != nil {
		t.Fatal(err)
	}
	ans, err := s.Await("e1", 5*time.Second, nil)
	var body protocol.ErrorResponse
	if err != nil || ans.Type != protocol.TypeError || json.Unmarshal(ans.Payload, &body) != nil {
		t.Fatalf("answer to %s = %+v %v, want an error", frame, ans, err)
	}
	return body.Error
}

func TestSocketErrorsNameThePayloadField(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	s, err := ph.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Now().Format(time.RFC3339)
	tests := []struct {
		name, frame, code, want string
	}{
		{"resume below 0", `{"type": "resume", "id": "e1", "payload": {"after_seq": -1}}`, "invalid_request", "payload.after_seq: must be 0 or more"},
		{"not a number", `{"type": "call.started", "id": "e1", "payload": {"call_id": "` + contacts.NewID() + `", "direction": "incoming", "number": "вторник", "started_at": "` + now + `"}}`,
			"invalid_number", `payload.number: "вторник" has no digits`},
		{"call.ended without call_id", `{"type": "call.ended", "id": "e1", "payload": {"ended_at": "` + now + `", "outcome": "answered"}}`, "invalid_request", "payload.call_id: required"},
		{"bad direction", `{"type": "call.started", "id": "e1", "payload": {"call_id": "` + contacts.NewID() + `", "direction": "up", "number": "1", "started_at": "` + now + `"}}`, "invalid_request", "payload.direction:"},
		{"note without text", `{"type": "note.add", "id": "e1", "payload": {"note_id": "` + contacts.NewID() + `", "contact_id": "demo-0001", "text": " "}}`, "invalid_request", "payload.text:"},
		{"decode error", `{"type": "ack", "id": "e1", "payload": {"seq": "x"}}`, "invalid_request", "payload.seq: must be a number"},
		{"payload not an object", `{"type": "ack", "id": "e1", "payload": [1]}`, "invalid_request", "payload: must be an object"},
		{"duplicate key in the payload", `{"type": "ack", "id": "e1", "payload": {"seq": 1, "seq": 2}}`, "invalid_request", "payload.seq: duplicate field"},
		{"unknown key in the payload", `{"type": "ack", "id": "e1", "payload": {"Seq": 1}}`, "invalid_request", "payload.Seq: unknown field"},
		{"fractional sim_slot", `{"type": "call.started", "id": "e1", "payload": {"sim_slot": 1.5}}`, "invalid_request", "payload.sim_slot: must be a whole number"},
		{"missing payload", `{"type": "note.add", "id": "e1"}`, "invalid_request", "payload: required"},
		{"unknown type (not a payload error)", `{"type": "teleport", "id": "e1"}`, "invalid_request", "type: unknown message type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := socketError(t, s, tt.frame)
			if got.Code != tt.code || !strings.HasPrefix(got.Message, tt.want) {
				t.Errorf("error = %+v, want %s starting %q", got, tt.code, tt.want)
			}
		})
	}
	// Ending a call nobody reported is not found: not a field error, no prefix.
	got := socketError(t, s, `{"type": "call.ended", "id": "e1", "payload": {"call_id": "`+contacts.NewID()+`", "ended_at": "`+now+`", "outcome": "answered"}}`)
	if got.Code != "not_found" || strings.HasPrefix(got.Message, "payload.") {
		t.Errorf("ending an unknown call = %+v, want not_found without a payload. prefix", got)
	}
}

func TestNoteCallID(t *testing.T) {
	e := newEnv(t, true)
	ph, other := e.phone("Giulia"), e.phone("Marco")
	ctx := context.Background()
	known := callReq("06 4281 1822", time.Now().Add(-3*time.Minute)) // Silvia Santoro
	unknown := callReq("+39 347 555 0199", time.Now().Add(-2*time.Minute))
	withheld := callReq("", time.Now().Add(-time.Minute))
	for _, c := range []protocol.CallStart{known, unknown, withheld} {
		if _, err := ph.StartCall(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	theirs := callReq("06 4281 1822", time.Now())
	if _, err := other.StartCall(ctx, theirs); err != nil {
		t.Fatal(err)
	}
	card, err := ph.Lookup(ctx, "06 4281 1822")
	if err != nil || card.ContactID == nil {
		t.Fatalf("lookup: %+v %v", card, err)
	}

	n, err := ph.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), CallID: known.CallID, Text: "Vuole il listino"})
	if err != nil || n.ContactID == nil || *n.ContactID != *card.ContactID || n.CallID != known.CallID {
		t.Errorf("note with only the call_id of a known caller = %+v %v, want it on %s", n, err, *card.ContactID)
	}
	n, err = ph.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), CallID: unknown.CallID, Text: "Nuovo cliente"})
	if err != nil || n.ContactID != nil || n.Number != "+393475550199" {
		t.Errorf("note with only the call_id of an unknown caller = %+v %v, want it on +393475550199", n, err)
	}

	tests := []struct {
		name   string
		req    protocol.NoteAdd
		status int
		code   string
		want   string
	}{
		{"unknown call, only call_id", protocol.NoteAdd{NoteID: contacts.NewID(), CallID: contacts.NewID(), Text: "x"}, 400, "invalid_request", "call_id: no call"},
		{"withheld call, only call_id", protocol.NoteAdd{NoteID: contacts.NewID(), CallID: withheld.CallID, Text: "x"}, 400, "invalid_request", "call_id: the call has no number or contact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ph.AddNote(ctx, tt.req)
			var api *client.APIError
			if e, ok := err.(*client.APIError); ok {
				api = e
			}
			if api == nil || api.Status != tt.status || api.Code != tt.code || !strings.HasPrefix(api.Message, tt.want) {
				t.Errorf("AddNote = %v, want %d %s %q", err, tt.status, tt.code, tt.want)
			}
		})
	}
	// With a contact (or number), the call_id is informative: a call this
	// server never saw, or a colleague's, is kept as given.
	for name, callID := range map[string]string{"unknown call": contacts.NewID(), "another device's call": theirs.CallID} {
		n, err := ph.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", CallID: callID, Text: "x"})
		if err != nil || n.CallID != callID {
			t.Errorf("%s with contact_id: %+v %v, want the note kept with its call_id", name, n, err)
		}
	}
	// A withheld call's note with a contact_id is fine.
	if _, err := ph.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", CallID: withheld.CallID, Text: "Era Salvatore"}); err != nil {
		t.Errorf("withheld call with contact_id: %v", err)
	}
	// The socket answers the same.
	s := connect(t, ph, 0)
	id, _ := s.Send(protocol.TypeNoteAdd, protocol.NoteAdd{NoteID: contacts.NewID(), CallID: contacts.NewID(), Text: "x"})
	ans, err := s.Await(id, 5*time.Second, nil)
	var body protocol.ErrorResponse
	if err != nil || ans.Type != protocol.TypeError || json.Unmarshal(ans.Payload, &body) != nil || body.Error.Code != "invalid_request" ||
		!strings.HasPrefix(body.Error.Message, "payload.call_id: no call") {
		t.Errorf("note.add with only an unknown call_id = %+v %v, want invalid_request naming payload.call_id", ans, err)
	}
}

func TestSIMRegionMustBeKnown(t *testing.T) {
	e := newEnv(t, false)
	ph := e.phone("Giulia")
	for _, region := range []string{"XX", "ZZ", "I", "ITA", "1"} {
		t.Run(region, func(t *testing.T) {
			status, body, _ := e.raw(ph, http.MethodPut, "/api/v1/device", `{"sims": [{"slot": 1, "region": "IT"}, {"slot": 2, "region": "`+region+`"}]}`)
			if status != 400 || body.Error.Code != "invalid_request" || !strings.HasPrefix(body.Error.Message, "sims[1].region: ") {
				t.Errorf("region %q = %d %+v, want 400 naming sims[1].region", region, status, body)
			}
		})
	}
	sims := []protocol.SIM{{Slot: 1, Region: "it"}, {Slot: 2, Region: "RU"}}
	info, err := ph.UpdateDevice(context.Background(), protocol.DeviceUpdate{SIMs: &sims})
	if err != nil || info.SIMs[0].Region != "IT" || info.SIMs[1].Region != "RU" {
		t.Errorf("known regions = %+v %v, want IT (upper-cased) and RU", info.SIMs, err)
	}
	code, err := serverCreatePairCode(e, "Marco")
	if err != nil {
		t.Fatal(err)
	}
	status, body, _ := e.raw(nil, http.MethodPost, "/api/v1/pair", `{"code": "`+code+`", "device_name": "x", "sims": [{"slot": 1, "region": "XX"}]}`)
	if status != 400 || !strings.HasPrefix(body.Error.Message, "sims[0].region: ") {
		t.Errorf("pairing with region XX = %d %+v, want 400 naming sims[0].region", status, body)
	}
}

func TestNumbersAsDialersShowThem(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	ctx := context.Background()
	for _, number := range []string{
		"\u200e+39 06 4281 1822\u200e",       // left-to-right marks
		"\u200f+39 06 4281 1822",             // a right-to-left mark
		"\u202a+39 06 4281 1822\u202c",       // embedding
		"\u2066+39 06 4281 1822\u2069",       // isolate
		"\u2068+३९ ०६ ४२८१ १८२२\u2069",       // Devanagari, isolated
		"+३९ ०६ ४२८१ १८२२",                   // Devanagari
		"+٣٩ ٠٦ ٤٢٨١ ١٨٢٢",                   // Arabic-Indic
		"+۳۹ ۰۶ ۴۲۸۱ ۱۸۲۲",                   // Persian
		"+３９ ０６ ４２８１ １８２２",                   // full-width
		"\u200f\u2066+۳۹ ۰۶ ۴۲۸۱ ۱۸۲۲\u2069", // Persian as an RTL dialer shows it
	} {
		t.Run(number, func(t *testing.T) {
			card, err := ph.Lookup(ctx, number)
			if err != nil || !card.Known || card.DisplayName != "Silvia Santoro" || card.Number == nil || card.Number.E164 == nil || *card.Number.E164 != "+390642811822" {
				t.Fatalf("lookup %q = %+v %v, want Silvia Santoro at +390642811822", number, card.Number, err)
			}
			c, err := ph.StartCall(ctx, callReq(number, time.Now()))
			if err != nil || c.DisplayName != "Silvia Santoro" {
				t.Errorf("call from %q = %s %v, want Silvia Santoro", number, c.DisplayName, err)
			}
		})
	}
	for query, raw := range map[string]string{
		"%20%20%2B39%2006%204281%201822": "+39 06 4281 1822", // two spaces, then an escaped +
		"%2B39%2006%204281%201822":       "+39 06 4281 1822",
		"+39%2006%204281%201822":         "+39 06 4281 1822", // the + sent unescaped
		"%20%2039%2006%204281%201822":    "+39 06 4281 1822",
	} {
		t.Run(query, func(t *testing.T) {
			var cr protocol.CardResponse
			if err := ph.Do(ctx, http.MethodGet, "/api/v1/cards/lookup?number="+query, nil, &cr); err != nil {
				t.Fatal(err)
			}
			if n := cr.Card.Number; n == nil || n.Raw != raw || n.E164 == nil || *n.E164 != "+390642811822" || cr.Card.DisplayName != "Silvia Santoro" {
				t.Errorf("?number=%s = %+v, want raw %q, e164 +390642811822", query, n, raw)
			}
		})
	}
}

func TestBearerSchemeInAnyCase(t *testing.T) {
	e := newEnv(t, false)
	ph := e.phone("Giulia")
	for header, want := range map[string]int{
		"Bearer " + ph.Token:   200,
		"bearer " + ph.Token:   200,
		"BEARER " + ph.Token:   200,
		"bEaReR  " + ph.Token:  200,
		"Basic " + ph.Token:    401,
		"Bearer" + ph.Token:    401,
		"Bearer ":              401,
		ph.Token:               401,
		"bearer rct_" + "0123": 401,
	} {
		t.Run(header, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, e.URL+"/api/v1/device", nil)
			req.Header.Set("Authorization", header)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("Authorization %q = %d, want %d", header, resp.StatusCode, want)
			}
		})
	}
}

// msTime is an RFC 3339 UTC time with at most millisecond precision.
var msTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$`)

func TestFollowupTimesInMilliseconds(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	anna, marco := e.phone("Anna"), e.phone("Marco")
	sock := connect(t, marco, 0)
	id := contacts.NewID()
	req := server.FollowupRequest{FollowupID: id, ContactID: "demo-0001", DueAt: time.Now().Add(-time.Minute).UTC(), Text: "Preventivo", Assignee: "Marco"}
	if err := anna.Do(ctx, http.MethodPost, "/api/v1/followups", req, nil); err != nil {
		t.Fatal(err)
	}
	check := func(what string, body []byte) {
		t.Helper()
		var f map[string]any
		if err := json.Unmarshal(body, &f); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for _, key := range []string{"due_at", "created_at", "updated_at", "done_at"} {
			if v, ok := f[key].(string); ok && !msTime.MatchString(v) {
				t.Errorf("%s %s = %q, want UTC with at most milliseconds", what, key, v)
			}
		}
	}
	var patched struct {
		Followup json.RawMessage `json:"followup"`
	}
	if err := marco.Do(ctx, http.MethodPatch, "/api/v1/followups/"+id, server.FollowupChangeRequest{Done: true}, &patched); err != nil {
		t.Fatal(err)
	}
	check("PATCH answer", patched.Followup)
	if !strings.Contains(string(patched.Followup), `"done_at"`) {
		t.Errorf("done follow-up %s has no done_at", patched.Followup)
	}
	// The assignee's phone got followup.updated for the creation and the change.
	for _, ev := range events(t, sock, 2) {
		check(ev.Type+" event", ev.Payload)
	}

	// followup.due, fired by the server's clock.
	due := server.FollowupRequest{FollowupID: contacts.NewID(), ContactID: "demo-0001", DueAt: time.Now().Add(-time.Minute).UTC(), Text: "Richiamare", Assignee: "Marco"}
	if err := anna.Do(ctx, http.MethodPost, "/api/v1/followups", due, nil); err != nil {
		t.Fatal(err)
	}
	e.Srv.StartFollowups(ctx)
	seen := 0
	for seen < 2 {
		for _, ev := range events(t, sock, 1) {
			check(ev.Type+" event", ev.Payload)
			seen++
		}
	}
}
