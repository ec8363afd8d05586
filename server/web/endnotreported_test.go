package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/server/web"
)

// A call whose end the phone never reported leaves the live board when a
// newer call starts on the same SIM, and the client's page says "end not
// reported" in the office's language.
func TestBoardAndHistoryAfterAnUnreportedEnd(t *testing.T) {
	e := newEnv(t)
	ph := e.phone(t, "Giulia")
	ctx := context.Background()
	first := incoming("06 4281 1822") // Silvia Santoro
	first.StartedAt = time.Now().Add(-3 * time.Minute).UTC().Format(time.RFC3339)
	if _, err := ph.StartCall(ctx, first); err != nil {
		t.Fatal(err)
	}
	next := incoming("+39 347 555 0199")
	if _, err := ph.StartCall(ctx, next); err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	_, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	board := func() web.BoardResponse {
		resp, err := c.Get(e.URL + "/api/v1/office/board")
		if err != nil {
			t.Fatal(err)
		}
		var b web.BoardResponse
		err = json.NewDecoder(resp.Body).Decode(&b)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("board: %d %v", resp.StatusCode, err)
		}
		return b
	}
	deadline := time.Now().Add(10 * time.Second)
	for b := board(); len(b.Calls) != 1 || b.Calls[0].ID != next.CallID; b = board() {
		if time.Now().After(deadline) {
			t.Fatalf("board shows %+v, want only the newer call", b.Calls)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for lang, want := range map[string]string{"en": "Incoming, end not reported", "ru": "Входящий, конец не сообщён", "it": "In entrata, fine non segnalata"} {
		r, err := c.PostForm(e.URL+"/settings/language", url.Values{"lang": {lang}, "csrf": {csrf}})
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if page := getPage(t, c, e.URL+"/contacts/demo-0085"); !strings.Contains(page, want) {
			t.Errorf("%s: the client's page lacks %q", lang, want)
		}
	}
}
