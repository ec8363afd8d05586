package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// TestStartPage: after sign-in the start page lists the follow-ups due
// (mine first, even when someone else's is older), missed calls nobody
// returned, calls in progress and the clients touched last.
func TestStartPage(t *testing.T) {
	e := newEnv(t)
	busyOffice(t, e) // Anna's follow-up on demo-0002, due an hour ago; a call in progress; a missed call
	bg := context.Background()
	if _, err := e.DB.AddFollowup(bg, &sqlite.Followup{ID: contacts.NewID(), ContactID: "demo-0004", Assignee: "Marco",
		Text: "Marco's older one", Due: time.Now().Add(-48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.AddFollowup(bg, &sqlite.Followup{ID: contacts.NewID(), ContactID: "demo-0005", Assignee: "Anna Bianchi",
		Text: "Next week's", Due: time.Now().Add(7 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	if st, _ := signIn(t, c, e.URL, testLogin, testPassword); st != http.StatusSeeOther {
		t.Fatalf("sign in: %d", st)
	}
	page := getPage(t, c, e.URL+"/")
	section := func(id string) string {
		i := strings.Index(page, `id="`+id+`"`)
		if i < 0 {
			t.Fatalf("no #%s on the start page", id)
		}
		j := strings.Index(page[i:], "</ul>")
		return page[i : i+j]
	}
	fu := section("start-followups")
	mine, other := strings.Index(fu, "Richiamare per il preventivo"), strings.Index(fu, "Marco&#39;s older one")
	if mine < 0 || other < 0 || mine > other {
		t.Errorf("follow-ups due: want Anna's first, then Marco's older one:\n%s", fu)
	}
	if strings.Contains(fu, "Next week") {
		t.Errorf("follow-ups due lists one due next week:\n%s", fu)
	}
	if s := section("start-missed"); !strings.Contains(s, "&#43;39 347 555 0199") {
		t.Errorf("missed calls: want +39 347 555 0199:\n%s", s)
	}
	ct, _ := e.DB.Contact(bg, "demo-0001")
	if s := section("start-live"); !strings.Contains(s, ct.Name()) || !strings.Contains(s, "in progress") {
		t.Errorf("calls in progress: want %s:\n%s", ct.Name(), s)
	}
	if s := section("start-touched"); !strings.Contains(s, ct.Name()) {
		t.Errorf("clients touched last: want %s (called just now):\n%s", ct.Name(), s)
	}
}
