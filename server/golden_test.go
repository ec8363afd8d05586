package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
)

// The golden tests send the protocol's request examples
// (mobile-protocol/examples) to a real server with the demo data and check
// every answer, error and websocket frame against the JSON Schemas.

// golden returns the example `name` with the values in set replaced; a key
// "payload.call_id" reaches into nested objects.
func golden(t *testing.T, name string, set map[string]any) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "mobile-protocol", "examples", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(set) == 0 {
		return b
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("example %s: %v", name, err)
	}
	for key, v := range set {
		at := m
		path := strings.Split(key, ".")
		for _, p := range path[:len(path)-1] {
			next, ok := at[p].(map[string]any)
			if !ok {
				t.Fatalf("example %s has no object %s", name, p)
			}
			at = next
		}
		at[path[len(path)-1]] = v
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// goldenCard reads the card of a card response example.
func goldenCard(t *testing.T, name string) protocol.Card {
	t.Helper()
	var r protocol.CardResponse
	if err := json.Unmarshal(golden(t, name, nil), &r); err != nil {
		t.Fatal(err)
	}
	return r.Card
}

// matches fails the test when data does not match the schema.
func matches(t *testing.T, schema string, data []byte) {
	t.Helper()
	if err := protocol.ValidateJSON(schema, data); err != nil {
		t.Errorf("%s %s", cutBytes(data, 400), err)
	}
}

func cutBytes(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// send does one request with a raw body and returns status, body and headers.
func send(t *testing.T, e *testEnv, token, method, path string, body []byte) (int, []byte, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header
}

// exchange sends a request and checks the status and the answer's schema
// (the error schema for any non-2xx answer); it returns the answer.
func exchange(t *testing.T, e *testEnv, token, method, path string, body []byte, wantStatus int, schema string) []byte {
	t.Helper()
	status, got, _ := send(t, e, token, method, path, body)
	if status != wantStatus {
		t.Fatalf("%s %s = %d %s, want %d", method, path, status, got, wantStatus)
	}
	if status/100 != 2 {
		schema = "error"
	}
	matches(t, schema, got)
	return got
}

func decodeInto(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := protocol.Decode(data, v); err != nil {
		t.Fatalf("strict decode into %T: %v\n%s", v, err, cutBytes(data, 400))
	}
}

func nowText() string { return time.Now().Format(time.RFC3339) }

func TestGoldenREST(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()

	// Pairing: the code as typed, lower case and without its dash.
	code, err := serverCreatePairCode(e, "Giulia")
	if err != nil {
		t.Fatal(err)
	}
	// The example phone's SIM 2 is named "Personale", private until
	// someone chooses: the office chose work for it when pairing.
	if err := server.SetPairCodeSIMs(ctx, e.DB, code, map[int]string{2: "work"}); err != nil {
		t.Fatal(err)
	}
	typed := strings.ToLower(strings.ReplaceAll(code, "-", ""))
	var pr protocol.PairResponse
	decodeInto(t, exchange(t, e, "", "POST", "/api/v1/pair", golden(t, "rest.pair.request", map[string]any{"code": typed}), 201, "rest.pair.response"), &pr)
	exchange(t, e, "", "POST", "/api/v1/pair", golden(t, "rest.pair.request", map[string]any{"code": code}), 401, "")
	tok := pr.Token

	exchange(t, e, tok, "GET", "/api/v1/device", nil, 200, "rest.device.response")
	var dev protocol.DeviceInfo
	decodeInto(t, exchange(t, e, tok, "PUT", "/api/v1/device", golden(t, "rest.device.request", nil), 200, "rest.device.response"), &dev)
	if dev.Name != "Giulia" || dev.AppVersion != "1.0.1" || len(dev.SIMs) != 2 || !dev.HasFCM {
		t.Errorf("device after PUT = %+v, want Giulia, 1.0.1, 2 SIMs, FCM", dev)
	}

	// A call from a demo contact: the example's card is that contact's.
	callID := contacts.NewID()
	callReq := golden(t, "rest.calls.request", map[string]any{"call_id": callID, "started_at": nowText()})
	first := exchange(t, e, tok, "POST", "/api/v1/calls", callReq, 200, "rest.calls.response")
	var cr protocol.CardResponse
	decodeInto(t, first, &cr)
	want := goldenCard(t, "rest.calls.response")
	if !cr.Card.Known || *cr.Card.ContactID != *want.ContactID || cr.Card.DisplayName != want.DisplayName || cr.Card.SIM == nil || cr.Card.SIM.Label != "Linea vendite" {
		t.Errorf("card = %s, want %s (%s) on the SIM label the phone registered", cr.Card.DisplayName, want.DisplayName, *want.ContactID)
	}
	if again := exchange(t, e, tok, "POST", "/api/v1/calls", callReq, 200, "rest.calls.response"); !bytes.Equal(again, first) {
		t.Errorf("the same call again answered differently:\n%s\n%s", again, first)
	}
	exchange(t, e, tok, "POST", "/api/v1/calls", golden(t, "rest.calls.request", map[string]any{"call_id": callID, "started_at": nowText(), "direction": "outgoing"}), 409, "")

	decodeInto(t, exchange(t, e, tok, "POST", "/api/v1/calls", golden(t, "rest.calls.request.withheld", map[string]any{"call_id": contacts.NewID(), "started_at": nowText()}), 200, "rest.calls.response"), &cr)
	if cr.Card.Known || cr.Card.Number != nil {
		t.Errorf("withheld caller: known %v number %+v, want false and null", cr.Card.Known, cr.Card.Number)
	}
	unknownCall := contacts.NewID()
	decodeInto(t, exchange(t, e, tok, "POST", "/api/v1/calls", golden(t, "rest.calls.request.unknown", map[string]any{"call_id": unknownCall, "started_at": nowText()}), 200, "rest.calls.response"), &cr)
	if cr.Card.Known || cr.Card.Number == nil || cr.Card.Number.E164 == nil || *cr.Card.Number.E164 != "+393287145509" {
		t.Errorf("unknown caller card = %+v, want known false with +393287145509", cr.Card)
	}

	end := golden(t, "rest.calls.end.request", map[string]any{"ended_at": time.Now().Add(3 * time.Minute).Format(time.RFC3339)})
	ended := exchange(t, e, tok, "POST", "/api/v1/calls/"+callID+"/end", end, 200, "rest.calls.end.response")
	if again := exchange(t, e, tok, "POST", "/api/v1/calls/"+callID+"/end", end, 200, "rest.calls.end.response"); !bytes.Equal(again, ended) {
		t.Errorf("the same end again answered differently:\n%s\n%s", again, ended)
	}
	exchange(t, e, tok, "POST", "/api/v1/calls/"+callID+"/end", golden(t, "rest.calls.end.request", map[string]any{"outcome": "busy"}), 409, "")
	exchange(t, e, tok, "POST", "/api/v1/calls/"+contacts.NewID()+"/end", end, 404, "")

	noteReq := golden(t, "rest.notes.request", map[string]any{"note_id": contacts.NewID(), "call_id": callID})
	noted := exchange(t, e, tok, "POST", "/api/v1/notes", noteReq, 201, "rest.notes.response")
	var nr protocol.NoteResponse
	decodeInto(t, noted, &nr)
	if nr.Note.Author != "Giulia" {
		t.Errorf("note author %q, want Giulia (the name the pairing code was made for)", nr.Note.Author)
	}
	if again := exchange(t, e, tok, "POST", "/api/v1/notes", noteReq, 201, "rest.notes.response"); !bytes.Equal(again, noted) {
		t.Errorf("the same note again answered differently:\n%s\n%s", again, noted)
	}
	decodeInto(t, exchange(t, e, tok, "POST", "/api/v1/notes", golden(t, "rest.notes.request.number", map[string]any{"note_id": contacts.NewID(), "call_id": unknownCall}), 201, "rest.notes.response"), &nr)
	if nr.Note.ContactID != nil || nr.Note.Number != "+393287145509" {
		t.Errorf("note for a number = %+v, want contact_id null, number +393287145509", nr.Note)
	}
	long := strings.Repeat("ж", contacts.MaxNoteLen/2) // exactly the limit in bytes
	exchange(t, e, tok, "POST", "/api/v1/notes", golden(t, "rest.notes.request", map[string]any{"note_id": contacts.NewID(), "text": long}), 201, "rest.notes.response")

	// The new client joins the call and the note kept against its number.
	created := exchange(t, e, tok, "POST", "/api/v1/contacts", golden(t, "rest.contacts.request", map[string]any{"client_id": contacts.NewID()}), 201, "rest.contacts.response")
	decodeInto(t, created, &cr)
	if !cr.Card.Known || cr.Card.DisplayName != "Chloé Dubois" || len(cr.Card.History) < 2 {
		t.Errorf("created card = %s with %d history entries, want Chloé Dubois with the call and the note", cr.Card.DisplayName, len(cr.Card.History))
	}

	for _, q := range []string{"%2B34%20912%20097%20113", "+34%20912%20097%20113", "0034912097113"} {
		decodeInto(t, exchange(t, e, tok, "GET", "/api/v1/cards/lookup?number="+q, nil, 200, "rest.cards.lookup.response"), &cr)
		if want := goldenCard(t, "rest.cards.lookup.response"); cr.Card.ContactID == nil || *cr.Card.ContactID != *want.ContactID {
			t.Errorf("lookup %s = %v, want %s", q, cr.Card.ContactID, *want.ContactID)
		}
	}

	cursor := goldenDirectory(t, e, tok, "", 343)
	if err := e.DB.DeleteContact(ctx, "demo-0142"); err != nil {
		t.Fatal(err)
	}
	var page protocol.Directory
	decodeInto(t, exchange(t, e, tok, "GET", "/api/v1/cards?since="+cursor, nil, 200, "rest.cards.response"), &page)
	if len(page.Removed) != 1 || page.Removed[0] != "demo-0142" || page.More {
		t.Errorf("after a delete: %+v, want demo-0142 removed", page)
	}

	t.Run("errors", func(t *testing.T) { goldenErrors(t, e, tok, callID) })
}

// goldenDirectory pages through the directory from since and checks every
// page; it returns the last cursor.
func goldenDirectory(t *testing.T, e *testEnv, tok, since string, atLeast int) string {
	t.Helper()
	seen := 0
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("the directory never ends")
		}
		var page protocol.Directory
		decodeInto(t, exchange(t, e, tok, "GET", "/api/v1/cards?limit=100&since="+since, nil, 200, "rest.cards.response"), &page)
		for _, c := range page.Cards {
			if len(c.Numbers) == 0 && c.Number != nil && c.Number.E164 != nil {
				t.Errorf("directory card %s lists no numbers", *c.ContactID)
			}
		}
		seen += len(page.Cards)
		since = page.Cursor
		if !page.More {
			break
		}
	}
	if seen < atLeast {
		t.Errorf("directory listed %d cards, want at least %d", seen, atLeast)
	}
	return since
}

