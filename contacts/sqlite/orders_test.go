package sqlite_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/orders"
)

func newOrder(contactID string, price int64) *orders.Order {
	return &orders.Order{ContactID: contactID, Currency: "EUR", Handler: "anna", DueDays: 14,
		Lines: []orders.Line{{Name: "Caldaia", Quantity: 1000, UnitPrice: price, VATRate: 2200, CostPrice: price / 2}}}
}

func issueInvoice(t *testing.T, db *sqlite.DB, o *orders.Order, at time.Time) *orders.Document {
	t.Helper()
	ctx := context.Background()
	num, err := db.NextDocumentNumber(ctx, o, orders.KindInvoice)
	if err != nil {
		t.Fatal(err)
	}
	d := &orders.Document{ID: contacts.NewID(), Number: num, Kind: orders.KindInvoice, OrderID: o.ID, ContactID: o.ContactID, Lang: "en",
		Currency: o.Currency, Gross: o.Totals().Gross, IssuedAt: at, DueAt: at.AddDate(0, 0, o.DueDays), By: "anna", PDFSHA256: "x"}
	if err := db.IssueDocument(ctx, d, []byte("%PDF"), []byte("PK")); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestOrdersNumbersStagesPaymentsAndSummary(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := contacts.WithActor(context.Background(), contacts.Actor{Kind: contacts.ActorUser, Name: "anna"})
	p := sqlite.DefaultPipeline()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	c := addContact(t, db, "Mario Rossi", "+39 333 111 2222")

	o1, o2 := newOrder(c.ID, 100000), newOrder(c.ID, 24000)
	for _, o := range []*orders.Order{o1, o2} {
		if err := db.CreateOrder(ctx, o, p, "RC"); err != nil {
			t.Fatal(err)
		}
	}
	if o1.Number != "RC-2026-0001" || o2.Number != "RC-2026-0002" || o1.Stage != "new" {
		t.Errorf("numbers %q %q, stage %q", o1.Number, o2.Number, o1.Stage)
	}
	sum, err := db.MoneySummary(ctx, c.ID)
	if err != nil || len(sum) != 1 || sum[0].OpenOrders != 2 || sum[0].Debt != 0 {
		t.Fatalf("summary after two orders = %+v, %v", sum, err)
	}
	inv := issueInvoice(t, db, o1, now) // 1,220.00 with VAT, due in 14 days
	now = now.AddDate(0, 0, 26)
	sum, _ = db.MoneySummary(ctx, c.ID)
	if got := orders.DebtText(sum, now); got != "owes 1,220.00 €, 12 days overdue" {
		t.Errorf("debt = %q", got)
	}

	// A payment larger than what is owed changes nothing.
	before, _ := db.MoneySummary(ctx, c.ID)
	err = db.RecordPayment(ctx, &orders.Payment{DocumentID: inv.ID, Amount: 122001, By: "anna"})
	if contacts.ErrorCode(err) != contacts.EInvalid {
		t.Errorf("overpayment: %v, want invalid_request", err)
	}
	if after, _ := db.MoneySummary(ctx, c.ID); after[0] != before[0] {
		t.Errorf("overpayment changed the summary: %+v -> %+v", before, after)
	}
	if err := db.RecordPayment(ctx, &orders.Payment{DocumentID: inv.ID, Amount: 22000, By: "anna"}); err != nil {
		t.Fatal(err)
	}
	sum, _ = db.MoneySummary(ctx, c.ID)
	if sum[0].Debt != 100000 {
		t.Errorf("after a partial payment debt = %d, want 100000", sum[0].Debt)
	}
	// A corrected invoice supersedes the first and carries its payment.
	o1.Lines[0].UnitPrice = 90000
	if _, err := db.UpdateOrder(ctx, o1, p); err != nil {
		t.Fatal(err)
	}
	o1, _ = db.Order(ctx, o1.ID)
	inv2 := issueInvoice(t, db, o1, now)
	if inv2.Number != "RC-2026-0001/F2" {
		t.Errorf("second invoice number %q", inv2.Number)
	}
	sum, _ = db.MoneySummary(ctx, c.ID)
	if sum[0].Debt != 109800-22000 {
		t.Errorf("after the correction debt = %d, want %d", sum[0].Debt, 109800-22000)
	}
	if err := db.RecordPayment(ctx, &orders.Payment{DocumentID: inv.ID, Amount: 100, By: "anna"}); contacts.ErrorCode(err) != contacts.EInvalid {
		t.Errorf("payment on a superseded invoice: %v", err)
	}
	if err := db.RecordPayment(ctx, &orders.Payment{DocumentID: inv2.ID, Amount: 87800, By: "anna"}); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{"ordered", "done"} {
		if _, err := db.MoveOrder(ctx, o1.ID, st, p); err != nil {
			t.Fatal(err)
		}
	}
	sum, _ = db.MoneySummary(ctx, c.ID)
	if len(sum) != 1 || sum[0].Debt != 0 || sum[0].OpenOrders != 1 || orders.OpenOrdersText(sum) != "1 open order" {
		t.Errorf("paid and done: %+v", sum)
	}
	moves, _ := db.OrderMoves(ctx, o1.ID)
	if len(moves) != 3 || moves[1].From != "new" || moves[1].To != "ordered" || moves[2].By != "anna" {
		t.Errorf("moves = %+v", moves)
	}
	if _, err := db.MoveOrder(ctx, o1.ID, "nowhere", p); contacts.ErrorCode(err) != contacts.EInvalid {
		t.Errorf("bad stage: %v", err)
	}
	docs, _ := db.DocumentsOf(ctx, c.ID, "")
	if len(docs) != 2 {
		t.Errorf("documents = %d", len(docs))
	}
	if _, f, err := db.DocumentFile(ctx, inv.ID, "pdf"); err != nil || string(f) != "%PDF" {
		t.Errorf("file = %q, %v", f, err)
	}
}

func TestOrderForGoneContactsRefused(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	p := sqlite.DefaultPipeline()
	keep := addContact(t, db, "Mario Rossi", "+39 333 111 2222")
	gone := addContact(t, db, "Rossi Mario", "+39 06 1234 5678")
	del := addContact(t, db, "Old Client", "+39 06 9999 5678")
	if _, err := db.MergeContacts(ctx, keep.ID, gone.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteContact(ctx, del.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, id, code string
	}{
		{"merged", gone.ID, contacts.EInvalid},
		{"deleted", del.ID, contacts.EInvalid},
		{"unknown", "nope", contacts.ENotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.CreateOrder(ctx, newOrder(tc.id, 100), p, "RC")
			if contacts.ErrorCode(err) != tc.code {
				t.Errorf("CreateOrder = %v, want %s", err, tc.code)
			}
		})
	}
	var n int
	if err := db.QueryRowForTest(ctx, `SELECT COUNT(*) FROM orders`, &n); err != nil || n != 0 {
		t.Errorf("orders stored: %d, %v", n, err)
	}
	// The counter did not advance either: the next order is 0001.
	o := newOrder(keep.ID, 100)
	if err := db.CreateOrder(ctx, o, p, "RC"); err != nil || o.Number[len(o.Number)-4:] != "0001" {
		t.Errorf("first good order: %q, %v", o.Number, err)
	}
}

func TestMergeMovesOrdersAndUndoMovesThemBack(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	p := sqlite.DefaultPipeline()
	keep := addContact(t, db, "Mario Rossi", "+39 333 111 2222")
	gone := addContact(t, db, "Rossi Mario", "+39 06 1234 5678")
	ko, goneOrder := newOrder(keep.ID, 1000), newOrder(gone.ID, 100000)
	for _, o := range []*orders.Order{ko, goneOrder} {
		if err := db.CreateOrder(ctx, o, p, "RC"); err != nil {
			t.Fatal(err)
		}
	}
	inv := issueInvoice(t, db, goneOrder, time.Now())
	id, err := db.MergeContacts(ctx, keep.ID, gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	sum, _ := db.MoneySummary(ctx, keep.ID)
	if len(sum) != 1 || sum[0].OpenOrders != 2 || sum[0].Debt != 122000 {
		t.Errorf("kept contact after the merge: %+v", sum)
	}
	if docs, _ := db.DocumentsOf(ctx, keep.ID, ""); len(docs) != 1 || docs[0].ID != inv.ID {
		t.Errorf("kept contact's documents: %+v", docs)
	}
	if err := db.UndoMerge(ctx, id); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id   string
		debt int64
	}{{keep.ID, 0}, {gone.ID, 122000}} {
		sum, _ := db.MoneySummary(ctx, c.id)
		if len(sum) != 1 || sum[0].OpenOrders != 1 || sum[0].Debt != c.debt {
			t.Errorf("%s after undo: %+v", c.id, sum)
		}
	}
}

// A change to a contact's money summary stores one card.updated for the
// contact in the same transaction; an order edit that leaves the summary as
// it was stores none.
func TestOrderChangesStoreCardEvents(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := contacts.WithActor(context.Background(), contacts.Actor{Kind: contacts.ActorUser, Name: "anna"})
	p := sqlite.DefaultPipeline()
	c := addContact(t, db, "Mario Rossi", "+39 333 111 2222")
	cardEvents := func() int {
		t.Helper()
		evs, err := db.EventsAfter(ctx, 0, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Type == sqlite.EventCardUpdated && e.ContactID == c.ID {
				n++
			}
		}
		return n
	}
	base := cardEvents()
	o := newOrder(c.ID, 100000)
	if err := db.CreateOrder(ctx, o, p, "RC"); err != nil {
		t.Fatal(err)
	}
	if n := cardEvents() - base; n != 1 {
		t.Errorf("events after a new order = %d, want 1", n)
	}
	o.Note = "only the note changes"
	if _, err := db.UpdateOrder(ctx, o, p); err != nil {
		t.Fatal(err)
	}
	if n := cardEvents() - base; n != 1 {
		t.Errorf("events after an edit that left the summary = %d, want 1", n)
	}
	inv := issueInvoice(t, db, o, time.Now())
	if err := db.RecordPayment(ctx, &orders.Payment{DocumentID: inv.ID, Amount: 1000, By: "anna"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MoveOrder(ctx, o.ID, "done", p); err != nil {
		t.Fatal(err)
	}
	if n := cardEvents() - base; n != 4 {
		t.Errorf("events after invoice, payment and stage move = %d, want 4", n)
	}
}

// The day's job touches, batch by batch, exactly the live clients owing on
// an invoice due before the day's start: not one paid up, not one due
// later, not a deleted one.
func TestTouchOverdueCardsInBatches(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	p := sqlite.DefaultPipeline()
	day := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	owing := func(name, number string, due time.Time) *contacts.Contact {
		c := addContact(t, db, name, number)
		o := newOrder(c.ID, 100000)
		o.DueDays = 0
		if err := db.CreateOrder(ctx, o, p, "RC"); err != nil {
			t.Fatal(err)
		}
		issueInvoice(t, db, o, due)
		return c
	}
	var want []string
	for i, n := range []string{"+39 333 000 0001", "+39 333 000 0002", "+39 333 000 0003"} {
		want = append(want, owing("Overdue "+n, n, day.Add(-time.Duration(i+1)*time.Hour)).ID)
	}
	owing("Due today", "+39 333 000 0004", day.Add(time.Hour))
	paid := owing("Paid up", "+39 333 000 0005", day.AddDate(0, 0, -3))
	inv, _ := db.DocumentsOf(ctx, paid.ID, "")
	if err := db.RecordPayment(ctx, &orders.Payment{DocumentID: inv[0].ID, Amount: inv[0].Gross, By: "anna"}); err != nil {
		t.Fatal(err)
	}
	deleted := owing("Deleted", "+39 333 000 0006", day.AddDate(0, 0, -3))
	if err := db.DeleteContact(ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}
	last, err := db.LastEventGID(ctx)
	if err != nil {
		t.Fatal(err)
	}

	n, err := db.TouchOverdueCards(ctx, day, 2) // two batches of 2 and 1
	if err != nil || n != 3 {
		t.Fatalf("TouchOverdueCards = %d, %v; want 3", n, err)
	}
	evs, err := db.EventsAfter(ctx, last, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		if e.Type != sqlite.EventCardUpdated {
			t.Errorf("event %s for %s, want only card.updated", e.Type, e.ContactID)
		}
		got = append(got, e.ContactID)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("card.updated for %q, want %q", got, want)
	}
}
