package orderapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
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
	s := debtPhone(t, e)

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
	waitCardDebt(t, s, alexei, "owes 1,000.00 ₽")
}

// A merge and an orders import change clients' debts without an order,
// invoice or payment being written: the phone still gets card.updated for
// the client with the debt it now has, and the client moves past the
// directory cursor (issue 14's follow-up).
func TestMergeAndImportSendCardUpdated(t *testing.T) {
	e := newEnv(t)
	staff := e.signIn("anna")
	ctx := contacts.WithActor(context.Background(), contacts.Actor{Kind: contacts.ActorCLI, Name: "test"})
	s := debtPhone(t, e)

	gone, keep := e.contactID("Владимир Петров"), e.contactID("Евгений Семёнов")
	var ov orderapi.OrderView
	if code, er := staff.do("POST", "/api/v1/office/orders", orderapi.OrderRequest{ContactID: gone, Currency: "EUR",
		Lines: []orderapi.LineRequest{{Name: "Coffee machine", Quantity: "1", UnitPrice: "1000.00", VATRate: "0"}}}, &ov); code != http.StatusCreated {
		t.Fatalf("create order: %d %+v", code, er)
	}
	if code, er := staff.do("POST", "/api/v1/office/orders/"+ov.ID+"/documents", orderapi.IssueRequest{Kind: "invoice", Lang: "en"}, nil); code != http.StatusCreated {
		t.Fatalf("issue invoice: %d %+v", code, er)
	}
	waitCardDebt(t, s, gone, "owes 1,000.00 €")

	before := e.rev(keep)
	var mergeID struct {
		ID int64 `json:"merge_id"`
	}
	if code, er := staff.do("POST", "/api/v1/office/duplicates/merge", map[string]string{"keep_id": keep, "gone_id": gone}, &mergeID); code != http.StatusOK {
		t.Fatalf("merge: %d %+v", code, er)
	}
	waitCardDebt(t, s, keep, "owes 1,000.00 €")
	if after := e.rev(keep); after <= before {
		t.Errorf("kept contact's rev after the merge = %d, want past %d", after, before)
	}
	// Undone: the debt goes back with the merged-away client.
	if code, er := staff.do("POST", "/api/v1/office/merges/"+strconv.FormatInt(mergeID.ID, 10)+"/undo", nil, nil); code != http.StatusOK {
		t.Fatalf("undo merge: %d %+v", code, er)
	}
	waitCardDebts(t, s, map[string]string{keep: "", gone: "owes 1,000.00 €"})

	// An archive from another ringcard: one order with an unpaid invoice
	// for a client that owed nothing here.
	alexei := e.contactID("Алексей Кузнецов")
	now := time.Now()
	o := orders.Order{ID: "imported-order", Number: "RC-2025-0042", ContactID: alexei, Currency: "EUR", Handler: "anna", Stage: "ordered",
		CreatedAt: now.AddDate(0, 0, -3), UpdatedAt: now.AddDate(0, 0, -3), DueDays: 30,
		Lines: []orders.Line{{Name: "item", Quantity: orders.QtyScale, UnitPrice: 50000}}}
	a := &orders.Archive{Orders: []orders.ArchivedOrder{{Order: o}}, Documents: []orders.ArchivedDocument{{Document: orders.Document{
		ID: "imported-invoice", Number: o.Number + "/F1", Kind: orders.KindInvoice, OrderID: o.ID, ContactID: alexei, Lang: "en", Currency: "EUR",
		Gross: 50000, IssuedAt: now.AddDate(0, 0, -3), DueAt: now.AddDate(0, 0, 27), By: "anna", PDFSHA256: "-"}, PDF: []byte("%PDF-"), XLSX: []byte("PK")}}}
	before = e.rev(alexei)
	if n, err := e.DB.ImportOrders(ctx, a, sqlite.DefaultPipeline()); err != nil || n != 1 {
		t.Fatalf("import: %d, %v", n, err)
	}
	waitCardDebt(t, s, alexei, "owes 500.00 €")
	if after := e.rev(alexei); after <= before {
		t.Errorf("client's rev after the import = %d, want past %d", after, before)
	}
}

// debtPhone shows the debt field on the default card and connects a paired
// phone that has every event from the start.
func debtPhone(t *testing.T, e *env) *client.Socket {
	t.Helper()
	ctx := context.Background()
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
	return s
}

// waitCardDebt reads the phone's events until a card.updated for the
// contact shows the debt want (events come in order; a deadline bounds it).
func waitCardDebt(t *testing.T, s *client.Socket, contactID, want string) {
	t.Helper()
	waitCardDebts(t, s, map[string]string{contactID: want})
}

// waitCardDebts reads the phone's events until, for each contact, a
// card.updated has shown the debt wanted for it.
func waitCardDebts(t *testing.T, s *client.Socket, want map[string]string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	seen := map[string][]string{}
	left := len(want)
	for left > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no card.updated with debts %q; saw %q", want, seen)
		}
		env, err := s.Read(time.Until(deadline))
		if err != nil {
			t.Fatalf("read: %v; want debts %q, saw %q", err, want, seen)
		}
		if env.Type != protocol.TypeCardUpdated {
			continue
		}
		var card protocol.Card
		if err := json.Unmarshal(env.Payload, &card); err != nil {
			t.Fatal(err)
		}
		if card.ContactID == nil {
			continue
		}
		id := *card.ContactID
		w, ok := want[id]
		if !ok {
			continue
		}
		debt := ""
		for _, f := range card.Fields {
			if f.Key == contacts.FieldDebt {
				debt = f.Value
			}
		}
		if debt == w && !slices.Contains(seen[id], w) {
			left--
		}
		seen[id] = append(seen[id], debt)
	}
}

