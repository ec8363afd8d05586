package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/contactstest"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/messaging"
)

// BenchmarkCallStartDuringGroupSend is the call path (store the call, build
// the card, counted as answering like the HTTP and websocket handlers do)
// at 25,000 contacts, idle and while a 20,000-recipient SMS group send
// runs flat out (the largest a send may be): caps lifted, the server serving on loopback, and the
// sending phone a real websocket client that receives each sms.send,
// acknowledges it and reports queued, sent and delivered over HTTP, as a
// phone does. The send must still be going when the measurement ends (the
// benchmark fails otherwise); sms-per-s and reports-per-s are what the
// phone got and reported while the calls were measured.
func BenchmarkCallStartDuringGroupSend(b *testing.B) {
	const n = 25_000
	for _, mode := range []string{"idle", "group-send"} {
		b.Run(mode, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			db, err := sqlite.Open(ctx, benchDB(b, n), contacts.Normalizer{DefaultRegion: "IT"})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			cfg := config.Default()
			cfg.Messages = config.Messages{SMSHours: "any", Tick: config.Duration(10 * time.Millisecond), SMSPerWindow: 1_000_000, SMSWindow: config.Duration(time.Minute), SMSDaily: 1_000_000}
			s, err := New(ctx, cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				b.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			served := make(chan struct{})
			go func() { defer close(served); _ = s.Serve(ctx, ln) }()
			defer func() { cancel(); <-served }()
			ph := benchPhone(b, ctx, s, "http://"+ln.Addr().String())
			var sendID string
			if mode == "group-send" {
				sendID = startBenchSend(b, ctx, s, ph.id, 20_000)
				deadline := time.Now().Add(time.Minute)
				for ph.sms.Load() == 0 { // the send is flowing before the first call
					if time.Now().After(deadline) {
						b.Fatal("the phone got no sms.send within a minute")
					}
					time.Sleep(time.Millisecond)
				}
			}
			d := &contacts.Device{ID: "bench", Name: "Bench", SIMs: []contacts.SIM{{Slot: 1, Label: "Work"}}}
			var lat latencies
			sms0, rep0 := ph.sms.Load(), ph.reports.Load()
			t0 := time.Now()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				num := contactstest.Number(i * 7919 % n)
				start := time.Now()
				s.answering.Add(1)
				_, err := s.startCall(ctx, d, callStart(num))
				s.answering.Add(-1)
				if err != nil {
					b.Fatal(err)
				}
				lat.add(time.Since(start))
			}
			b.StopTimer()
			elapsed := time.Since(t0).Seconds()
			lat.report(b)
			b.ReportMetric(float64(ph.sms.Load()-sms0)/elapsed, "sms-per-s")
			b.ReportMetric(float64(ph.reports.Load()-rep0)/elapsed, "reports-per-s")
			if mode == "group-send" {
				p, err := s.msg.Progress(ctx, sendID)
				if err != nil {
					b.Fatal(err)
				}
				if p.ByStatus[messages.StatusPlanned] == 0 {
					b.Fatalf("the group send had handed every message out before the measurement ended (%v): make it larger", p.ByStatus)
				}
			}
		})
	}
}

// benchPhoneConn is the sending phone: a real websocket client that acks
// every event and reports each sms.send queued, sent and delivered.
type benchPhoneConn struct {
	id           string
	sms, reports atomic.Int64
}

func benchPhone(b *testing.B, ctx context.Context, s *Server, url string) *benchPhoneConn {
	b.Helper()
	pc, err := CreatePairCode(ctx, s.db, "Giulia", url, time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	c := client.New(url, "")
	pr, err := c.Pair(ctx, protocol.PairRequest{Code: pc.Code, DeviceName: "bench", Platform: "android",
		SIMs: []protocol.SIM{{Slot: 1, Label: "Work"}, {Slot: 2, Label: "Work 2"}}})
	if err != nil {
		b.Fatal(err)
	}
	sock, err := c.Connect(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sock.Resume(0); err != nil {
		b.Fatal(err)
	}
	ph := &benchPhoneConn{id: pr.DeviceID}
	ids := make(chan string, 100_000)
	go func() { // the SIM: reports each message as it goes
		for id := range ids {
			for _, st := range []string{"queued", "sent", "delivered"} {
				if _, err := c.ReportMessage(ctx, id, protocol.MessageStatus{Status: st}); err != nil {
					return
				}
				ph.reports.Add(1)
			}
		}
	}()
	go func() { // the socket: takes each event and acks it
		defer close(ids)
		defer sock.Close()
		for ctx.Err() == nil {
			env, err := sock.Read(time.Minute)
			if err != nil {
				return
			}
			evs, err := client.Events(env)
			if err != nil {
				return
			}
			for _, ev := range evs {
				if ev.Type == protocol.TypeSMSSend {
					var p protocol.SMSSend
					if err := protocol.Decode(ev.Payload, &p); err != nil {
						return
					}
					ph.sms.Add(1)
					ids <- p.MessageID
				}
			}
			if len(evs) > 0 {
				if _, err := sock.Ack(evs[len(evs)-1].Seq); err != nil {
					return
				}
			}
		}
	}()
	return ph
}

func startBenchSend(b *testing.B, ctx context.Context, s *Server, deviceID string, recipients int) string {
	b.Helper()
	var ids []string
	_ = s.db.EachContact(ctx, func(c *contacts.Contact) error {
		if len(ids) < recipients {
			ids = append(ids, c.ID)
		}
		return nil
	})
	p, err := s.msg.Start(ctx, messaging.SendRequest{Channel: messages.SMS, ContactIDs: ids, Text: "Gentile {name}, il nuovo listino è pronto.",
		SIMs: []messages.SIMRef{{DeviceID: deviceID, Slot: 1}, {DeviceID: deviceID, Slot: 2}}}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return p.SendID
}
