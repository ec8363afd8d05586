package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// The office makes a follow-up from the client page for a colleague's
// phone, sees it due on the follow-ups page, snoozes it, gives it to
// someone else and marks it done; each change is the one the phones see.
func TestFollowupsInTheOffice(t *testing.T) {
	e := newEnv(t)
	e.phone(t, "Giulia")
	c := httpClient(t)
	_, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	ctx := context.Background()
	page := getPage(t, c, e.URL+"/contacts/demo-0001")
	if !strings.Contains(page, `id="followup-form"`) || !strings.Contains(page, `<option value="Giulia"`) {
		t.Fatalf("the client page has no follow-up form offering Giulia")
	}
	due := time.Now().Add(-time.Minute).Format("2006-01-02T15:04") // already due
	st, _ := postForm(t, c, e.URL+"/contacts/demo-0001/followups", url.Values{"csrf": {csrf}, "text": {"Richiamare per il preventivo"}, "due": {due}, "assignee": {"Giulia"}})
	if st != http.StatusSeeOther {
		t.Fatalf("add follow-up: status %d", st)
	}
	if st, _ := postForm(t, c, e.URL+"/contacts/demo-0001/followups", url.Values{"csrf": {csrf}, "text": {"x"}, "due": {"soon"}}); st != http.StatusBadRequest {
		t.Errorf("a follow-up without a date: status %d, want 400", st)
	}
	list, err := e.DB.Followups(ctx, sqlite.FollowupFilter{Assignee: "Giulia", Status: sqlite.FollowupOpen})
	if err != nil || len(list) != 1 || list[0].CreatedBy != "Anna Bianchi" {
		t.Fatalf("Giulia's open follow-ups: %+v %v", list, err)
	}
	id := list[0].ID

	page = getPage(t, c, e.URL+"/followups")
	row := regexp.MustCompile(`(?s)<tr class="overdue" data-followup="` + id + `">.*?</tr>`).FindString(page)
	if row == "" || !strings.Contains(row, "Richiamare per il preventivo") || !strings.Contains(page, "1 due") {
		t.Fatalf("the follow-ups page does not show it due")
	}
	if mine := getPage(t, c, e.URL+"/followups?who=me"); strings.Contains(mine, id) {
		t.Errorf("Giulia's follow-up is listed under Anna's own")
	}

	act := func(v url.Values) {
		t.Helper()
		v.Set("csrf", csrf)
		v.Set("back", "/followups")
		if st, _ := postForm(t, c, e.URL+"/followups/"+id, v); st != http.StatusSeeOther {
			t.Fatalf("%v: status %d", v, st)
		}
	}
	act(url.Values{"action": {"snooze"}, "until": {"tomorrow"}})
	f, _ := e.DB.Followup(ctx, id)
	tomorrow := time.Now().AddDate(0, 0, 1)
	if f.Due.Local().Day() != tomorrow.Day() || f.Due.Local().Hour() != 9 {
		t.Errorf("snoozed to %v, want tomorrow 09:00", f.Due.Local())
	}
	act(url.Values{"action": {"assign"}, "assignee": {"Anna Bianchi"}})
	if f, _ = e.DB.Followup(ctx, id); f.Assignee != "Anna Bianchi" {
		t.Errorf("assignee %q after giving it to Anna", f.Assignee)
	}
	act(url.Values{"action": {"done"}})
	if f, _ = e.DB.Followup(ctx, id); f.Status != "done" || f.DoneBy != "Anna Bianchi" {
		t.Errorf("after done: status %q by %q", f.Status, f.DoneBy)
	}
	if page := getPage(t, c, e.URL+"/followups"); strings.Contains(page, id) {
		t.Errorf("a done follow-up is still listed as open")
	}
}
