package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/messaging"
)

// addOrders adds n orders to the client through the orders page and
// returns them newest first, as the store lists them.
func addOrders(t *testing.T, e *env, c *http.Client, csrf, id string, n int) []string {
	t.Helper()
	for range n {
		if st, b := postForm(t, c, e.URL+"/contacts/"+id+"/orders", url.Values{"csrf": {csrf}, "name": {"Macchina"}, "quantity": {"1"}, "unit_price": {"100"}}); st != http.StatusSeeOther {
			t.Fatalf("add order: %d %s", st, b)
		}
	}
	os, err := e.DB.OrdersOf(context.Background(), id)
	if err != nil || len(os) < n {
		t.Fatalf("orders of %s: %d %v", id, len(os), err)
	}
	ids := make([]string, len(os))
	for i, o := range os {
		ids[i] = o.ID
	}
	return ids
}

// {order} is an order number from the orders module. On the orders page, a
// stage move of one order offers the template filled with that order's
// number (not the client's newest), and sending the offer stores exactly
// the text shown, a "{x}" or "{name}" in the client's company included
// (the box is sent as it is, never filled again). From the client page,
// {order} is the client's most recent open order's number, in the preview
// and in what is sent.
func TestOrderPlaceholderIsTheOrderNumber(t *testing.T) {
	e, info := messagingEnv(t)
	bg := context.Background()
	staff := httpClient(t)
	_, csrf := signIn(t, staff, e.URL, "sam", testPassword)
	ct := mobileContact(t, e)
	ct.Company = "{x} & {name} Srl"
	ct.Emails = append(ct.Emails, contacts.Email{Address: "orders-test@example.com"})
	if err := e.DB.UpdateContact(bg, ct); err != nil {
		t.Fatal(err)
	}
	ts := []messages.Template{{Name: "Ready", Language: "en", Channel: messages.SMS, Stage: "done", Text: "Order {order} for {company} is ready"},
		{Name: "Ready mail", Language: "en", Channel: messages.Email, Stage: "done", Subject: "Order {order}", Text: "{company}: order {order} is ready"}}
	if err := messaging.SaveTemplates(bg, e.DB, ts); err != nil {
		t.Fatal(err)
	}
	ids := addOrders(t, e, staff, csrf, ct.ID, 2) // ids[0] newest, ids[1] older
	older, err := e.DB.Order(bg, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	newer, err := e.DB.Order(bg, ids[0])
	if err != nil {
		t.Fatal(err)
	}

	// The older order moved to done: the offer names the older order.
	loc := move(t, staff, e.URL+"/orders/"+older.ID+"/stage", url.Values{"csrf": {csrf}, "stage": {"done"}})
	if loc.Query().Get("order") != older.ID {
		t.Fatalf("the move leads to %s", loc)
	}
	body := getPage(t, staff, e.URL+loc.RequestURI())
	want := "Order " + older.Number + " for {x} & {name} Srl is ready"
	v := formValues(t, body, "offer-form")
	if v.Get("text") != want {
		t.Fatalf("the order page offers %q, want %q", v.Get("text"), want)
	}
	if offer := html.UnescapeString(section(t, body, "stage-offer")); !strings.Contains(offer, "1 SMS") {
		t.Errorf("the offer lacks its SMS count:\n%s", offer)
	}
	if st, b := postForm(t, staff, e.URL+"/contacts/"+ct.ID+"/message", v); st != http.StatusSeeOther {
		t.Fatalf("send the offer: %d %s", st, b)
	}
	ms, err := e.DB.ContactMessages(bg, ct.ID, 10)
	if err != nil || len(ms) != 1 || ms[0].Text != want {
		t.Fatalf("stored after the offer: %+v %v, want %q", ms, err, want)
	}

	// The e-mail picked on the offer: its subject is filled too, and sent as shown.
	body = getPage(t, staff, e.URL+loc.RequestURI()+"&tpl="+url.QueryEscape("Ready mail|en|email"))
	v = formValues(t, body, "offer-form")
	if v.Get("channel") != "email" || v.Get("subject") != "Order "+older.Number || v.Get("text") != "{x} & {name} Srl: order "+older.Number+" is ready" {
		t.Fatalf("the e-mail offer carries %v", v)
	}
	if st, b := postForm(t, staff, e.URL+"/contacts/"+ct.ID+"/message", v); st != http.StatusSeeOther {
		t.Fatalf("send the e-mail offer: %d %s", st, b)
	}
	ms, err = e.DB.ContactMessages(bg, ct.ID, 10)
	if err != nil || len(ms) != 2 {
		t.Fatalf("stored after the e-mail offer: %+v %v", ms, err)
	}
	mail := ms[0]
	if mail.Channel != messages.Email {
		mail = ms[1]
	}
	if mail.Subject != "Order "+older.Number || mail.Text != v.Get("text") {
		t.Fatalf("the e-mail stored: %q %q", mail.Subject, mail.Text)
	}

	// From the client page: the most recent open order (the older one is
	// closed, a newest one is lost).
	lost := addOrders(t, e, staff, csrf, ct.ID, 1)[0]
	move(t, staff, e.URL+"/orders/"+lost+"/stage", url.Values{"csrf": {csrf}, "stage": {"lost"}})
	want = "Order " + newer.Number + " for {x} & {name} Srl is ready"
	form := url.Values{"csrf": {csrf}, "channel": {"sms"}, "sim": {info.DeviceID + ":1"}, "text": {"Order {order} for {company} is ready"}, "action": {"preview"}}
	st, prev := postForm(t, staff, e.URL+"/contacts/"+ct.ID+"/message", form)
	if st != http.StatusOK || !strings.Contains(html.UnescapeString(prev), want) {
		t.Fatalf("the client page's preview (%d) lacks %q", st, want)
	}
	form.Set("action", "send")
	if st, b := postForm(t, staff, e.URL+"/contacts/"+ct.ID+"/message", form); st != http.StatusSeeOther {
		t.Fatalf("send from the client page: %d %s", st, b)
	}
	ms, err = e.DB.ContactMessages(bg, ct.ID, 10)
	if err != nil || len(ms) != 3 || !slices.ContainsFunc(ms, func(m *messages.Message) bool { return m.Text == want }) {
		t.Fatalf("stored after the client page's send: %+v %v, want %q", ms, err, want)
	}
	for _, m := range ms {
		if m.Channel == messages.SMS && m.Segments != messages.Segments(m.Text).Segments {
			t.Errorf("message %q stored with %d parts", m.Text, m.Segments)
		}
	}

}

// A group send's preview fills {order} per recipient: a client with an
// open order gets its number, one with no orders their "Order" field, as
// before the orders module.
func TestGroupSendPreviewOrderNumbers(t *testing.T) {
	e, info := messagingEnv(t)
	bg := context.Background()
	admin := httpClient(t)
	_, csrf := signIn(t, admin, e.URL, testLogin, testPassword)
	var members []*contacts.Contact
	_ = e.DB.EachContact(bg, func(c *contacts.Contact) error {
		if c.InGroup("Wholesale") {
			members = append(members, c)
		}
		return nil
	})
	if len(members) < 2 {
		t.Fatalf("the demo's Wholesale group has %d contacts", len(members))
	}
	withOrder, without := members[0], members[1]
	number := ""
	if os, _ := e.DB.OrdersOf(bg, withOrder.ID); len(os) == 0 {
		addOrders(t, e, admin, csrf, withOrder.ID, 1)
	}
	nums, err := e.DB.OrderNumbers(bg, []string{withOrder.ID, without.ID})
	if err != nil {
		t.Fatal(err)
	}
	number = nums[withOrder.ID]
	if number == "" || !strings.HasPrefix(number, "RC-") {
		t.Fatalf("order number %q", number)
	}
	if _, has := nums[without.ID]; has {
		t.Fatalf("the demo gives %s orders: the fallback needs a client without orders", without.Name())
	}
	without.Custom = append(without.Custom, contacts.CustomField{Key: "Order", Value: "{name}-77"})
	if err := e.DB.UpdateContact(bg, without); err != nil {
		t.Fatal(err)
	}

	v := url.Values{"csrf": {csrf}, "group": {"Wholesale"}, "channel": {"sms"}, "sim": {info.DeviceID + ":1"}, "text": {"Ordine {order}"}}
	st, prev := postForm(t, admin, e.URL+"/sends/preview", v)
	if st != http.StatusOK {
		t.Fatalf("preview: %d %s", st, prev)
	}
	prev = html.UnescapeString(prev)
	for _, w := range []string{"Ordine " + number, "Ordine {name}-77"} {
		if !strings.Contains(prev, w) {
			t.Errorf("the group send preview lacks %q", w)
		}
	}
}
