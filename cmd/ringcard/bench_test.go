package main_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/contactstest"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/tlsconf"
)

// benchServer starts `ringcard serve` (a separate process) on a copy of a
// database of `contactsN` synthetic contacts and makes `phones` pairing
// codes. With tlsOn the server serves HTTPS with its own key (as beyond
// loopback) and the returned options pin it, as the app does.
func benchServer(b *testing.B, contactsN, phones int, tlsOn bool) (*proc, []string, []client.Option) {
	b.Helper()
	src, err := contactstest.CachedDB(contactsN)
	if err != nil {
		b.Fatal(err)
	}
	db := filepath.Join(b.TempDir(), "ringcard.db")
	if err := contactstest.CopyDB(src, db); err != nil {
		b.Fatal(err)
	}
	var p *proc
	var opts []client.Option
	if tlsOn {
		p = serveEnv(b, db, freeAddr(b), []string{"RINGCARD_TLS_MODE=self-signed"})
		p.url = "https://" + strings.TrimPrefix(p.url, "http://")
		pin, err := tlsconf.KeyPin(tlsconf.PathsFor(db).Key)
		if err != nil {
			b.Fatal(err)
		}
		opts = append(opts, client.WithPin(pin))
	} else {
		p = serve(b, db, freeAddr(b))
	}
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
	return p, codes, opts
}

// benchFleet starts a server on the 25,000-contact database and pairs and
// connects `phones` phones, resumed as resume says.
func benchFleet(b *testing.B, phones int, tlsOn bool, resume client.FleetOptions) (*proc, *client.Fleet) {
	b.Helper()
	p, codes, opts := benchServer(b, 25_000, phones, tlsOn)
	fleet, err := client.PairFleet(context.Background(), p.url, codes, opts...)
	if err != nil {
		b.Fatal(err)
	}
	if err := fleet.ConnectWith(context.Background(), resume); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(fleet.Close)
	return p, fleet
}

// transports are the sub-benchmarks of the end-to-end and memory
// benchmarks: plain HTTP (loopback, as today) and HTTPS with ringcard's
// own pinned key (as on an office LAN).
var transports = []struct {
	name string
	tls  bool
}{{"plain", false}, {"tls", true}}

// benchResume reads RINGCARD_BENCH_RESUME: how the phones resume. "plain"
// (the default: today's frames), "batch", "compact", "batch,compact", or
// "none" (the phones never resume, so nothing is fanned out to them).
func benchResume(b *testing.B) client.FleetOptions {
	v := os.Getenv("RINGCARD_BENCH_RESUME")
	switch v {
	case "", "plain":
		return client.FleetOptions{Resume: true}
	case "none":
		return client.FleetOptions{}
	}
	o := client.FleetOptions{Resume: true}
	for _, f := range strings.Split(v, ",") {
		switch f {
		case "batch":
			o.Batch = true
		case "compact":
			o.Compact = true
		default:
			b.Fatalf("RINGCARD_BENCH_RESUME=%q: want plain, none, batch, compact or batch,compact", v)
		}
	}
	return o
}

