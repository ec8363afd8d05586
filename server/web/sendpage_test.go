package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts"
)

// An admin sends to a group from the group send page: the preview lists who
// gets it and who is skipped and why (an opted-out client) with the SMS
// parts, storing nothing; starting it shows its progress counted by
// status. Staff may not open the page.
func TestGroupSendPage(t *testing.T) {
	e, info := messagingEnv(t)
	staff := httpClient(t)
	signIn(t, staff, e.URL, "sam", testPassword)
	if resp, err := staff.Get(e.URL + "/sends"); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("staff on the group send page: %v %v, want 403", resp.StatusCode, err)
	}
	admin := httpClient(t)
	signIn(t, admin, e.URL, testLogin, testPassword)

	var members []*contacts.Contact
	_ = e.DB.EachContact(context.Background(), func(c *contacts.Contact) error {
		if c.InGroup("Wholesale") {
			members = append(members, c)
		}
		return nil
	})
	if len(members) < 2 {
		t.Fatalf("the demo's Wholesale group has %d contacts", len(members))
	}
	yes := true
	if err := e.DB.SetOptOut(context.Background(), members[0].ID, &yes, nil, "test"); err != nil {
		t.Fatal(err)
	}

	body := getPage(t, admin, e.URL+"/sends?group=Wholesale")
	sim := info.DeviceID + ":1"
	if !strings.Contains(body, `value="`+sim+`" checked`) || !strings.Contains(body, `id="nav-sends"`) {
		t.Fatalf("the group send page does not offer the work SIM, chosen")
	}
	v := formValues(t, body, "send-form")
	v.Set("group", "Wholesale")
	v.Set("channel", "sms")
	v.Set("sim", sim)
	v.Set("text", "Nuovo listino per {company}")
	st, prev := postForm(t, admin, e.URL+"/sends/preview", v)
	if st != http.StatusOK {
		t.Fatalf("preview: %d", st)
	}
	skipped := prev[strings.Index(prev, `id="send-skipped"`):]
	if !strings.Contains(skipped, members[0].Name()) || !strings.Contains(skipped, "opted out of SMS") {
		t.Errorf("the opted-out client is not listed as skipped with the reason")
	}
	if !strings.Contains(prev, `id="send-summary"`) || !strings.Contains(prev, "SMS in all") || !strings.Contains(prev, `id="send-go"`) {
		t.Errorf("the preview lacks its summary or start button: %s", prev[strings.Index(prev, `id="send-preview"`):][:600])
	}
	if ms, _ := e.DB.ContactMessages(context.Background(), members[1].ID, 10); len(ms) != 0 {
		t.Fatalf("a preview stored messages")
	}
	if n := strings.Count(prev[strings.Index(prev, `id="send-recipients"`):strings.Index(prev, `id="send-skipped"`)], "<tr>"); n <= 10 || !strings.Contains(prev, `<details class="fold" id="send-recipients-fold">`) {
		t.Errorf("a preview of %d recipients (the demo Wholesale group has more than 10) is not folded", n)
	}

	start := formValues(t, prev, "send-start")
	if start.Get("text") != "Nuovo listino per {company}" || start.Get("sim") != sim {
		t.Fatalf("the start form carries %v", start)
	}
	resp, err := admin.PostForm(e.URL+"/sends", start)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc.Path, "/sends/") {
		t.Fatalf("start: %d to %q", resp.StatusCode, loc)
	}
	page := getPage(t, admin, e.URL+loc.Path)
	if want := strconv.Itoa(strings.Count(prev[strings.Index(prev, `id="send-recipients"`):strings.Index(prev, `id="send-skipped"`)], "<tr>")); !strings.Contains(page, `data-total="`+want+`"`) || !strings.Contains(page, `id="send-counts"`) {
		t.Errorf("the progress page does not count %s messages: %s", want, page[strings.Index(page, `id="send-progress"`):][:400])
	}
	if ms, _ := e.DB.ContactMessages(context.Background(), members[0].ID, 10); len(ms) != 0 {
		t.Errorf("the opted-out client got %d messages", len(ms))
	}
	// The audit log words the send (and the opt-out) in the user's
	// language, not as the stored action key.
	audit := getPage(t, admin, e.URL+"/audit")
	for _, raw := range []string{"<td>message.send</td>", "<td>contact.optout</td>"} {
		if strings.Contains(audit, raw) {
			t.Errorf("the audit log shows the action key %s", raw)
		}
	}
	for _, want := range []string{"Group send started", "No SMS / no e-mail changed"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
}