func goldenErrors(t *testing.T, e *testEnv, tok, endedCall string) {
	callWith := func(set map[string]any) []byte {
		base := map[string]any{"call_id": contacts.NewID(), "started_at": nowText()}
		for k, v := range set {
			base[k] = v
		}
		return golden(t, "rest.calls.request", base)
	}
	noteWith := func(set map[string]any) []byte {
		base := map[string]any{"note_id": contacts.NewID(), "call_id": endedCall}
		for k, v := range set {
			base[k] = v
		}
		return golden(t, "rest.notes.request", base)
	}
	huge := append(append([]byte(`{"note_id":"`+contacts.NewID()+`","contact_id":"demo-0010","text":"`), bytes.Repeat([]byte("a"), protocol.MaxBody)...), `"}`...)
	tests := []struct {
		name, token, method, path string
		body                      []byte
		status                    int
		code, inMessage           string
	}{
		{"malformed JSON", tok, "POST", "/api/v1/calls", []byte(`{"call_id":`), 400, "invalid_request", "body:"},
		{"wrong type", tok, "POST", "/api/v1/calls", callWith(map[string]any{"sim_slot": "1"}), 400, "invalid_request", "sim_slot"},
		{"unknown field", tok, "POST", "/api/v1/notes", noteWith(map[string]any{"colour": "red"}), 400, "invalid_request", "colour: unknown field"},
		{"missing started_at", tok, "POST", "/api/v1/calls", callWith(map[string]any{"started_at": ""}), 400, "invalid_request", "started_at"},
		{"number null", tok, "POST", "/api/v1/calls", callWith(map[string]any{"number": nil}), 400, "invalid_request", "number"},
		{"call_id not a UUID", tok, "POST", "/api/v1/calls", callWith(map[string]any{"call_id": "call-1"}), 400, "invalid_request", "call_id"},
		{"time without offset", tok, "POST", "/api/v1/calls", callWith(map[string]any{"started_at": "2026-11-24T22:04:11"}), 400, "invalid_request", "started_at"},
		{"sim_slot 9", tok, "POST", "/api/v1/calls", callWith(map[string]any{"sim_slot": 9}), 400, "invalid_request", "sim_slot"},
		{"not a number", tok, "POST", "/api/v1/calls", callWith(map[string]any{"number": "вторник"}), 400, "invalid_number", "number"},
		{"number over 64 bytes", tok, "POST", "/api/v1/calls", callWith(map[string]any{"number": strings.Repeat("1", 65)}), 400, "invalid_number", "number"},
		{"empty note", tok, "POST", "/api/v1/notes", noteWith(map[string]any{"text": " "}), 400, "invalid_request", "text"},
		{"note over 20000 bytes", tok, "POST", "/api/v1/notes", noteWith(map[string]any{"text": strings.Repeat("ж", 10_001)}), 400, "invalid_request", "text"},
		{"note for nothing", tok, "POST", "/api/v1/notes", []byte(`{"note_id":"` + contacts.NewID() + `","text":"?"}`), 400, "invalid_request", "contact_id"},
		{"note for an unknown contact", tok, "POST", "/api/v1/notes", noteWith(map[string]any{"contact_id": "nobody"}), 404, "not_found", ""},
		{"same note_id, other text", tok, "POST", "/api/v1/notes", nil, 409, "conflict", "note_id"},
		{"contact without client_id", tok, "POST", "/api/v1/contacts", golden(t, "rest.contacts.request", map[string]any{"client_id": ""}), 400, "invalid_request", "client_id"},
		{"contact without a name", tok, "POST", "/api/v1/contacts", golden(t, "rest.contacts.request", map[string]any{"client_id": contacts.NewID(), "display_name": " ", "company": ""}), 400, "invalid_request", "display_name"},
		{"SIM slot twice", tok, "PUT", "/api/v1/device", golden(t, "rest.device.request", map[string]any{"sims": []any{map[string]any{"slot": 1}, map[string]any{"slot": 1}}}), 400, "invalid_request", "sims[1].slot"},
		{"body over 1 MB", tok, "POST", "/api/v1/notes", huge, 413, "too_large", ""},
		{"no token", "", "GET", "/api/v1/device", nil, 401, "unauthorized", ""},
		{"wrong token", "rct_" + strings.Repeat("0", 64), "GET", "/api/v1/device", nil, 401, "unauthorized", ""},
		{"unknown route", tok, "GET", "/api/v1/teleport", nil, 404, "not_found", ""},
		{"wrong method", tok, "DELETE", "/api/v1/calls", nil, 405, "method_not_allowed", ""},
		{"bad cursor", tok, "GET", "/api/v1/cards?since=yesterday", nil, 400, "invalid_request", "since"},
		{"limit 0", tok, "GET", "/api/v1/cards?limit=0", nil, 400, "invalid_request", "limit"},
		{"limit over 1000", tok, "GET", "/api/v1/cards?limit=1001", nil, 400, "invalid_request", "limit"},
		{"lookup without number", tok, "GET", "/api/v1/cards/lookup", nil, 400, "invalid_request", "number"},
		{"websocket without upgrade", tok, "GET", "/api/v1/ws", nil, 400, "invalid_request", ""},
		{"pairing SIM slot 9", "", "POST", "/api/v1/pair", golden(t, "rest.pair.request", map[string]any{"sims": []any{map[string]any{"slot": 9}}}), 400, "invalid_request", "slot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.body
			if tt.code == "conflict" {
				id := contacts.NewID()
				exchange(t, e, tok, "POST", "/api/v1/notes", noteWith(map[string]any{"note_id": id}), 201, "rest.notes.response")
				body = noteWith(map[string]any{"note_id": id, "text": "другой текст"})
			}
			got := exchange(t, e, tt.token, tt.method, tt.path, body, tt.status, "error")
			var er protocol.ErrorResponse
			decodeInto(t, got, &er)
			if er.Error.Code != tt.code || !strings.Contains(er.Error.Message, tt.inMessage) {
				t.Errorf("error = %+v, want %s naming %q", er.Error, tt.code, tt.inMessage)
			}
		})
	}
}

