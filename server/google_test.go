package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/config"
	contactsync "github.com/ringcard/ringcard/sync"
	"github.com/ringcard/ringcard/sync/peoplestub"
)

// TestGoogleSyncEndToEnd: an edit in Google reaches the phone's card after
// the next sync; a note added on the phone reaches the Google contact's
// note with author and date; the office API shows the status.
func TestGoogleSyncEndToEnd(t *testing.T) {
	ctx := context.Background()
	stub := peoplestub.New(peoplestub.Options{})
	gs := httptest.NewServer(stub)
	defer gs.Close()
	rn, err := stub.Add(&people.Person{
		Names:         []*people.Name{{GivenName: "Mario", FamilyName: "Rossi", UnstructuredName: "Mario Rossi"}},
		PhoneNumbers:  []*people.PhoneNumber{{Value: "+39 06 1234 5678", Type: "work"}},
		Organizations: []*people.Organization{{Name: "Rossi Srl"}},
		Biographies:   []*people.Biography{{Value: "Pays on time."}},
	})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, false, func(c *config.Config) {
		c.Google.Endpoint, c.Google.NoAuth = gs.URL, true
	})
	e.Srv.StartGoogle(ctx)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	e.Srv.MountGoogle(r.Group("/api/v1/office"))
	office := httptest.NewServer(r)
	defer office.Close()

	run := func() contactsync.Report {
		t.Helper()
		var out struct {
			Report contactsync.Report `json:"report"`
		}
		if code := call(t, office.URL, "POST", "/api/v1/office/sync/run?wait=true", "", &out); code != http.StatusOK {
			t.Fatalf("sync run: status %d, report %+v", code, out.Report)
		}
		return out.Report
	}
	run()
	phone := e.phone("Luca")
	card, err := phone.Lookup(ctx, "+39 06 1234 5678")
	if err != nil {
		t.Fatal(err)
	}
	if !card.Known || card.DisplayName != "Mario Rossi" || !cardHas(card, "Rossi Srl") {
		t.Fatalf("card before = %+v", card)
	}

	if err := stub.EditAsOtherClient(rn, func(p *people.Person) { p.Organizations[0].Name = "Rossi & Figli Srl" }); err != nil {
		t.Fatal(err)
	}
	run()
	card, err = phone.Lookup(ctx, "+39 06 1234 5678")
	if err != nil {
		t.Fatal(err)
	}
	if !cardHas(card, "Rossi & Figli Srl") {
		t.Errorf("card after the google edit = %+v", card.Fields)
	}

	if _, err := phone.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: *card.ContactID, Text: "Wants the catalogue"}); err != nil {
		t.Fatal(err)
	}
	run()
	p, _ := stub.Person(rn)
	bio := p.Biographies[0].Value
	if !strings.HasPrefix(bio, "Pays on time.") || !strings.Contains(bio, "(Luca): Wants the catalogue") || !strings.Contains(bio, e.DB.Now().Format("2006-")) {
		t.Errorf("google note = %q", bio)
	}

	var st contactsync.Status
	if code := call(t, office.URL, "GET", "/api/v1/office/sync/status", "", &st); code != http.StatusOK {
		t.Fatalf("status: %d", code)
	}
	if !st.Connected || !st.Running || st.Linked != 1 || st.OutboxLength != 0 || st.LastSuccess.IsZero() || st.LastError != "" {
		t.Errorf("status = %+v", st)
	}
	var ks struct {
		Conflicts []json.RawMessage `json:"conflicts"`
	}
	if code := call(t, office.URL, "GET", "/api/v1/office/sync/conflicts", "", &ks); code != http.StatusOK || ks.Conflicts == nil || len(ks.Conflicts) != 0 {
		t.Errorf("conflicts: %d %+v", code, ks)
	}
	if code := call(t, office.URL, "POST", "/api/v1/office/sync/conflicts/999/resolve", `{"choice":"local"}`, nil); code != http.StatusNotFound {
		t.Errorf("resolve unknown conflict: status %d, want 404", code)
	}
}

func cardHas(c protocol.Card, value string) bool {
	for _, f := range c.Fields {
		if f.Value == value {
			return true
		}
	}
	return false
}

func call(t *testing.T, base, method, path, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode
}
