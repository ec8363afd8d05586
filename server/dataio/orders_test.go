package dataio

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/orders"
)

// addOrders gives the first contact an order with an invoice (its files as
// bytes) and a partial payment, and the second an open offer.
func addOrders(t *testing.T, db *sqlite.DB) {
	t.Helper()
	ctx := cliCtx()
	var ids []string
	if err := db.EachContact(ctx, func(c *contacts.Contact) error { ids = append(ids, c.ID); return nil }); err != nil || len(ids) < 2 {
		t.Fatalf("contacts: %v", err)
	}
	p := sqlite.DefaultPipeline()
	for i, id := range ids[:2] {
		o := &orders.Order{ContactID: id, Currency: "EUR", Handler: "Anna", DueDays: 30,
			Lines: []orders.Line{{Name: "Macinacaffè", Quantity: 1500, Unit: "pz", UnitPrice: 12345, VATRate: 2200, Discount: 500, CostPrice: 7000}}}
		if err := db.CreateOrder(ctx, o, p, "RC"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MoveOrder(ctx, o.ID, "quoted", p); err != nil {
			t.Fatal(err)
		}
		kind := orders.KindInvoice
		if i == 1 {
			kind = orders.KindOffer
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		d := &orders.Document{ID: contacts.NewID(), Number: o.Number + "/X", Kind: kind, OrderID: o.ID, ContactID: id, Lang: "it", Currency: "EUR",
			Gross: o.Totals().Gross, IssuedAt: now, DueAt: now.AddDate(0, 0, 30), By: "Anna", PDFSHA256: "abc"}
		if err := db.IssueDocument(ctx, d, []byte("%PDF-1.4 \x00\xff as issued"), []byte("PK\x03\x04 xlsx")); err != nil {
			t.Fatal(err)
		}
		if kind == orders.KindInvoice {
			if err := db.RecordPayment(ctx, &orders.Payment{DocumentID: d.ID, Amount: 5000, By: "Anna", At: now}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// checkOrdersCameBack compares every order, move, document (files byte for
// byte) and payment, and each client's money row.
func checkOrdersCameBack(t *testing.T, from, to *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	want, err := from.ExportOrders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := to.ExportOrders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wj, _ := json.Marshal(want)
	gj, _ := json.Marshal(got)
	if len(want.Orders) != 2 || string(wj) != string(gj) {
		t.Errorf("orders after export and import:\n got %s\nwant %s", gj, wj)
	}
	for _, o := range want.Orders {
		ws, _ := from.MoneySummary(ctx, o.ContactID)
		gs, _ := to.MoneySummary(ctx, o.ContactID)
		if len(ws) != 1 || len(gs) != 1 || ws[0] != gs[0] {
			t.Errorf("money of %s: got %+v, want %+v", o.ContactID, gs, ws)
		}
	}
	// The year's counter came along: the next order does not reuse a number.
	o := &orders.Order{ContactID: want.Orders[0].ContactID, Currency: "EUR", Lines: []orders.Line{{Name: "x", Quantity: 1000, UnitPrice: 1}}}
	if err := to.CreateOrder(cliCtx(), o, sqlite.DefaultPipeline(), "RC"); err != nil || o.Number == want.Orders[0].Number || o.Number == want.Orders[1].Number {
		t.Errorf("next order after the import: %q, %v", o.Number, err)
	}
}