func TestGoldenPairingRateLimit(t *testing.T) {
	e := newEnv(t, false)
	for i := 0; i < 5; i++ {
		exchange(t, e, "", "POST", "/api/v1/pair", golden(t, "rest.pair.request", map[string]any{"code": "ZZZZ-ZZZZ"}), 401, "")
	}
	good, err := serverCreatePairCode(e, "Marco")
	if err != nil {
		t.Fatal(err)
	}
	status, body, h := send(t, e, "", "POST", "/api/v1/pair", golden(t, "rest.pair.request", map[string]any{"code": good}))
	matches(t, "error", body)
	wait, _ := strconv.Atoi(h.Get("Retry-After"))
	if status != 429 || !strings.Contains(string(body), `"rate_limited"`) || wait < 1 || wait > 600 {
		t.Errorf("6th attempt = %d %s Retry-After %q, want 429 rate_limited with 1..600 s", status, body, h.Get("Retry-After"))
	}
}

// socket reads and writes raw frames and checks every frame it receives
// against the envelope schema and the schema of its type.
type socket struct {
	t      *testing.T
	s      *client.Socket
	frames int
}

func openSocket(t *testing.T, c *client.Client) *socket {
	t.Helper()
	s, err := c.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &socket{t: t, s: s}
}

func (k *socket) send(b []byte) {
	k.t.Helper()
	if err := k.s.SendRaw(b); err != nil {
		k.t.Fatal(err)
	}
}

