package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A staff member sends an SMS from the client page: the work SIM is offered,
// a template is previewed filled with this client (in Russian, with its SMS
// count), the message is sent and shows with its status in the client's
// messages; the "No SMS" toggle stops the next one, with the reason shown.
func TestClientPageMessages(t *testing.T) {
	e, info := messagingEnv(t)
	staff := httpClient(t)
	if st, _ := signIn(t, staff, e.URL, "sam", testPassword); st != http.StatusSeeOther {
		t.Fatalf("staff sign in: %d", st)
	}
	admin := httpClient(t)
	_, adminCSRF := signIn(t, admin, e.URL, testLogin, testPassword)
	tpls := `{"templates":[{"name":"ready","language":"ru","channel":"sms","text":"Здравствуйте, {first_name}! Ваш заказ готов."}]}`
	if st := put(t, admin, e.URL+"/api/v1/office/message-templates", tpls, adminCSRF); st != http.StatusOK {
		t.Fatalf("admin set templates: %d", st)
	}
	ct := mobileContact(t, e)
	page := "/contacts/" + ct.ID
	body := getPage(t, staff, e.URL+page)
	sim := info.DeviceID + ":1"
	for _, want := range []string{`id="msg-form"`, `value="` + sim + `"`, `value="ready|ru|sms"`, `id="msg-segments"`, `id="optout-sms"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("client page lacks %s", want)
		}
	}
	v := formValues(t, body, "msg-form")
	v.Set("sim", sim)
	v.Set("template", "ready|ru|sms")
	v.Set("action", "preview")
	st, prev := postForm(t, staff, e.URL+page+"/message", v)
	if st != http.StatusOK {
		t.Fatalf("preview: %d", st)
	}
	if want := "Здравствуйте, " + ct.GivenName + "! Ваш заказ готов."; !strings.Contains(prev, want) {
		t.Fatalf("preview lacks %q", want)
	}
	if !strings.Contains(prev, `id="msg-previewed"`) || !strings.Contains(prev, "1 SMS") {
		t.Errorf("preview lacks its SMS count")
	}
	if n, _ := e.DB.ContactMessages(context.Background(), ct.ID, 10); len(n) != 0 {
		t.Fatalf("a preview stored %d messages", len(n))
	}

	// The box now holds the template's text, to be edited and sent.
	v = formValues(t, prev, "msg-form")
	if !strings.Contains(v.Get("text"), "{first_name}") {
		t.Fatalf("the box after a preview holds %q", v.Get("text"))
	}
	v.Set("sim", sim)
	v.Set("channel", "sms") // the selected option, as a browser sends it
	v.Set("template", "")
	v.Set("action", "send")
	if st, b := postForm(t, staff, e.URL+page+"/message", v); st != http.StatusSeeOther {
		t.Fatalf("send: %d %v %s", st, v, b)
	}
	ms, err := e.DB.ContactMessages(context.Background(), ct.ID, 10)
	if err != nil || len(ms) != 1 || ms[0].CreatedBy != "sam" || ms[0].DeviceID != info.DeviceID || ms[0].SIMSlot != 1 {
		t.Fatalf("stored messages %+v, %v", ms, err)
	}
	body = getPage(t, staff, e.URL+page)
	list := body[strings.Index(body, `id="msg-list"`):]
	if !strings.Contains(list, "Ваш заказ готов.") || !strings.Contains(list, `class="msg-status"`) {
		t.Errorf("the client's messages lack the sent one")
	}
	// Which phone it went from, not only the SIM's slot: every SMS of the
	// office is "SIM 1" of some phone.
	if !strings.Contains(list, "Giulia · SIM 1") {
		t.Errorf("the client's messages do not say which phone sent it: %.400s", list)
	}

	// No SMS: the toggle is saved, shown, and the next preview says why
	// nothing would go.
	o := formValues(t, body, "optout-form")
	o.Set("no_sms", "1")
	if st, _ := postForm(t, staff, e.URL+page+"/optout", o); st != http.StatusSeeOther {
		t.Fatalf("opt out: %d", st)
	}
	if got, _ := e.DB.ContactOptOut(context.Background(), ct.ID); !got.NoSMS || got.NoEmail {
		t.Fatalf("opt-outs after the toggle: %+v", got)
	}
	body = getPage(t, staff, e.URL+page)
	if !strings.Contains(body, `id="optout-sms" checked`) {
		t.Errorf("the No SMS box is not shown checked")
	}
	// Recent changes word the message and the opt-out, not their keys.
	for _, raw := range []string{"<td>message.queue</td>", "<td>contact.optout</td>"} {
		if strings.Contains(body, raw) {
			t.Errorf("recent changes show the action key %s", raw)
		}
	}
	for _, want := range []string{"<td>Message written</td>", "<td>No SMS / no e-mail changed</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("recent changes lack %s", want)
		}
	}
	v.Set("action", "preview")
	v.Set("csrf", o.Get("csrf"))
	st, prev = postForm(t, staff, e.URL+page+"/message", v)
	if st != http.StatusOK || !strings.Contains(prev, `id="msg-skipped"`) || !strings.Contains(prev, "opted out of SMS") {
		t.Errorf("preview for an opted-out client: %d, skip reason shown: %v", st, strings.Contains(prev, "msg-skipped"))
	}
	// Without the CSRF token nothing is sent.
	v.Del("csrf")
	v.Set("action", "send")
	if st, _ := postForm(t, staff, e.URL+page+"/message", v); st != http.StatusForbidden {
		t.Errorf("send without the CSRF token: %d, want 403", st)
	}
}

// The SMS count on the client page follows what is typed, in Chromium
// (app.js: no inline script under the CSP): 160 Latin characters are one
// SMS, 161 are two; one Cyrillic letter makes it Unicode (70 a part).
func TestBrowserSMSCount(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), testLogin), chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#q"))); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/contacts/demo-0001"), chromedp.WaitVisible(chromedp.CSS("#msg-text"))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#msg-segments", "0 characters · 1 SMS (Latin)", 5*time.Second)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#msg-text"), strings.Repeat("a", 160))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#msg-segments", "160 characters · 1 SMS (Latin)", 5*time.Second)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#msg-text"), "€")); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#msg-segments", "162 characters · 2 SMS (Latin)", 5*time.Second) // € takes two septets
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#msg-text"), "Ж")); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#msg-segments", "162 characters · 3 SMS (Unicode", 5*time.Second) // 162 UTF-16 units / 67
}
