package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts"
)

// move posts a stage move as the page's form does and returns where it
// leads.
func move(t *testing.T, c *http.Client, u string, v url.Values) *url.URL {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("move %s: %d, want 303", u, resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A stage move offers the stage's template (the demo's "Order ready" on
// "done"): a staff member moves a client to done and the page offers the
// SMS filled for this client, in the staff member's language, from the
// work SIM, with its SMS count; sending it stores one message by them.
// A client who opted out of SMS is offered the e-mail instead, and the page
// says why; one who opted out of both is offered nothing, with the reason.
// A stage without a template offers nothing; an order's move offers it on
// the orders page.
func TestStageMoveOffersTemplate(t *testing.T) {
	e, info := messagingEnv(t)
	bg := context.Background()
	staff := httpClient(t)
	_, csrf := signIn(t, staff, e.URL, "sam", testPassword)
	const id = "demo-0001" // a mobile number and an e-mail address
	ct, err := e.DB.Contact(bg, id)
	if err != nil || ct.Stage == "done" || len(ct.Emails) == 0 {
		t.Fatalf("demo-0001: %+v %v", ct, err)
	}
	page := e.URL + "/contacts/" + id

	loc := move(t, staff, page+"/stage", url.Values{"csrf": {csrf}, "stage": {"paid"}})
	if loc.RawQuery != "" {
		t.Errorf("a move to paid (no template) leads to %s, want no offer", loc)
	}
	if strings.Contains(getPage(t, staff, page), `id="stage-offer"`) {
		t.Errorf("the client page offers a message with no move")
	}

	loc = move(t, staff, page+"/stage", url.Values{"csrf": {csrf}, "stage": {"done"}})
	if loc.Query().Get("offer") != "done" || loc.Fragment != "stage-offer" {
		t.Fatalf("a move to done leads to %s, want the offer", loc)
	}
	body := getPage(t, staff, e.URL+loc.RequestURI())
	offer := section(t, body, "stage-offer")
	want := "Hello " + ct.GivenName + ", your order is ready. sam"
	for _, w := range []string{want, "1 SMS", ct.Numbers[0].E164[1:], `name="sim" value="` + info.DeviceID + `:1"`, `id="offer-send"`, `id="offer-skip"`, "Order ready"} {
		if !strings.Contains(offer, w) {
			t.Errorf("the offer lacks %q:\n%s", w, offer)
		}
	}
	if n, _ := e.DB.ContactMessages(bg, id, 10); len(n) != 0 {
		t.Fatalf("offering stored %d messages", len(n))
	}
	v := formValues(t, body, "offer-form")
	if v.Get("channel") != "sms" || v.Get("text") != want {
		t.Fatalf("the offer's form carries %v", v)
	}
	resp, err := staff.PostForm(page+"/message", v)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send the offer: %d", resp.StatusCode)
	}
	ms, err := e.DB.ContactMessages(bg, id, 10)
	if err != nil || len(ms) != 1 || ms[0].Text != want || ms[0].CreatedBy != "sam" || ms[0].SIMSlot != 1 {
		t.Fatalf("stored after sending the offer: %+v %v", ms, err)
	}

	// The phone reports it failed: the client's messages say why in words,
	// the phone's code in the title.
	if _, err := e.DB.ReportMessage(bg, info.DeviceID, ms[0].ID, "failed", "RESULT_ERROR_RADIO_OFF"); err != nil {
		t.Fatal(err)
	}
	list := section(t, getPage(t, staff, page), "msg-list")
	if !strings.Contains(list, `title="RESULT_ERROR_RADIO_OFF"`) || !strings.Contains(list, "radio was off (flight mode?)") {
		t.Errorf("the failed message's reason shows as:\n%s", list)
	}

	// In Russian the Russian template comes first.
	if err := e.DB.SetUserLang(bg, "sam", "ru"); err != nil {
		t.Fatal(err)
	}
	body = getPage(t, staff, e.URL+loc.RequestURI())
	if offer := section(t, body, "stage-offer"); !strings.Contains(offer, "Здравствуйте, "+ct.GivenName+"! Ваш заказ готов.") {
		t.Errorf("the Russian page offers:\n%s", offer)
	}
	if err := e.DB.SetUserLang(bg, "sam", "en"); err != nil {
		t.Fatal(err)
	}

	// No work SIM (the office made the phone's SIMs private): the e-mail.
	for _, slot := range []int{1, 2} {
		if _, err := e.DB.SetSIMPolicy(bg, info.DeviceID, slot, contacts.SIMPrivate, ""); err != nil {
			t.Fatal(err)
		}
	}
	offer = section(t, getPage(t, staff, e.URL+loc.RequestURI()+"&sim="+url.QueryEscape(info.DeviceID+":1")), "stage-offer")
	if !strings.Contains(offer, "Not offered: SMS: no work SIM") || !strings.Contains(offer, `name="channel" value="email"`) {
		t.Errorf("with no work SIM, the offer shows:\n%s", offer)
	}
	for _, slot := range []int{1, 2} {
		if _, err := e.DB.SetSIMPolicy(bg, info.DeviceID, slot, contacts.SIMWork, ""); err != nil {
			t.Fatal(err)
		}
	}

	// No SMS: the e-mail is offered, and the page says why not the SMS.
	yes := true
	if err := e.DB.SetOptOut(bg, id, &yes, nil, "test"); err != nil {
		t.Fatal(err)
	}
	offer = section(t, getPage(t, staff, e.URL+loc.RequestURI()), "stage-offer")
	for _, w := range []string{"Not offered: SMS: opted out of SMS", "Your order is ready", ct.Emails[0].Address} {
		if !strings.Contains(offer, w) {
			t.Errorf("opted out of SMS, the offer lacks %q:\n%s", w, offer)
		}
	}
	// Nothing can go: no form, and why.
	if err := e.DB.SetOptOut(bg, id, nil, &yes, "test"); err != nil {
		t.Fatal(err)
	}
	offer = section(t, getPage(t, staff, e.URL+loc.RequestURI()), "stage-offer")
	if strings.Contains(offer, `id="offer-form"`) || !strings.Contains(offer, "opted out of e-mail") || !strings.Contains(offer, `id="offer-none"`) {
		t.Errorf("opted out of both, the offer shows:\n%s", offer)
	}
	no := false
	if err := e.DB.SetOptOut(bg, id, &no, &no, "test"); err != nil {
		t.Fatal(err)
	}

	// An order moved to done offers it on the orders page.
	if st, b := postForm(t, staff, page+"/orders", url.Values{"csrf": {csrf}, "name": {"Macchina espresso"}, "quantity": {"1"}, "unit_price": {"100"}}); st != http.StatusSeeOther {
		t.Fatalf("add order: %d %s", st, b)
	}
	orderID := regexp.MustCompile(`action="/orders/([^/]+)/stage"`).FindStringSubmatch(getPage(t, staff, page+"/orders"))
	if orderID == nil {
		t.Fatal("the orders page lacks the order's stage form")
	}
	loc = move(t, staff, e.URL+"/orders/"+orderID[1]+"/stage", url.Values{"csrf": {csrf}, "stage": {"done"}})
	if loc.Query().Get("offer") != "done" || loc.Query().Get("order") != orderID[1] {
		t.Fatalf("an order moved to done leads to %s", loc)
	}
	if offer := section(t, getPage(t, staff, e.URL+loc.RequestURI()), "stage-offer"); !strings.Contains(offer, "your order is ready") {
		t.Errorf("the orders page offers:\n%s", offer)
	}
	// A stale offer (the client moved on) is not shown.
	if err := e.DB.SetStage(contacts.WithActor(bg, contacts.Actor{Kind: contacts.ActorCLI, Name: "root"}), id, "lost", "root", ""); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(getPage(t, staff, page+"?offer=done"), `id="stage-offer"`) {
		t.Errorf("the client page offers the done message to a lost client")
	}
}

// section is the element with this id and what follows it, up to the end
// of its section (or of the page).
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("the page lacks #%s", id)
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