// read returns the next frame, checked.
func (k *socket) read() (protocol.Envelope, error) {
	k.t.Helper()
	_ = k.s.Conn().SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := k.s.Conn().ReadMessage()
	if err != nil {
		return protocol.Envelope{}, err
	}
	k.frames++
	matches(k.t, "envelope", data)
	var env protocol.Envelope
	if err := protocol.Decode(data, &env); err != nil {
		k.t.Fatalf("frame %s: %v", data, err)
	}
	matches(k.t, "ws."+env.Type, data)
	return env, nil
}

func (k *socket) next() protocol.Envelope {
	k.t.Helper()
	env, err := k.read()
	if err != nil {
		k.t.Fatalf("read frame: %v", err)
	}
	return env
}

// await reads frames until the answer to id, checking each; numbered events
// read on the way are returned too.
func (k *socket) await(id string) (answer protocol.Envelope, events []protocol.Envelope) {
	k.t.Helper()
	for {
		env := k.next()
		if env.Re == id {
			return env, events
		}
		if env.Seq > 0 {
			events = append(events, env)
		}
	}
}

// eventsUpTo reads numbered events until seq arrived, checking that seqs
// follow last without a gap or a repeat.
func (k *socket) eventsUpTo(last, seq int64) []protocol.Envelope {
	k.t.Helper()
	var out []protocol.Envelope
	for last < seq {
		env := k.next()
		if env.Seq == 0 {
			continue
		}
		if env.Seq != last+1 {
			k.t.Fatalf("event seq %d after %d", env.Seq, last)
		}
		last = env.Seq
		out = append(out, env)
	}
	return out
}

