package main_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/contactstest"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
)

// benchServer starts `ringcard serve` (a separate process) on a copy of a
// database of `contactsN` synthetic contacts and makes `phones` pairing codes.
func benchServer(b *testing.B, contactsN, phones int) (*proc, []string) {
	b.Helper()
	src, err := contactstest.CachedDB(contactsN)
	if err != nil {
		b.Fatal(err)
	}
	db := filepath.Join(b.TempDir(), "ringcard.db")
	if err := contactstest.CopyDB(src, db); err != nil {
		b.Fatal(err)
	}
	p := serve(b, db, freeAddr(b))
	store, err := sqlite.Open(context.Background(), db, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	codes := make([]string, phones)
	for i := range codes {
		pc, err := server.CreatePairCode(context.Background(), store, fmt.Sprintf("Phone %d", i), p.url, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		codes[i] = pc.Code
	}
	return p, codes
}

// benchFleet starts a server on the 25,000-contact database and pairs and
// connects `phones` phones.
func benchFleet(b *testing.B, phones int) (*proc, *client.Fleet) {
	b.Helper()
	p, codes := benchServer(b, 25_000, phones)
	fleet, err := client.PairFleet(context.Background(), p.url, codes)
	if err != nil {
		b.Fatal(err)
	}
	if err := fleet.Connect(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(fleet.Close)
	return p, fleet
}

// BenchmarkEndToEnd: 1,000 phones connected to a real server process over
// loopback, 100 calls per second for 10 s; the latency of call.started ->
// card (websocket) and POST /calls -> card (REST). Every call also fans a
// card.updated out to all 1,000 phones.
func BenchmarkEndToEnd(b *testing.B) {
	phones, rate, dur := envInt("RINGCARD_BENCH_PHONES", 1000), envInt("RINGCARD_BENCH_RATE", 100), time.Duration(envInt("RINGCARD_BENCH_SECONDS", 10))*time.Second
	_, fleet := benchFleet(b, phones)
	for _, rest := range []bool{false, true} {
		name := "websocket"
		if rest {
			name = "REST"
		}
		b.Run(name, func(b *testing.B) {
			var res client.LoadResult
			for i := 0; i < b.N; i++ {
				res = fleet.Run(context.Background(), client.LoadConfig{Rate: float64(rate), Duration: dur, OverREST: rest,
					Number: func(i int) string { return "3" + contactstest.Number(i * 7919 % 25_000)[4:] }})
			}
			if res.Errors > 0 {
				b.Errorf("%d of %d calls failed", res.Errors, res.Calls)
			}
			b.ReportMetric(float64(res.P50.Microseconds()), "p50-µs")
			b.ReportMetric(float64(res.P99.Microseconds()), "p99-µs")
			b.ReportMetric(float64(res.Max.Microseconds()), "max-µs")
			b.ReportMetric(float64(res.Events)/dur.Seconds(), "events/s")
			b.ReportMetric(0, "ns/op")
			b.Logf("%d phones, %d calls/s over %s: %s", phones, rate, name, res)
		})
	}
}

// BenchmarkIdlePhoneMemory: the server's resident memory per idle connected
// phone, with 10,000 sockets open.
func BenchmarkIdlePhoneMemory(b *testing.B) {
	n := envInt("RINGCARD_BENCH_IDLE_PHONES", 10_000)
	for i := 0; i < b.N; i++ {
		p, codes := benchServer(b, 300, n)
		fleet, err := client.PairFleet(context.Background(), p.url, codes)
		if err != nil {
			b.Fatal(err)
		}
		before := rssKB(b, p.cmd.Process.Pid)
		if err := fleet.Connect(context.Background()); err != nil {
			b.Fatal(err)
		}
		time.Sleep(2 * time.Second) // let the sockets settle before reading RSS (a measurement pause, not a wait for a condition)
		after := rssKB(b, p.cmd.Process.Pid)
		b.ReportMetric(float64(after-before)*1024/float64(n), "bytes/phone")
		b.ReportMetric(float64(after)/1024, "rss-MiB")
		b.ReportMetric(0, "ns/op")
		b.Logf("server RSS %d KiB with %d idle phones (%d KiB before connecting)", after, n, before)
		fleet.Close()
	}
}

func rssKB(b *testing.B, pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return kb
		}
	}
	b.Fatal("no VmRSS")
	return 0
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
