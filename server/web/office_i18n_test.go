package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// TestPagesTranslated renders the office pages in every language, with a
// phone paired, a missed call and a sync conflict so that every part
// shows, and fails on any string missing from the catalogue (⟦key⟧).
func TestPagesTranslated(t *testing.T) {
	e := newEnv(t)
	ph := e.phone(t, "Giulia")
	start := incoming("+39 347 555 0199")
	if _, err := ph.StartCall(context.Background(), start); err != nil {
		t.Fatal(err)
	}
	if err := e.DB.SyncTx(context.Background(), func(tx *sqlite.SyncTx) error {
		return tx.AddConflict(sqlite.SyncConflict{ContactID: "demo-0002", Field: "job title", Local: "Buyer", Google: "Head buyer"})
	}); err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	status, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	if status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", status)
	}
	for _, lang := range []string{"ru", "it", "en"} {
		t.Run(lang, func(t *testing.T) {
			resp, err := c.PostForm(e.URL+"/settings/language", url.Values{"lang": {lang}, "csrf": {csrf}})
			if err != nil || resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("set language: %v %v", resp, err)
			}
			resp.Body.Close()
			for _, p := range []string{"/contacts/demo-0001", "/calls", "/devices", "/settings", "/board", "/data", "/followups", "/pipeline", "/forecast", "/contacts/demo-0001/orders"} {
				resp, err := c.Get(e.URL + p)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", p, resp.StatusCode)
				}
				if i := strings.Index(string(body), "⟦"); i >= 0 {
					t.Errorf("%s in %s has an untranslated string: %.80s", p, lang, body[i:])
				}
				if p == "/devices" && !strings.Contains(string(body), `class="sim-policy"`) {
					t.Errorf("%s has no SIM policy selector", p)
				}
			}
		})
	}
}
