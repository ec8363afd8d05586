package messaging_test

import (
	"testing"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/server/messaging"
)

// {order} is the order number given; without one (the client has no
// orders) the contact's own "Order" field, as before the orders module.
func TestFieldsOrder(t *testing.T) {
	c := &contacts.Contact{GivenName: "Chloé", Company: "Rossi", Custom: []contacts.CustomField{{Key: "Ordine", Value: "X-77"}}}
	if f := messaging.Fields(c, "Anna", "RC-2026-0007"); f["order"] != "RC-2026-0007" || f["staff"] != "Anna" || f["first_name"] != "Chloé" {
		t.Errorf("with an order: %v", f)
	}
	if f := messaging.Fields(c, "Anna", ""); f["order"] != "X-77" {
		t.Errorf("without orders: {order} = %q, want the Ordine field", f["order"])
	}
	if f := messaging.Fields(&contacts.Contact{GivenName: "Marco"}, "Anna", ""); f["order"] != "" {
		t.Errorf("nothing known: {order} = %q", f["order"])
	}
}
