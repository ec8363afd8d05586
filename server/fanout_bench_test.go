package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/push/fcmstub"
)

// pairMany pairs n phones (with FCM tokens when tokens is true).
func pairMany(b *testing.B, e *testEnv, n int, tokens bool) []*client.Client {
	b.Helper()
	ctx := context.Background()
	codes := make([]string, n)
	for i := range codes {
		pc, err := server.CreatePairCode(ctx, e.DB, "Phone", e.URL, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		codes[i] = pc.Code
	}
	if !tokens {
		fleet, err := client.PairFleet(ctx, e.URL, codes)
		if err != nil {
			b.Fatal(err)
		}
		return fleet.Clients
	}
	out := make([]*client.Client, n)
	for i, code := range codes {
		c := client.New(e.URL, "")
		if _, err := c.Pair(ctx, protocol.PairRequest{Code: code, DeviceName: "p", FCMToken: "tok-" + contacts.NewID()}); err != nil {
			b.Fatal(err)
		}
		out[i] = c
	}
	return out
}

// BenchmarkFanOut: one card change reaching 1,000 connected phones; the
// time from the change being stored until the last phone has the event.
func BenchmarkFanOut(b *testing.B) {
	const phones = 1000
	e := newEnv(b, true)
	clients := pairMany(b, e, phones, false)
	var got atomic.Int64
	var mu sync.Mutex
	var lastAt time.Time
	for _, c := range clients {
		s, err := c.Connect(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Resume(0); err != nil {
			b.Fatal(err)
		}
		go readNumbered(s.Conn(), func() {
			now := time.Now()
			mu.Lock()
			if now.After(lastAt) {
				lastAt = now
			}
			mu.Unlock()
			got.Add(1)
		})
	}
	waitForB(b, "sockets", func() bool { return e.Srv.Hub().Connected() == phones })
	ctx := context.Background()
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		want := int64(phones * (i + 1))
		start := time.Now()
		if _, err := e.DB.AddNote(ctx, &contacts.Note{ID: contacts.NewID(), ContactID: "demo-0001", Text: "fan-out", Author: "bench", At: start}); err != nil {
			b.Fatal(err)
		}
		waitForB(b, "every phone", func() bool { return got.Load() >= want })
		mu.Lock()
		lat = append(lat, lastAt.Sub(start))
		mu.Unlock()
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms-to-last-phone")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms-to-last-phone")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkCallPathWithFCMFallback: the card path's latency (POST /calls)
// while every call wakes 1,000 disconnected phones through FCM (a stand-in
// that answers after 20 ms, like a real round trip). Compare with
// fcm=off: the call path never waits for FCM.
func BenchmarkCallPathWithFCMFallback(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "fcm=off"
		if on {
			name = "fcm=on"
		}
		b.Run(name, func(b *testing.B) {
			stub := fcmstub.New()
			stub.SetDelay(20 * time.Millisecond)
			fcm := httptest.NewServer(stub)
			defer fcm.Close()
			var opts []envOpt
			if on {
				opts = append(opts, withFCM(fcm))
			}
			e := newEnv(b, true, opts...)
			pairMany(b, e, 1000, true) // never connected: with FCM on, each change wakes all of them
			caller := pairMany(b, e, 1, false)[0]
			ctx := context.Background()
			numbers, err := e.DB.SomeNumbers(ctx, 300)
			if err != nil {
				b.Fatal(err)
			}
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := caller.StartCall(ctx, callReq(numbers[i%len(numbers)], start)); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				time.Sleep(10 * time.Millisecond) // 100 calls/s: pacing, not waiting for a condition
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(len(stub.Messages())), "fcm-messages")
			b.ReportMetric(0, "ns/op")
		})
	}
}

func waitForB(b *testing.B, what string, cond func() bool) {
	b.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// BenchmarkChangeToOnePhone: the fixed cost of a change: a note stored
// (AddNote's write transaction) until the one connected phone has read the
// card.updated it causes. ns/op is that whole round, commit and render and
// socket write included, with nothing else going on.
func BenchmarkChangeToOnePhone(b *testing.B) {
	e := newEnv(b, true)
	c := pairMany(b, e, 1, false)[0]
	s, err := c.Connect(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Resume(0); err != nil {
		b.Fatal(err)
	}
	got := make(chan struct{}, 1024)
	go readNumbered(s.Conn(), func() { got <- struct{}{} })
	waitForB(b, "socket", func() bool { return e.Srv.Hub().Connected() == 1 })
	ctx := context.Background()
	cpu0 := processCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.DB.AddNote(ctx, &contacts.Note{ID: contacts.NewID(), ContactID: "demo-0001", Text: "fixed cost", Author: "bench", At: time.Now()}); err != nil {
			b.Fatal(err)
		}
		select {
		case <-got:
		case <-time.After(10 * time.Second):
			b.Fatal("the phone never got the change")
		}
	}
	b.StopTimer()
	// CPU time is steadier than wall time on a shared machine.
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/change")
}

// processCPU is this process's CPU time so far (user and system).
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// readNumbered reads every frame on ws, as a phone does, and calls
// numbered for each that carries a numbered event, until the socket ends.
func readNumbered(ws *websocket.Conn, numbered func()) {
	head := make([]byte, 48)
	for {
		_, r, err := ws.NextReader()
		if err != nil {
			return
		}
		n, _ := io.ReadFull(r, head)
		_, _ = io.Copy(io.Discard, r)
		if bytes.Contains(head[:n], []byte(`"seq":`)) {
			numbered()
		}
	}
}
