package server_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
)

func TestBadRequestsGetTheProtocolErrorShape(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	id := contacts.NewID()
	now := time.Now().Format(time.RFC3339)
	tests := []struct {
		name, method, path, body string
		status                   int
		code, inMessage          string
	}{
		{"malformed JSON", "POST", "/api/v1/calls", `{"call_id": "` + id + `", "direction": `, 400, "invalid_request", "JSON"},
		{"not JSON", "POST", "/api/v1/calls", `hello`, 400, "invalid_request", "JSON"},
		{"empty body", "POST", "/api/v1/calls", ``, 400, "invalid_request", "body"},
		{"two values", "POST", "/api/v1/notes", `{"note_id":"` + id + `","contact_id":"demo-0001","text":"a"} {}`, 400, "invalid_request", "more than one"},
		{"array", "POST", "/api/v1/calls", `[1,2]`, 400, "invalid_request", ""},
		{"wrong type", "POST", "/api/v1/calls", `{"call_id": "` + id + `", "direction": "incoming", "number": 612345678, "started_at": "` + now + `"}`, 400, "invalid_request", "number"},
		{"wrong sim type", "POST", "/api/v1/calls", `{"call_id": "` + id + `", "direction": "incoming", "number": "06 1234 5678", "sim_slot": "one", "started_at": "` + now + `"}`, 400, "invalid_request", "sim_slot"},
		{"unknown field", "POST", "/api/v1/calls", `{"call_id": "` + id + `", "direction": "incoming", "number": "061234", "started_at": "` + now + `", "colour": "red"}`, 400, "invalid_request", "colour"},
		{"missing call_id", "POST", "/api/v1/calls", `{"direction": "incoming", "number": "06 1234 5678", "started_at": "` + now + `"}`, 400, "invalid_request", "call_id"},
		{"missing number", "POST", "/api/v1/calls", `{"call_id": "` + id + `", "direction": "incoming", "started_at": "` + now + `"}`, 400, "invalid_request", "number"},
		{"missing started_at", "POST", "/api/v1/calls", `{"call_id": "` + id + `", "direction": "incoming", "number": "06 1234 5678"}`, 400, "invalid_request", "started_at"},
		{"bad time", "POST", "/api/v1/calls", `{"call_id": "` + id + `", "direction": "incoming", "number": "06 1234 5678", "started_at": "yesterday"}`, 400, "invalid_request", "started_at"},
		{"bad direction", "POST", "/api/v1/calls", `{"call_id": "` + id + `", "direction": "sideways", "number": "06 1234 5678", "started_at": "` + now + `"}`, 400, "invalid_request", "direction"},
		{"call_id not uuid", "POST", "/api/v1/calls", `{"call_id": "abc", "direction": "incoming", "number": "06 1234 5678", "started_at": "` + now + `"}`, 400, "invalid_request", "call_id"},
		{"number not a number", "POST", "/api/v1/calls", `{"call_id": "` + id + `", "direction": "incoming", "number": "ciao mamma", "started_at": "` + now + `"}`, 400, "invalid_number", "number"},
		{"lookup letters", "GET", "/api/v1/cards/lookup?number=abc", ``, 400, "invalid_number", "number"},
		{"lookup missing", "GET", "/api/v1/cards/lookup", ``, 400, "invalid_request", "number"},
		{"bad cursor", "GET", "/api/v1/cards?since=garbage", ``, 400, "invalid_request", "since"},
		{"bad limit", "GET", "/api/v1/cards?limit=5000", ``, 400, "invalid_request", "limit"},
		{"bad outcome", "POST", "/api/v1/calls/" + id + "/end", `{"ended_at": "` + now + `", "duration_s": 3, "outcome": "great"}`, 400, "invalid_request", "outcome"},
		{"unknown route", "GET", "/api/v1/nothing", ``, 404, "not_found", ""},
		{"wrong method", "DELETE", "/api/v1/calls", ``, 405, "method_not_allowed", ""},
		{"bad sims", "PUT", "/api/v1/device", `{"sims": [{"slot": 0}]}`, 400, "invalid_request", "slot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := e.raw(ph, tt.method, tt.path, tt.body)
			if status != tt.status || body.Error.Code != tt.code {
				t.Fatalf("%s %s = %d %+v, want %d %s", tt.method, tt.path, status, body, tt.status, tt.code)
			}
			if body.Error.Message == "" || !strings.Contains(body.Error.Message, tt.inMessage) {
				t.Errorf("message %q should name %q", body.Error.Message, tt.inMessage)
			}
		})
	}
	var calls int
	if err := e.countRows("SELECT COUNT(*) FROM calls WHERE device_id != ''", &calls); err != nil || calls != 0 {
		t.Errorf("bad requests stored %d calls", calls)
	}
}

