package orderapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/orders"
	"github.com/ringcard/ringcard/server/orderapi"
)

// A payment recorded in the office changes the client's debt: a phone with
// the card saved offline gets card.updated for the client, carrying the new
// debt, without the contact itself changing (issue 14).
func TestPaymentSendsCardUpdated(t *testing.T) {
	e := newEnv(t)
	staff, admin := e.signIn("anna"), e.signIn("boss")
	ctx := context.Background()
	details := orders.Office{Name: "ООО «Рингкард»", Address: "Москва, ул. Тверская, 1", TaxID: "7701234567",
		Prefix: "RK", Lang: "ru", Currency: "RUB", DueDays: 10, Weights: map[string]int{"new": 10, "quoted": 40, "ordered": 80}}
	if code, er := admin.do("PUT", "/api/v1/office/office", details, nil); code != http.StatusOK {
		t.Fatalf("admin set office details: %d %+v", code, er)
	}
	tpls := contacts.DefaultTemplates()
	tpls.Default.Fields = append(tpls.Default.Fields, contacts.FieldSpec{Key: contacts.FieldDebt, Label: "Owes"})
	if err := e.Srv.SetTemplates(ctx, tpls); err != nil {
		t.Fatal(err)
	}
	phone := phoneOf(t, e, "Luca")
	s, err := phone.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Resume(0); err != nil {
		t.Fatal(err)
	}

	alexei := e.contactID("Алексей Кузнецов")
	var ov orderapi.OrderView
	if code, er := staff.do("POST", "/api/v1/office/orders", orderapi.OrderRequest{ContactID: alexei,
		Lines: []orderapi.LineRequest{{Name: "Кофемашина", Quantity: "1", UnitPrice: "1240.00"}}}, &ov); code != http.StatusCreated {
		t.Fatalf("create order: %d %+v", code, er)
	}
	var inv orders.Document
	if code, er := staff.do("POST", "/api/v1/office/orders/"+ov.ID+"/documents", orderapi.IssueRequest{Kind: "invoice", Lang: "ru"}, &inv); code != http.StatusCreated {
		t.Fatalf("issue invoice: %d %+v", code, er)
	}
	// The order and the invoice each changed the summary: one event each.
	cardEvents := `SELECT COUNT(*) FROM events WHERE type = 'card.updated' AND contact_id = '` + alexei + `'`
	if n := e.count(cardEvents); n != 2 {
		t.Errorf("card.updated events after order and invoice = %d, want 2", n)
	}
	var rev int
	if err := e.DB.QueryRowForTest(ctx, `SELECT rev FROM contacts WHERE id = ?`, &rev, alexei); err != nil {
		t.Fatal(err)
	}

	if code, er := staff.do("POST", "/api/v1/office/payments", orderapi.PaymentRequest{InvoiceID: inv.ID, Amount: "240"}, nil); code != http.StatusCreated {
		t.Fatalf("pay: %d %+v", code, er)
	}
	if n := e.count(cardEvents); n != 3 {
		t.Errorf("card.updated events after the payment = %d, want 3", n)
	}
	var rev2 int
	if err := e.DB.QueryRowForTest(ctx, `SELECT rev FROM contacts WHERE id = ?`, &rev2, alexei); err != nil {
		t.Fatal(err)
	}
	if rev2 <= rev {
		t.Errorf("contact rev after the payment = %d, want past %d (the directory cursor)", rev2, rev)
	}

	// The phone gets it: read until a card.updated for the client shows the
	// debt after the payment (events come in order; the deadline bounds it).
	deadline := time.Now().Add(20 * time.Second)
	var seen []string
	for {
		if time.Now().After(deadline) {
			t.Fatalf("no card.updated with the new debt; saw debts %q", seen)
		}
		env, err := s.Read(time.Until(deadline))
		if err != nil {
			t.Fatalf("read: %v; saw debts %q", err, seen)
		}
		if env.Type != protocol.TypeCardUpdated {
			continue
		}
		var card protocol.Card
		if err := json.Unmarshal(env.Payload, &card); err != nil {
			t.Fatal(err)
		}
		if card.ContactID == nil || *card.ContactID != alexei {
			continue
		}
		debt := ""
		for _, f := range card.Fields {
			if f.Key == contacts.FieldDebt {
				debt = f.Value
			}
		}
		seen = append(seen, debt)
		if debt == "owes 1,000.00 ₽" {
			break
		}
	}
}
