package server

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/contactstest"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/config"
)

// benchDB is a copy, this benchmark's own, of the database of n synthetic
// contacts: what one run writes (calls, notes, events) is never seen by
// the next, so every run starts from the same store.
func benchDB(b *testing.B, n int) string {
	b.Helper()
	src, err := contactstest.CachedDB(n)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "ringcard.db")
	if err := contactstest.CopyDB(src, path); err != nil {
		b.Fatal(err)
	}
	return path
}

func benchServer(b *testing.B, n int) *Server {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, benchDB(b, n), contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	cfg := config.Default()
	s, err := New(ctx, cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// latencies collects per-operation durations and reports p50/p99.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B) {
	p := l.pcts(0.50, 0.99)
	if p == nil {
		return
	}
	b.ReportMetric(p[0], "p50-µs")
	b.ReportMetric(p[1], "p99-µs")
	b.ReportMetric(0, "ns/op")
}

// pct is the p-th fraction's duration in µs (0 when none was added).
func (l *latencies) pct(p float64) float64 {
	if v := l.pcts(p); v != nil {
		return v[0]
	}
	return 0
}

// pcts sorts what was added once and returns each fraction's duration in
// µs (nil when none was added).
func (l *latencies) pcts(ps ...float64) []float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return nil
	}
	sort.Slice(l.d, func(i, j int) bool { return l.d[i] < l.d[j] })
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = float64(l.d[min(len(l.d)-1, int(p*float64(len(l.d))))].Microseconds())
	}
	return out
}

// BenchmarkCardLookup is the in-process card path for a number as a phone
// sends it (national form): normalize, find the contact, read its history
// and last call, build the card and encode it.
func BenchmarkCardLookup(b *testing.B) {
	for _, n := range []int{300, 25_000, 250_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			s := benchServer(b, n)
			ctx := context.Background()
			var lat latencies
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				raw := "3" + contactstest.Number(i * 7919 % n)[4:] // national form: "3xxxxxxxxx"
				start := time.Now()
				p, err := s.norm.Parse(raw, "")
				if err != nil {
					b.Fatal(err)
				}
				card, err := s.cardFor(ctx, &p, nil, nil)
				if err != nil || !card.Known {
					b.Fatalf("lookup %s: known %v err %v", raw, card.Known, err)
				}
				_ = protocol.MustMarshal(wireCard(card))
				lat.add(time.Since(start))
			}
			lat.report(b)
		})
	}
}

// BenchmarkCallStart is the whole call path in process: the call is stored
// (one write transaction) and the card built.
func BenchmarkCallStart(b *testing.B) {
	for _, n := range []int{300, 25_000, 250_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			s := benchServer(b, n)
			ctx := context.Background()
			d := &contacts.Device{ID: "bench", Name: "Bench", SIMs: []contacts.SIM{{Slot: 1, Label: "Work"}}}
			var lat latencies
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				num := contactstest.Number(i * 7919 % n)
				start := time.Now()
				_, err := s.startCall(ctx, d, callStart(num))
				if err != nil {
					b.Fatal(err)
				}
				lat.add(time.Since(start))
			}
			lat.report(b)
		})
	}
}