func deviceID(t *testing.T, c *client.Client) string {
	t.Helper()
	var d protocol.DeviceInfo
	if err := c.Do(context.Background(), "GET", "/api/v1/device", nil, &d); err != nil {
		t.Fatal(err)
	}
	return d.DeviceID
}

func TestGoldenWebsocket(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	a, b, anna := e.phone("Giulia"), e.phone("Marco"), e.phone("Anna")
	idA := deviceID(t, a)
	hub := e.Srv.Hub()

	s := openSocket(t, a)
	s.send(golden(t, "ws.resume", map[string]any{"payload.after_seq": 0}))
	if ok := s.next(); ok.Type != "ok" || ok.Seq != 0 || ok.Re != "m1" {
		t.Fatalf("resume answer = %+v, want ok with re m1", ok)
	}

	callID := contacts.NewID()
	card, evs := s.await(sendID(t, s, golden(t, "ws.call.started", map[string]any{"payload.call_id": callID, "payload.started_at": nowText()})))
	var c protocol.Card
	decodeInto(t, card.Payload, &c)
	if card.Type != "card" || card.Seq != 0 || c.DisplayName != goldenCard(t, "rest.calls.response").DisplayName {
		t.Errorf("call.started answer = %s %q seq %d, want the example's card, no seq", card.Type, c.DisplayName, card.Seq)
	}
	added, more := s.await(sendID(t, s, golden(t, "ws.note.add", map[string]any{"payload.note_id": contacts.NewID(), "payload.call_id": callID})))
	evs = append(evs, more...)
	if added.Type != "note.added" {
		t.Errorf("note.add answer = %+v", added)
	}
	ended, more := s.await(sendID(t, s, golden(t, "ws.call.ended", map[string]any{"payload.call_id": callID, "payload.ended_at": time.Now().Add(time.Minute).Format(time.RFC3339)})))
	evs = append(evs, more...)
	var cres protocol.CallResponse
	if decodeInto(t, ended.Payload, &cres); ended.Type != "ok" || cres.Call.Outcome == nil || *cres.Call.Outcome != "answered" {
		t.Errorf("call.ended answer = %+v", ended)
	}
	// Each of the three changes is one card.updated for this phone too.
	var last int64
	for _, ev := range evs {
		last = ev.Seq
	}
	evs = append(evs, s.eventsUpTo(last, 3)...)
	for i, ev := range evs {
		if ev.Type != "card.updated" || ev.Seq != int64(i+1) {
			t.Errorf("event %d = %s seq %d, want card.updated seq %d", i, ev.Type, ev.Seq, i+1)
		}
	}
	if ans, _ := s.await(sendID(t, s, golden(t, "ws.ack", map[string]any{"payload.seq": 3}))); ans.Type != "ok" {
		t.Errorf("ack answer = %+v", ans)
	}
	if ans, _ := s.await(sendID(t, s, golden(t, "ws.ping", nil))); ans.Type != "pong" {
		t.Errorf("ping answer = %+v", ans)
	}

	// The office asks this phone to dial; a contact is deleted.
	var dial map[string]any
	_ = json.Unmarshal(golden(t, "ws.dial", nil), &dial)
	payload, _ := json.Marshal(dial["payload"])
	if err := e.DB.AddEvent(ctx, idA, "dial", "", string(payload)); err != nil {
		t.Fatal(err)
	}
	if ev := s.eventsUpTo(3, 4)[0]; ev.Type != "dial" {
		t.Errorf("event 4 = %s, want dial", ev.Type)
	}
	if err := e.DB.DeleteContact(ctx, "demo-0142"); err != nil {
		t.Fatal(err)
	}
	if ev := s.eventsUpTo(4, 5)[0]; ev.Type != "contact.removed" {
		t.Errorf("event 5 = %s, want contact.removed", ev.Type)
	}

	t.Run("bad frames", func(t *testing.T) { goldenBadFrames(t, s) })

	// The phone drops its socket; Marco adds notes; the phone resumes after
	// seq 5 and gets exactly 6..8, then live ones.
	s.s.Close()
	waitFor(t, "disconnect", 5*time.Second, func() bool { return !hub.IsConnected(idA) })
	for i := 0; i < 3; i++ {
		if _, err := b.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0010", Text: "Перезвонить " + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	s = openSocket(t, a)
	s.send(golden(t, "ws.resume", map[string]any{"payload.after_seq": 5}))
	if ok := s.next(); ok.Type != "ok" {
		t.Fatalf("resume answer = %+v", ok)
	}
	for _, ev := range s.eventsUpTo(5, 8) {
		if ev.Type != "card.updated" {
			t.Errorf("replayed %s seq %d, want card.updated", ev.Type, ev.Seq)
		}
	}
	pingID := sendID(t, s, golden(t, "ws.ping", map[string]any{"id": "after-replay"}))
	if ans := s.next(); ans.Re != pingID || ans.Type != "pong" {
		t.Errorf("after the replay: %+v, want only the pong", ans)
	}

	t.Run("resync", func(t *testing.T) { goldenResync(t, e, anna, b) })
	t.Run("too large", func(t *testing.T) {
		sb := openSocket(t, b)
		sb.send(append(append([]byte(`{"type":"ping","id":"big","payload":"`), bytes.Repeat([]byte("x"), protocol.MaxBody)...), `"}`...))
		ev, err := sb.read()
		if err != nil || ev.Type != "error" || !strings.Contains(string(ev.Payload), "too_large") {
			t.Fatalf("over 1 MB: %+v %v, want a too_large error frame", ev, err)
		}
		wantClose(t, sb, websocket.CloseMessageTooBig)
	})
	t.Run("revoked", func(t *testing.T) {
		s := &socket{t: t, s: s.s}
		if _, err := e.DB.RevokeDevice(ctx, idA); err != nil {
			t.Fatal(err)
		}
		ev := s.next()
		for ev.Seq > 0 { // events still on their way
			ev = s.next()
		}
		var er protocol.ErrorResponse
		if decodeInto(t, ev.Payload, &er); ev.Type != "error" || er.Error.Code != "unauthorized" {
			t.Errorf("revoked: %+v, want an unauthorized error", ev)
		}
		wantClose(t, s, websocket.ClosePolicyViolation)
	})
	if s.frames == 0 {
		t.Error("no frame was checked")
	}
}

// sendID sends a frame and returns its id.
func sendID(t *testing.T, s *socket, frame []byte) string {
	t.Helper()
	var env protocol.Envelope
	if err := json.Unmarshal(frame, &env); err != nil {
		t.Fatal(err)
	}
	s.send(frame)
	return env.ID
}

func wantClose(t *testing.T, s *socket, code int) {
	t.Helper()
	for {
		_, err := s.read()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			if ce.Code != code {
				t.Errorf("close code %d, want %d", ce.Code, code)
			}
			return
		}
		if err != nil {
			t.Fatalf("read: %v, want close %d", err, code)
		}
	}
}

