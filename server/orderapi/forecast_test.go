package orderapi_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/orders"
)

// TestForecastOf10000OrdersMatchesAPlainRecount stores 10,000 orders (open,
// won and lost, with invoices partly paid) and checks every figure of the
// forecast the office API serves against a plain recount of the generated
// data.
func TestForecastOf10000OrdersMatchesAPlainRecount(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.Local)
	e := newEnvAt(t, func() time.Time { return now })
	ctx := context.Background()
	staff := e.signIn("anna")
	weights := map[string]int{"new": 10, "quoted": 35, "ordered": 70, "paid": 95, "done": 100, "lost": 0}
	details := orders.DefaultOffice()
	details.Weights = weights
	if err := e.DB.SetOffice(ctx, details); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, name := range []string{"Алексей Кузнецов", "ஜெயந்தி சுந்தரம்", "Анна Смирнова", "Евгений Семёнов"} {
		ids = append(ids, e.contactID(name))
	}
	rng := rand.New(rand.NewPCG(14, 14))
	handlers := []string{"Anna", "Marco", "Giulia", "Luca"}
	stages := []string{"new", "quoted", "ordered", "paid", "done", "lost"}

	type want struct {
		orders, value, weighted int64
	}
	perStage := map[string]*want{}
	type person struct {
		won, lost, open   int
		revenue, weighted int64
	}
	perStaff := map[string]*person{}
	perMonth := map[string][2]int64{} // revenue, expected revenue
	var bands [4]int64
	var total, totalW int64
	a := &orders.Archive{}
	for i := 0; i < 10_000; i++ {
		st := stages[rng.IntN(len(stages))]
		h := handlers[rng.IntN(len(handlers))]
		created := now.AddDate(0, 0, -rng.IntN(300)-1)
		o := orders.Order{ID: fmt.Sprintf("o%05d", i), Number: fmt.Sprintf("RC-2026-%05d", i+1), ContactID: ids[i%len(ids)], Currency: "EUR",
			Handler: h, Stage: st, CreatedAt: created, UpdatedAt: created, DueDays: 30,
			Lines: []orders.Line{{Name: "item", Quantity: int64(rng.IntN(5000) + 1), UnitPrice: int64(rng.IntN(200000)), VATRate: 2200, CostPrice: 100}}}
		if rng.IntN(2) == 0 {
			o.Expected = now.AddDate(0, rng.IntN(8)-1, 0).Format(time.DateOnly)
		}
		net := o.Totals().Net
		p := perStaff[h]
		if p == nil {
			p = &person{}
			perStaff[h] = p
		}
		switch st {
		case "done", "lost":
			o.ClosedAt = created.AddDate(0, 0, rng.IntN(int(now.Sub(created).Hours()/24)))
			if st == "done" {
				p.won++
				p.revenue += net
				m := perMonth[o.ClosedAt.Format("2006-01")]
				m[0] += net
				perMonth[o.ClosedAt.Format("2006-01")] = m
			} else {
				p.lost++
			}
		default:
			w := perStage[st]
			if w == nil {
				w = &want{}
				perStage[st] = w
			}
			weighted := (net*int64(weights[st]) + 50) / 100 // half up: every net here is ≥ 0
			w.orders++
			w.value += net
			w.weighted += weighted
			total += net
			totalW += weighted
			p.open++
			p.weighted += weighted
			closeAt := created.AddDate(0, 1, 0)
			if o.Expected != "" {
				closeAt, _ = time.ParseInLocation(time.DateOnly, o.Expected, time.UTC)
			}
			m := perMonth[closeAt.Format("2006-01")]
			m[1] += weighted
			perMonth[closeAt.Format("2006-01")] = m
		}
		a.Orders = append(a.Orders, orders.ArchivedOrder{Order: o, Moves: []orders.Move{{To: st, By: h, At: created}}})
		if i%5 == 0 { // an invoice, maybe partly paid
			gross := o.Totals().Gross
			due := now.Add(-time.Duration(rng.IntN(150*24)) * time.Hour).Add(-time.Hour)
			paid := int64(0)
			if gross > 0 {
				paid = rng.Int64N(gross + 1)
			}
			d := orders.ArchivedDocument{Document: orders.Document{ID: "d" + o.ID, Number: o.Number + "/F1", Kind: orders.KindInvoice, OrderID: o.ID,
				ContactID: o.ContactID, Lang: "en", Currency: "EUR", Gross: gross, Paid: paid, IssuedAt: due.AddDate(0, 0, -30), DueAt: due, By: h, PDFSHA256: "-"},
				PDF: []byte("%PDF-"), XLSX: []byte("PK")}
			a.Documents = append(a.Documents, d)
			if paid > 0 {
				a.Payments = append(a.Payments, orders.Payment{ID: "p" + o.ID, DocumentID: d.ID, Amount: paid, At: due, By: h})
			}
			if owed := gross - paid; owed > 0 {
				days := int(now.Sub(due).Hours() / 24)
				b := 3
				switch {
				case days <= 30:
					b = 0
				case days <= 60:
					b = 1
				case days <= 90:
					b = 2
				}
				bands[b] += owed
			}
		}
	}
	if n, err := e.DB.ImportOrders(contacts.WithActor(ctx, contacts.Actor{Kind: contacts.ActorCLI, Name: "test"}), a, sqlite.DefaultPipeline()); err != nil || n != 10_000 {
		t.Fatalf("import: %d, %v", n, err)
	}

	var f orders.Forecast
	if code, er := staff.do("GET", "/api/v1/office/forecast?days=365", nil, &f); code != http.StatusOK {
		t.Fatalf("forecast: %d %+v", code, er)
	}
	if f.Value != total || f.Weighted != totalW {
		t.Errorf("pipeline = %d weighted %d, want %d weighted %d", f.Value, f.Weighted, total, totalW)
	}
	for _, s := range f.Stages {
		w := perStage[s.Stage]
		if w == nil {
			w = &want{}
		}
		if int64(s.Orders) != w.orders || s.Value != w.value || s.Weighted != w.weighted || s.Probability != weights[s.Stage] {
			t.Errorf("stage %s = %+v, want %+v", s.Stage, s, *w)
		}
	}
	for _, s := range f.Staff {
		p := perStaff[s.Name]
		if p == nil || s.Won != p.won || s.Lost != p.lost || s.Open != p.open || s.Revenue != p.revenue || s.Weighted != p.weighted {
			t.Errorf("staff %s = %+v, want %+v", s.Name, s, p)
		}
	}
	if len(f.Staff) != len(handlers) {
		t.Errorf("staff rows = %d, want %d", len(f.Staff), len(handlers))
	}
	for _, m := range f.Months {
		w := perMonth[m.Month]
		if m.Revenue != w[0] || m.ExpectedRev != w[1] {
			t.Errorf("month %s: revenue %d expected %d, want %d and %d", m.Month, m.Revenue, m.ExpectedRev, w[0], w[1])
		}
	}
	for i, b := range f.Debts {
		if b.Owed != bands[i] {
			t.Errorf("debts %s = %d, want %d", b.Band, b.Owed, bands[i])
		}
	}
}
