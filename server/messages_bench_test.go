package server

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/contactstest"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/messaging"
)

// copyDB copies a cached benchmark database so a benchmark may write to it.
func copyDB(b *testing.B, src string) string {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "ringcard.db")
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(src + suffix)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(dst+suffix, data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return dst
}

// BenchmarkCallStartDuringGroupSend is the call path (store the call, build
// the card) at 25,000 contacts, idle and while a 2,000-recipient group send
// runs flat out (caps lifted so the dispatcher writes continuously, and
// every message's queued, sent and delivered reports written as they would
// come from the phones).
func BenchmarkCallStartDuringGroupSend(b *testing.B) {
	const n = 25_000
	for _, mode := range []string{"idle", "group-send"} {
		b.Run(mode, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			db, err := sqlite.Open(ctx, copyDB(b, benchDB(b, n)), contacts.Normalizer{DefaultRegion: "IT"})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			cfg := DefaultConfig()
			cfg.Messages = MessagesConfig{SMSHours: "any", Tick: Duration(10 * time.Millisecond), SMSPerWindow: 1_000_000, SMSWindow: Duration(time.Minute), SMSDaily: 1_000_000}
			s, err := New(ctx, cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				b.Fatal(err)
			}
			go s.hub.Run(ctx)
			done := make(chan struct{})
			if mode == "group-send" {
				sendID := startBenchSend(b, ctx, s)
				go s.msg.Run(ctx)
				go reportLoop(ctx, db, sendID, done)
			} else {
				close(done)
			}
			d := &contacts.Device{ID: "bench", Name: "Bench", SIMs: []contacts.SIM{{Slot: 1, Label: "Work"}}}
			var lat latencies
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				num := contactstest.Number(i * 7919 % n)
				start := time.Now()
				if _, err := s.startCall(ctx, d, callStart(num)); err != nil {
					b.Fatal(err)
				}
				lat.add(time.Since(start))
			}
			b.StopTimer()
			lat.report(b)
			cancel()
			<-done
		})
	}
}

func startBenchSend(b *testing.B, ctx context.Context, s *Server) string {
	b.Helper()
	pc, err := CreatePairCode(ctx, s.db, "Giulia", "http://127.0.0.1", time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	dev := &contacts.Device{DeviceName: "bench", Platform: "android", SIMs: []contacts.SIM{{Slot: 1, Label: "Work"}, {Slot: 2, Label: "Work 2"}}}
	if err := s.db.Pair(ctx, normalizeCode(pc.Code), sqlite.HashSecret("bench-token"), dev); err != nil {
		b.Fatal(err)
	}
	var ids []string
	_ = s.db.EachContact(ctx, func(c *contacts.Contact) error {
		if len(ids) < 2000 {
			ids = append(ids, c.ID)
		}
		return nil
	})
	p, err := s.msg.Start(ctx, messaging.SendRequest{Channel: messages.SMS, ContactIDs: ids, Text: "Gentile {name}, il nuovo listino è pronto.",
		SIMs: []messages.SIMRef{{DeviceID: dev.ID, Slot: 1}, {DeviceID: dev.ID, Slot: 2}}}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return p.SendID
}

// reportLoop plays the phones: every dispatched message is reported
// queued, sent and delivered.
func reportLoop(ctx context.Context, db *sqlite.DB, sendID string, done chan struct{}) {
	defer close(done)
	for ctx.Err() == nil {
		ms, err := db.SendMessages(ctx, sendID)
		if err != nil {
			return
		}
		for _, m := range ms {
			if m.Status != messages.StatusDispatched {
				continue
			}
			for _, st := range []string{"queued", "sent", "delivered"} {
				if _, err := db.ReportMessage(ctx, m.DeviceID, m.ID, st, ""); err != nil {
					return
				}
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
}