func TestHugeBodyIs413(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	big := `{"note_id":"` + contacts.NewID() + `","contact_id":"demo-0001","text":"` + strings.Repeat("x", 10<<20) + `"}`
	req, _ := http.NewRequest("POST", e.URL+"/api/v1/notes", bytes.NewReader([]byte(big)))
	req.Header.Set("Authorization", "Bearer "+ph.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("10 MB body: %d, want 413", resp.StatusCode)
	}
	status, body, _ := e.raw(ph, "POST", "/api/v1/notes", big[:2<<20])
	if status != 413 || body.Error.Code != "too_large" {
		t.Errorf("2 MB body: %d %+v, want 413 too_large", status, body)
	}
	// The server still works and stored nothing.
	card, err := ph.Lookup(context.Background(), "+39 380 296 0981")
	if err != nil || !card.Known {
		t.Fatalf("after huge bodies: %v", err)
	}
}

func TestAuth(t *testing.T) {
	e := newEnv(t, true)
	for _, h := range []string{"", "Bearer", "Bearer ", "Basic abc", "Bearer rct_nope"} {
		req, _ := http.NewRequest("GET", e.URL+"/api/v1/cards/lookup?number=0612345678", nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("Authorization %q: %d, want 401", h, resp.StatusCode)
		}
	}
	ph := e.phone("Giulia")
	ctx := context.Background()
	if _, err := ph.Lookup(ctx, "0612345678"); err != nil {
		t.Fatal(err)
	}
	devs, _ := e.DB.Devices(ctx)
	if _, err := e.DB.RevokeDevice(ctx, devs[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ph.Lookup(ctx, "0612345678"); apiStatus(err) != 401 || apiCode(err) != "unauthorized" {
		t.Errorf("revoked token: %v, want 401 unauthorized", err)
	}
}

func TestPairing(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	pc, err := newCode(e, "Giulia")
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(e.URL, "")
	req := protocol.PairRequest{Code: strings.ToLower(strings.ReplaceAll(pc, "-", "")), DeviceName: "Sales phone 1", Platform: "android", AppVersion: "1.0.0",
		SIMs: []protocol.SIM{{Slot: 1, Label: "Sales line"}}, FCMToken: "tok"}
	resp, err := c.Pair(ctx, req)
	if err != nil {
		t.Fatalf("pair with the code typed in lower case without dash: %v", err)
	}
	if resp.Protocol != 1 || resp.DeviceID == "" || len(resp.Token) < 32 {
		t.Errorf("pair response = %+v", resp)
	}
	var stored int
	if err := e.countRows("SELECT COUNT(*) FROM devices WHERE token_hash = ?", &stored, resp.Token); err != nil || stored != 0 {
		t.Errorf("the token is stored in clear")
	}
	if _, err := client.New(e.URL, "").Pair(ctx, req); apiStatus(err) != 401 {
		t.Errorf("code used twice: %v, want 401", err)
	}
	// Attribution: the name given at pairing.
	n, err := c.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), Number: "06 1234 5678", Text: "x"})
	if err != nil || n.Author != "Giulia" {
		t.Errorf("note author = %q (%v), want Giulia", n.Author, err)
	}

	// Expired code.
	e.DB.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	old, err := newCode(e, "Marco")
	e.DB.Now = time.Now
	if err != nil {
		t.Fatal(err)
	}
	req.Code = old
	if _, err := client.New(e.URL, "").Pair(ctx, req); apiStatus(err) != 401 || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired code: %v, want 401 saying expired", err)
	}

	// Five wrong codes from one address (the used and the expired one count),
	// then 429 with Retry-After even for a good code.
	good, _ := newCode(e, "Luca")
	for i := 0; i < 3; i++ {
		req.Code = "WRONG-0000"
		if _, err := client.New(e.URL, "").Pair(ctx, req); apiStatus(err) != 401 {
			t.Fatalf("wrong code %d: %v, want 401", i, err)
		}
	}
	req.Code = good
	_, err = client.New(e.URL, "").Pair(ctx, req)
	ae, ok := err.(*client.APIError)
	if !ok || ae.Status != 429 || ae.Code != "rate_limited" || ae.RetryAfter == "" {
		t.Errorf("after 5 wrong codes: %v, want 429 rate_limited with Retry-After", err)
	}
}

func newCode(e *testEnv, name string) (string, error) {
	pc, err := serverCreatePairCode(e, name)
	return pc, err
}
