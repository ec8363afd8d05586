package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server/config"
	contactsync "github.com/ringcard/ringcard/sync"
	"github.com/ringcard/ringcard/sync/peoplestub"
)

// TestSettingsShowWhatWaitsForGoogle: while Google is down, an import of
// 300 contacts and one staff edit wait in the outbox; the office status
// JSON and the settings page say what waits in each lane and about when
// it will be done.
func TestSettingsShowWhatWaitsForGoogle(t *testing.T) {
	stub := peoplestub.New(peoplestub.Options{})
	stub.SetDown(peoplestub.Down503)
	gs := httptest.NewServer(stub)
	defer gs.Close()
	e := newEnv(t, func(c *config.Config) { c.Google.Endpoint, c.Google.NoAuth = gs.URL, true })
	ctx := context.Background()
	if err := e.DB.SetSyncEnabled(ctx, true); err != nil {
		t.Fatal(err)
	}
	var ops []sqlite.ImportOp
	for i := range 300 {
		ops = append(ops, sqlite.ImportOp{Contact: &contacts.Contact{DisplayName: fmt.Sprint("Imported ", i)}, Source: fmt.Sprint("row ", i)})
	}
	if _, err := e.DB.ApplyImport(ctx, ops); err != nil {
		t.Fatal(err)
	}
	staff := contacts.WithActor(ctx, contacts.Actor{Kind: contacts.ActorUser, Name: "Anna Bianchi"})
	c, err := e.DB.Contact(ctx, "demo-0001")
	if err != nil {
		t.Fatal(err)
	}
	c.JobTitle = "Buyer"
	if err := e.DB.UpdateContact(staff, c); err != nil {
		t.Fatal(err)
	}

	st, err := contactsync.ReadStatus(ctx, e.DB)
	if err != nil {
		t.Fatal(err)
	}
	if st.Waiting.Staff != 1 || st.Waiting.Bulk != 300 || st.DoneAbout.IsZero() || st.Waiting.Oldest.IsZero() {
		t.Errorf("status = waiting %+v, done about %v; want 1 staff, 300 bulk, an estimate", st.Waiting, st.DoneAbout)
	}

	hc := httpClient(t)
	if code, _ := signIn(t, hc, e.URL, testLogin, testPassword); code != 303 {
		t.Fatalf("sign in: %d", code)
	}
	resp, err := hc.Get(e.URL + "/settings")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	i := strings.Index(page, `id="sync-queue"`)
	if i < 0 {
		t.Fatalf("settings page has no sync queue line")
	}
	line := page[i:min(len(page), i+300)]
	if !strings.Contains(line, "Waiting for Google: 1 changed by staff, 300 from imports") || !strings.Contains(line, "done about") {
		t.Errorf("sync queue line = %q", line)
	}
}