func goldenBadFrames(t *testing.T, s *socket) {
	tests := []struct {
		name, frame, code string
	}{
		{"unknown type", `{"type":"teleport","id":"x1","payload":{}}`, "invalid_request"},
		{"missing type", `{"id":"x1"}`, "invalid_request"},
		{"unknown field", `{"type":"ping","id":"x1","colour":"red"}`, "invalid_request"},
		{"missing payload", `{"type":"note.add","id":"x1"}`, "invalid_request"},
		{"wrong payload type", string(golden(t, "ws.note.add", map[string]any{"id": "x1", "payload.note_id": 5})), "invalid_request"},
		{"invalid number", string(golden(t, "ws.call.started", map[string]any{"id": "x1", "payload.call_id": contacts.NewID(), "payload.number": "вторник"})), "invalid_number"},
		{"call.ended without call_id", `{"type":"call.ended","id":"x1","payload":{"ended_at":"2026-11-24T22:07:42+01:00","outcome":"answered"}}`, "invalid_request"},
		{"unknown call", string(golden(t, "ws.call.ended", map[string]any{"id": "x1", "payload.call_id": contacts.NewID()})), "not_found"},
		{"negative after_seq", `{"type":"resume","id":"x1","payload":{"after_seq":-1}}`, "invalid_request"},
	}
	parent := s
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &socket{t: t, s: parent.s}
			s.send([]byte(tt.frame))
			ans, _ := s.await("x1")
			var er protocol.ErrorResponse
			if decodeInto(t, ans.Payload, &er); ans.Type != "error" || er.Error.Code != tt.code {
				t.Errorf("answer = %s %+v, want error %s", ans.Type, er.Error, tt.code)
			}
		})
	}
	t.Run("truncated", func(t *testing.T) {
		s := &socket{t: t, s: parent.s}
		s.send([]byte(`{"type": "ping", "id": `))
		if ans := s.next(); ans.Type != "error" || ans.Re != "" {
			t.Errorf("truncated frame answer = %+v, want an error without re", ans)
		}
	})
	t.Run("second resume", func(t *testing.T) {
		// The contract: one answer with re, and no stream restarted.
		s := &socket{t: t, s: parent.s}
		s.send(golden(t, "ws.resume", map[string]any{"id": "x2", "payload.after_seq": 5}))
		if ans := s.next(); ans.Type != "error" || ans.Re != "x2" || !strings.Contains(string(ans.Payload), "conflict") {
			t.Errorf("second resume answered %+v, want a conflict error with re x2", ans)
		}
	})
}