// BenchmarkEndToEnd: 1,000 phones connected to a real server process over
// loopback, 100 calls per second for 10 s; the latency of call.started ->
// card (websocket) and POST /calls -> card (REST). Every call also fans a
// card.updated out to all 1,000 phones (RINGCARD_BENCH_RESUME: how they
// take it). Run over plain HTTP and over TLS. The phones are this process,
// the server another; every phone reads every frame whole.
func BenchmarkEndToEnd(b *testing.B) {
	phones, rate, dur := envInt("RINGCARD_BENCH_PHONES", 1000), envInt("RINGCARD_BENCH_RATE", 100), time.Duration(envInt("RINGCARD_BENCH_SECONDS", 10))*time.Second
	resume := benchResume(b)
	for _, tr := range transports {
		b.Run(tr.name, func(b *testing.B) {
			p, fleet := benchFleet(b, phones, tr.tls, resume)
			// The server's start-up work on the fresh copy of the database
			// (merging its search indexes takes seconds of CPU) must not
			// land in the first sub-benchmark's calls.
			settle(b, p.cmd.Process.Pid)
			// What the machine itself takes, measured while the server is
			// idle: a p99 below its stalls cannot be had on it.
			st := measureStalls(2 * time.Second)
			for _, rest := range []bool{false, true} {
				name := "websocket"
				if rest {
					name = "REST"
				}
				b.Run(name, func(b *testing.B) {
					var res client.LoadResult
					srv0, gen0 := cpuTime(b, p.cmd.Process.Pid), selfCPU()
					for i := 0; i < b.N; i++ {
						res = fleet.Run(context.Background(), client.LoadConfig{Rate: float64(rate), Duration: dur, OverREST: rest,
							Number: func(i int) string { return "3" + contactstest.Number(i * 7919 % 25_000)[4:] }})
					}
					if res.Errors > 0 {
						b.Errorf("%d of %d calls failed", res.Errors, res.Calls)
					}
					if !resume.Resume && res.Events > 0 { // the no-fan-out row must be one
						b.Errorf("phones that never resumed got %d numbered events", res.Events)
					}
					b.ReportMetric(float64(res.P50.Microseconds()), "p50-µs")
					b.ReportMetric(float64(res.P99.Microseconds()), "p99-µs")
					b.ReportMetric(float64(res.Max.Microseconds()), "max-µs")
					b.ReportMetric(float64(res.Events)/dur.Seconds(), "events/s")
					// CPU used per call, by the server and by the phones: less
					// disturbed by other work on the machine than the latencies.
					if res.Calls > 0 {
						b.ReportMetric(float64((cpuTime(b, p.cmd.Process.Pid)-srv0).Microseconds())/float64(res.Calls), "server-cpu-µs/call")
						b.ReportMetric(float64((selfCPU()-gen0).Microseconds())/float64(res.Calls), "phones-cpu-µs/call")
					}
					st.report(b)
					b.ReportMetric(0, "ns/op")
					b.Logf("%d phones (%+v), %d calls/s over %s (%s): %s; %s", phones, resume, rate, name, tr.name, res, st)
				})
			}
		})
	}
}

// BenchmarkFanOutToLastPhone: one change (a note added over REST) reaching
// N phones connected to a real server process over plain HTTP; the time
// from sending the change until the last phone has read its event (the
// phones are this process and read every frame whole). One change at a
// time, as the gotify comparison measures a message to N clients.
func BenchmarkFanOutToLastPhone(b *testing.B) {
	resume := benchResume(b)
	for _, phones := range []int{200, 1000} {
		b.Run(fmt.Sprintf("phones=%d", phones), func(b *testing.B) {
			p, fleet := benchFleet(b, phones, false, resume)
			settle(b, p.cmd.Process.Pid) // as BenchmarkEndToEnd
			st := measureStalls(2 * time.Second)
			ctx := context.Background()
			writer := fleet.Clients[0]
			base := fleet.Events()
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := writer.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "syn-0000001", Text: "fan-out"}); err != nil {
					b.Fatal(err)
				}
				wctx, cancel := context.WithTimeout(ctx, time.Minute)
				last, err := fleet.WaitEvents(wctx, base+int64(phones*(i+1)))
				cancel()
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, last.Sub(start))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms-to-last-phone")
			b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds())/1000, "p90-ms-to-last-phone")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms-to-last-phone")
			st.report(b)
			b.ReportMetric(0, "ns/op")
		})
	}
}

// cpuTime is the CPU time (user and system) a process has used.
func cpuTime(b *testing.B, pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command (which is in parentheses): utime and stime
	// are the 12th and 13th, in clock ticks (100 a second on Linux).
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// selfCPU is the CPU time this process (the phones) has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIdlePhoneMemory: the server's resident memory per idle connected
// phone, with 10,000 sockets open, over plain HTTP and over TLS.
func BenchmarkIdlePhoneMemory(b *testing.B) {
	n := envInt("RINGCARD_BENCH_IDLE_PHONES", 10_000)
	for _, tr := range transports {
		b.Run(tr.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p, codes, opts := benchServer(b, 300, n, tr.tls)
				fleet, err := client.PairFleet(context.Background(), p.url, codes, opts...)
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
				b.Logf("%s: server RSS %d KiB with %d idle phones (%d KiB before connecting)", tr.name, after, n, before)
				fleet.Close()
			}
		})
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