// rev is a contact's place on the directory's change cursor.
func (e *env) rev(contactID string) int64 {
	e.t.Helper()
	var rev int64
	if err := e.DB.QueryRowForTest(context.Background(), `SELECT rev FROM contacts WHERE id = ?`, &rev, contactID); err != nil {
		e.t.Fatal(err)
	}
	return rev
}

// "N days overdue" changes at the office's midnight with no write: the
// day's job re-sends, once, the cards of the clients whose text changed
// (and only those), so phones' saved cards show the new count.
func TestOverdueCardsResentAtMidnight(t *testing.T) {
	y, m, d := time.Now().Date()
	var clock atomic.Int64
	clock.Store(time.Date(y, m, d, 23, 59, 30, 0, time.Local).UnixMilli())
	e := newEnvAt(t, func() time.Time { return time.UnixMilli(clock.Load()) })
	staff := e.signIn("anna")
	ctx := context.Background()
	s := debtPhone(t, e)

	invoice := func(contactID string, dueDays int) {
		t.Helper()
		var ov orderapi.OrderView
		if code, er := staff.do("POST", "/api/v1/office/orders", orderapi.OrderRequest{ContactID: contactID, Currency: "EUR", DueDays: &dueDays,
			Lines: []orderapi.LineRequest{{Name: "Coffee machine", Quantity: "1", UnitPrice: "1000.00", VATRate: "0"}}}, &ov); code != http.StatusCreated {
			t.Fatalf("create order: %d %+v", code, er)
		}
		if code, er := staff.do("POST", "/api/v1/office/orders/"+ov.ID+"/documents", orderapi.IssueRequest{Kind: "invoice", Lang: "en"}, nil); code != http.StatusCreated {
			t.Fatalf("issue invoice: %d %+v", code, er)
		}
	}
	dueToday, dueTomorrow := e.contactID("Алексей Кузнецов"), e.contactID("Анна Смирнова")
	invoice(dueToday, 0)
	invoice(dueTomorrow, 1)
	waitCardDebts(t, s, map[string]string{dueToday: "owes 1,000.00 €", dueTomorrow: "owes 1,000.00 €"})
	if n, err := e.Srv.AgeOverdueCards(ctx); err != nil || n != 0 {
		t.Fatalf("today's run: %d cards re-sent, %v; want 0 (nothing is overdue yet)", n, err)
	}

	clock.Store(time.Date(y, m, d+1, 0, 0, 5, 0, time.Local).UnixMilli()) // 35 seconds later, the next day
	revToday, revTomorrow := e.rev(dueToday), e.rev(dueTomorrow)
	if n, err := e.Srv.AgeOverdueCards(ctx); err != nil || n != 1 {
		t.Fatalf("the next day's run: %d cards re-sent, %v; want 1", n, err)
	}
	waitCardDebt(t, s, dueToday, "owes 1,000.00 €, 1 day overdue")
	if r := e.rev(dueToday); r <= revToday {
		t.Errorf("overdue client's rev = %d, want past %d", r, revToday)
	}
	if r := e.rev(dueTomorrow); r != revTomorrow {
		t.Errorf("client not yet overdue moved on the cursor: rev %d -> %d", revTomorrow, r)
	}
	events := e.count(`SELECT COUNT(*) FROM events WHERE type = 'card.updated'`)
	if n, err := e.Srv.AgeOverdueCards(ctx); err != nil || n != 0 {
		t.Errorf("second run on the same day: %d cards re-sent, %v; want 0", n, err)
	}
	if got := e.count(`SELECT COUNT(*) FROM events WHERE type = 'card.updated'`); got != events {
		t.Errorf("card.updated events after the second run = %d, want %d", got, events)
	}

	// Two days on (the server was off a day): both are overdue now.
	clock.Store(time.Date(y, m, d+3, 8, 0, 0, 0, time.Local).UnixMilli())
	if n, err := e.Srv.AgeOverdueCards(ctx); err != nil || n != 2 {
		t.Fatalf("run after a day off: %d cards re-sent, %v; want 2", n, err)
	}
	waitCardDebts(t, s, map[string]string{dueToday: "owes 1,000.00 €, 3 days overdue", dueTomorrow: "owes 1,000.00 €, 2 days overdue"})

	// No template shows the debt: nothing to re-send.
	if err := e.Srv.SetTemplates(ctx, contacts.DefaultTemplates()); err != nil {
		t.Fatal(err)
	}
	clock.Store(time.Date(y, m, d+4, 8, 0, 0, 0, time.Local).UnixMilli())
	if n, err := e.Srv.AgeOverdueCards(ctx); err != nil || n != 0 {
		t.Errorf("run with no template showing the debt: %d cards re-sent, %v; want 0", n, err)
	}
}
