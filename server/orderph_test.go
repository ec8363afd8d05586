package server_test

import (
	"context"
	"testing"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/orders"
	"github.com/ringcard/ringcard/server/messaging"
)

// The send path's {order}: order_id must be an order of the one client
// sent to; a literal text is sent as it is ("{x}" and "{name}" in it are
// plain text), a template is never literal; without order_id the client's
// most recent open order is used, without orders their "Order" field.
func TestSendOrderNumberAndLiteral(t *testing.T) {
	e := newEnv(t, false, withSMSAnyTime)
	ids := seedClients(t, e.DB, "Chloé", "Marco")
	bg := context.Background()
	o := &orders.Order{ContactID: ids[0], Currency: "EUR", Handler: "anna", Stage: "new",
		Lines: []orders.Line{{Name: "Macchina", Quantity: 1000, UnitPrice: 10000}}}
	if err := e.DB.CreateOrder(bg, o, sqlite.DefaultPipeline(), "RC"); err != nil {
		t.Fatal(err)
	}
	if o.Number == "" {
		t.Fatal("the order has no number")
	}
	m := e.Srv.Messaging()
	plan := func(req messaging.SendRequest) (*messaging.Preview, error) {
		req.Channel = messages.Email
		req.Subject = "s"
		p, _, err := m.Plan(bg, req, "Anna")
		return p, err
	}
	if _, err := plan(messaging.SendRequest{ContactIDs: ids[1:], Text: "{order}", OrderID: o.ID}); contacts.ErrorCode(err) != contacts.EInvalid {
		t.Errorf("another client's order: %v, want invalid", err)
	}
	if _, err := plan(messaging.SendRequest{ContactIDs: ids, Text: "{order}", OrderID: o.ID}); contacts.ErrorCode(err) != contacts.EInvalid {
		t.Errorf("order_id on a send to two: %v, want invalid", err)
	}
	if _, err := plan(messaging.SendRequest{ContactIDs: ids[:1], Text: "{nmae}"}); contacts.ErrorCode(err) != contacts.EInvalid {
		t.Errorf("an unknown placeholder: %v, want invalid", err)
	}
	p, err := plan(messaging.SendRequest{ContactIDs: ids[:1], Text: "Hi {x}, {name} {order}", Literal: true})
	if err != nil || p.Recipients[0].Text != "Hi {x}, {name} {order}" {
		t.Fatalf("literal: %+v %v", p, err)
	}
	p, err = plan(messaging.SendRequest{ContactIDs: ids, Text: "{name}: {order}."})
	if err != nil || len(p.Recipients) != 2 {
		t.Fatalf("plan: %+v %v", p, err)
	}
	got := map[string]string{p.Recipients[0].ContactID: p.Recipients[0].Text, p.Recipients[1].ContactID: p.Recipients[1].Text}
	if got[ids[0]] != "Chloé: "+o.Number+"." || got[ids[1]] != "Marco: ." {
		t.Errorf("filled %v, want Chloé's order %s and nothing for Marco", got, o.Number)
	}
}
