package server

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/contactstest"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// BenchmarkChangeAfterQuiet times the serial part of a phone's change, in
// process and step by step: the token checked as a write's is, the note
// stored, and the card.updated every phone then gets rendered. Each change
// comes after a quiet moment of quiet=… (0: back to back), as in the
// gotify comparison (100 ms apart), so the two show what the same code
// costs warm and after a pause. RINGCARD_BENCH_QUIET_SPIN=1 keeps this
// goroutine's CPU busy during the pause instead of sleeping, to tell the
// CPU's idle states from caches gone cold (BENCHMARKS.md, "Eighth pass").
func BenchmarkChangeAfterQuiet(b *testing.B) {
	afterQuiet(b, func(b *testing.B, s *Server, pause func()) {
		ctx := context.Background()
		code, token := contacts.NewID(), contacts.NewID()
		if err := s.db.AddPairCode(ctx, code, "Bench", time.Now().Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
		d := &contacts.Device{ID: contacts.NewID(), Name: "Bench", Platform: "simulator"}
		if err := s.db.Pair(ctx, code, sqlite.HashSecret(token), d); err != nil {
			b.Fatal(err)
		}
		card := sqlite.Event{Type: sqlite.EventCardUpdated, ContactID: "syn-0000001"}
		var tok, note, render latencies
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			pause()
			t0 := time.Now()
			dev, err := s.db.DeviceByTokenToWrite(ctx, sqlite.HashSecret(token))
			if err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if _, err := s.addNote(ctx, dev, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: card.ContactID, Text: "fan-out"}); err != nil {
				b.Fatal(err)
			}
			t2 := time.Now()
			r, err := s.renderEvent(ctx, card)
			if err != nil || r.Type != protocol.TypeCardUpdated {
				b.Fatalf("render: %v %v", r.Type, err)
			}
			t3 := time.Now()
			tok.add(t1.Sub(t0))
			note.add(t2.Sub(t1))
			render.add(t3.Sub(t2))
		}
		b.StopTimer()
		b.ReportMetric(tok.pct(0.5), "token-p50-µs")
		b.ReportMetric(note.pct(0.5), "note-p50-µs")
		b.ReportMetric(render.pct(0.5), "card-p50-µs")
		b.ReportMetric(0, "ns/op")
	})
}

// BenchmarkCallStartAfterQuiet is BenchmarkCallStart (a ringing phone's
// call stored and its card built) after a quiet moment: in an office, calls
// come minutes apart, so this is the call path as a phone meets it.
func BenchmarkCallStartAfterQuiet(b *testing.B) {
	afterQuiet(b, func(b *testing.B, s *Server, pause func()) {
		ctx := context.Background()
		d := &contacts.Device{ID: "bench", Name: "Bench", SIMs: []contacts.SIM{{Slot: 1, Label: "Work"}}}
		var lat latencies
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			pause()
			start := time.Now()
			if _, err := s.startCall(ctx, d, callStart(contactstest.Number(i*7919%25_000))); err != nil {
				b.Fatal(err)
			}
			lat.add(time.Since(start))
		}
		lat.report(b)
	})
}

// afterQuiet runs bench on a server with 25,000 contacts, once with
// changes back to back (quiet=0s) and once 100 ms apart: pause waits
// before each change, asleep, or with this goroutine's CPU kept busy when
// RINGCARD_BENCH_QUIET_SPIN=1.
func afterQuiet(b *testing.B, bench func(b *testing.B, s *Server, pause func())) {
	spin := os.Getenv("RINGCARD_BENCH_QUIET_SPIN") == "1"
	for _, quiet := range []time.Duration{0, 100 * time.Millisecond} {
		b.Run(fmt.Sprintf("quiet=%s", quiet), func(b *testing.B) {
			bench(b, benchServer(b, 25_000), func() {
				switch {
				case quiet == 0:
				case spin:
					for start := time.Now(); time.Since(start) < quiet; {
					}
				default:
					time.Sleep(quiet) // pacing, as the comparison's changes are (not a wait for a condition)
				}
			})
		})
	}
}
