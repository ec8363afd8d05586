package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/contactstest"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/orders"
	"github.com/ringcard/ringcard/server/config"
)

// benchOrdersServer is the 25,000-contact benchmark database copied, with
// 100,000 orders (four per client), an invoice on every fourth, and the
// default template showing the debt and open-orders fields.
func benchOrdersServer(b *testing.B) *Server {
	b.Helper()
	const n, perContact = 25_000, 4
	path := benchDB(b, n)
	ctx := contacts.WithActor(context.Background(), contacts.Actor{Kind: contacts.ActorCLI, Name: "bench"})
	db, err := sqlite.Open(ctx, path, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	now := time.Now()
	stages := []string{"new", "quoted", "ordered", "paid", "done", "lost"}
	for start := 0; start < n; start += 5000 {
		a := &orders.Archive{}
		for c := start; c < start+5000; c++ {
			for k := 0; k < perContact; k++ {
				i := c*perContact + k
				o := orders.Order{ID: fmt.Sprintf("o%07d", i), Number: fmt.Sprintf("RC-2026-%06d", i+1), ContactID: fmt.Sprintf("syn-%07d", c),
					Currency: "EUR", Handler: "Anna", Stage: stages[i%len(stages)], CreatedAt: now.AddDate(0, 0, -i%200), DueDays: 30,
					Lines: []orders.Line{{Name: "Espresso machine", Quantity: 1000, UnitPrice: int64(10000 + i%90000), VATRate: 2200, CostPrice: 5000}}}
				o.UpdatedAt = o.CreatedAt
				a.Orders = append(a.Orders, orders.ArchivedOrder{Order: o})
				if k == 0 {
					a.Documents = append(a.Documents, orders.ArchivedDocument{Document: orders.Document{ID: "d" + o.ID, Number: o.Number + "/F1",
						Kind: orders.KindInvoice, OrderID: o.ID, ContactID: o.ContactID, Lang: "en", Currency: "EUR", Gross: o.Totals().Gross,
						IssuedAt: o.CreatedAt, DueAt: o.CreatedAt.AddDate(0, 0, 30), By: "Anna"}, PDF: []byte("%PDF-"), XLSX: []byte("PK")})
				}
			}
		}
		if _, err := db.ImportOrders(ctx, a, sqlite.DefaultPipeline()); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Checkpoint(ctx); err != nil { // the import's WAL is copied back before measuring
		b.Fatal(err)
	}
	s, err := New(ctx, config.Default(), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	t := contacts.DefaultTemplates()
	t.Default.Fields = append(t.Default.Fields, contacts.FieldSpec{Key: contacts.FieldDebt, Label: "Owes"}, contacts.FieldSpec{Key: contacts.FieldOpenOrders, Label: "Orders"})
	t.Groups = nil
	if err := s.SetTemplates(ctx, t); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkCardLookupWithDebt is BenchmarkCardLookup at 25,000 contacts and
// 100,000 orders with the debt and open-orders fields on the card.
func BenchmarkCardLookupWithDebt(b *testing.B) {
	s := benchOrdersServer(b)
	ctx := context.Background()
	const n = 25_000
	var lat latencies
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		raw := "3" + contactstest.Number(i * 7919 % n)[4:]
		start := time.Now()
		p, err := s.norm.Parse(raw, "")
		if err != nil {
			b.Fatal(err)
		}
		card, err := s.cardFor(ctx, &p, nil, nil)
		if err != nil || !card.Known {
			b.Fatalf("lookup %s: known %v err %v", raw, card.Known, err)
		}
		if i == 0 && !strings.Contains(fmt.Sprint(card.Fields), "open order") {
			b.Fatalf("no orders field on the card: %+v", card.Fields)
		}
		_ = protocol.MustMarshal(wireCard(card))
		lat.add(time.Since(start))
	}
	lat.report(b)
}

// BenchmarkForecast is the forecast's figures (the page's and the JSON's
// work) at 100,000 orders.
func BenchmarkForecast(b *testing.B) {
	s := benchOrdersServer(b)
	ctx := context.Background()
	var lat latencies
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		f, err := s.orders.Forecast(ctx, "EUR", 365)
		if err != nil || f.Value == 0 {
			b.Fatalf("forecast: %v, value %d", err, f.Value)
		}
		lat.add(time.Since(start))
	}
	lat.report(b)
}

// BenchmarkOverdueDay is the midnight job (AgeOverdueCards) at 25,000
// clients and 100,000 orders: every client with an overdue invoice gets a
// card.updated and a new rev, 200 per background transaction. It reports
// the clients touched and how long each transaction holds the write
// connection on average (what a call's write may wait behind).
func BenchmarkOverdueDay(b *testing.B) {
	s := benchOrdersServer(b)
	ctx := context.Background()
	var clients int
	var took time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := s.db.SetSetting(ctx, overdueDayKey, "2000-01-01"); err != nil { // yesterday, as far as the job knows
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		n, err := s.AgeOverdueCards(ctx)
		if err != nil || n == 0 {
			b.Fatalf("overdue day: %d clients, %v", n, err)
		}
		took += time.Since(start)
		clients = n
	}
	b.ReportMetric(float64(clients), "clients")
	batches := (clients + 199) / 200
	b.ReportMetric(float64(took.Microseconds())/1000/float64(b.N*batches), "ms/batch")
}