// goldenResync checks the three ways a phone gets resync: its after_seq is
// ahead of the server, its events were trimmed, or it has no events at all.
func goldenResync(t *testing.T, e *testEnv, anna, marco *client.Client) {
	ctx := context.Background()
	idAnna := deviceID(t, anna)
	hub := e.Srv.Hub()
	seq := hub.Seq(idAnna)
	if seq == 0 {
		t.Fatal("Anna's phone has no events")
	}
	s := openSocket(t, anna)
	s.send(golden(t, "ws.resume", map[string]any{"payload.after_seq": seq + 1000}))
	if ok := s.next(); ok.Type != "ok" {
		t.Fatalf("resume answer = %+v", ok)
	}
	if ev := s.next(); ev.Type != "resync" || ev.Seq != seq {
		t.Errorf("ahead of the server: %s seq %d, want resync seq %d", ev.Type, ev.Seq, seq)
	}
	s.s.Close()
	waitFor(t, "disconnect", 5*time.Second, func() bool { return !hub.IsConnected(idAnna) })

	if _, err := e.DB.TrimEvents(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	s = openSocket(t, anna)
	s.send(golden(t, "ws.resume", map[string]any{"payload.after_seq": 0}))
	if ok := s.next(); ok.Type != "ok" {
		t.Fatalf("resume answer = %+v", ok)
	}
	if ev := s.next(); ev.Type != "resync" || ev.Seq != seq {
		t.Errorf("after a trim: %s seq %d, want resync at seq %d", ev.Type, ev.Seq, seq)
	}
	if _, err := marco.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0010", Text: "Ещё одна заметка"}); err != nil {
		t.Fatal(err)
	}
	if ev := s.eventsUpTo(seq, seq+1)[0]; ev.Type != "card.updated" {
		t.Errorf("after resync: %s, want card.updated", ev.Type)
	}

	// A phone paired anew keeps its old position: the server has no events
	// for it, and sends resync at seq 0.
	fresh := e.phone("Luca")
	sf := openSocket(t, fresh)
	sf.send(golden(t, "ws.resume", nil))
	if ok := sf.next(); ok.Type != "ok" {
		t.Fatalf("resume answer = %+v", ok)
	}
	if ev := sf.next(); ev.Type != "resync" || ev.Seq != 0 {
		t.Errorf("new device resuming after 41: %s seq %d, want resync seq 0", ev.Type, ev.Seq)
	}
}
