package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
)

// BenchmarkFanOutVsGotify: one change fanned out to N phones, in one run
// against ringcard and against gotify/server (Gin and gorilla/websocket
// like ringcard, with no stored per-phone delivery): the time from sending
// the change until the last phone has read it. Both servers are separate
// processes running side by side; the phones of both are this process, one
// goroutine per socket reading every frame whole, and the two are measured
// in turn, change after change, so both see the same machine. The gotify
// message's frame carries as many bytes as ringcard's (a card.updated, or
// what the phones asked for in their resume).
//
// RINGCARD_BENCH_GOTIFY names the gotify binary (BENCHMARKS.md says how to
// build it); without it the benchmark is skipped. RINGCARD_BENCH_RESUME
// says how ringcard's phones resume (plain by default);
// RINGCARD_BENCH_PHONES runs one phone count instead of 200 and 1,000.
// Each change is sent RINGCARD_BENCH_GAP_MS (100 by default) after the
// previous one has reached every phone, on either server, so each is a lone
// change after a quiet moment, as the comparison means (ringcard may gather
// changes that come close together, as it does for batch phones); 0 sends
// them back to back. RINGCARD_BENCH_AGED_CHANGES=N makes N changes before
// measuring, as a server that has run for a while has seen (4,200 fill the
// ring of recent events).
func BenchmarkFanOutVsGotify(b *testing.B) {
	bin := os.Getenv("RINGCARD_BENCH_GOTIFY")
	if bin == "" {
		b.Skip("RINGCARD_BENCH_GOTIFY is not set: set it to a gotify/server binary to compare fan-out with gotify (BENCHMARKS.md says how to build one)")
	}
	if _, err := exec.LookPath(bin); err != nil {
		b.Fatalf("RINGCARD_BENCH_GOTIFY=%q: %v", bin, err)
	}
	resume := benchResume(b)
	gap := time.Duration(envInt("RINGCARD_BENCH_GAP_MS", 100)) * time.Millisecond
	if os.Getenv("RINGCARD_BENCH_GAP_MS") == "0" {
		gap = 0
	}
	if !resume.Resume {
		b.Fatal("RINGCARD_BENCH_RESUME=none: phones that never resume get no fan-out, so there is nothing to compare")
	}
	counts := []int{200, 1000}
	if n := envInt("RINGCARD_BENCH_PHONES", 0); n > 0 {
		counts = []int{n}
	}
	for _, phones := range counts {
		b.Run(fmt.Sprintf("phones=%d", phones), func(b *testing.B) {
			ctx := context.Background()
			p, codes, _ := benchServer(b, 25_000, phones+1, false)
			paired, err := client.PairFleet(ctx, p.url, codes)
			if err != nil {
				b.Fatal(err)
			}
			// One more phone, resumed as the others, sees what a phone
			// reads per change; it is open only for the first change.
			probe, err := paired.Clients[phones].Connect(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := probe.ResumeWith(protocol.Resume{Batch: resume.Batch, Compact: resume.Compact}); err != nil {
				b.Fatal(err)
			}
			fleet := &client.Fleet{Clients: paired.Clients[:phones]}
			if err := fleet.ConnectWith(ctx, resume); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(fleet.Close)
			writer := fleet.Clients[0]
			change := func() error {
				_, err := writer.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "syn-0000001", Text: "fan-out"})
				return err
			}
			// The first change (not measured) warms the connections.
			if _, err := lastArrival(ctx, change, fleet.WaitEvents, fleet.Events()+int64(phones)); err != nil {
				b.Fatal(err)
			}
			size := frameSize(b, probe)
			probe.Close()
			// RINGCARD_BENCH_AGED_CHANGES changes first (not measured): a
			// server that has run for a while, its ring of recent events
			// full (4,096 events), as an office's is after a few days.
			for range envInt("RINGCARD_BENCH_AGED_CHANGES", 0) {
				if _, err := lastArrival(ctx, change, fleet.WaitEvents, fleet.Events()+int64(phones)); err != nil {
					b.Fatal(err)
				}
			}

			g := startGotify(b, bin)
			gf := g.connect(b, phones)
			msg := g.message(size)

			// Messages first (not measured) until every client has one.
			if err := gf.ready(ctx, func() (int64, error) { return g.post(ctx, msg) }); err != nil {
				b.Fatal(err)
			}

			settle(b, p.cmd.Process.Pid, g.cmd.Process.Pid)
			var rc, gt []time.Duration
			rcCPU0, gtCPU0 := cpuTime(b, p.cmd.Process.Pid), cpuTime(b, g.cmd.Process.Pid)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ringcard := func() {
					time.Sleep(gap) // pacing: each change comes after a quiet moment (not a wait for a condition)
					d, err := lastArrival(ctx, change, fleet.WaitEvents, fleet.Events()+int64(phones))
					if err != nil {
						b.Fatalf("ringcard: %v", err)
					}
					rc = append(rc, d)
				}
				gotify := func() {
					time.Sleep(gap)
					d, err := lastArrival(ctx, func() error { _, err := g.post(ctx, msg); return err }, gf.WaitFrames, gf.Frames()+int64(phones))
					if err != nil {
						b.Fatalf("gotify: %v", err)
					}
					gt = append(gt, d)
				}
				if i%2 == 0 { // take turns going first
					ringcard()
					gotify()
				} else {
					gotify()
					ringcard()
				}
			}
			b.StopTimer()
			slices.Sort(rc)
			slices.Sort(gt)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(rc[len(rc)/2]), "ringcard-p50-ms")
			b.ReportMetric(ms(gt[len(gt)/2]), "gotify-p50-ms")
			b.ReportMetric(float64(rc[len(rc)/2])/float64(gt[len(gt)/2]), "p50-ratio")
			b.ReportMetric(ms(rc[len(rc)*9/10]), "ringcard-p90-ms")
			b.ReportMetric(ms(gt[len(gt)*9/10]), "gotify-p90-ms")
			// The CPU each server used during the changes, over their count:
			// less disturbed by other work on the machine than the
			// latencies, but it holds the server's other work in that time.
			b.ReportMetric(float64((cpuTime(b, p.cmd.Process.Pid)-rcCPU0).Microseconds())/float64(b.N), "ringcard-cpu-µs/change")
			b.ReportMetric(float64((cpuTime(b, g.cmd.Process.Pid)-gtCPU0).Microseconds())/float64(b.N), "gotify-cpu-µs/change")
			b.ReportMetric(0, "ns/op")
			b.Logf("%d phones (%+v), %s apart, frames of %d bytes: ringcard p50 %s max %s; gotify p50 %s max %s",
				phones, resume, gap, size, rc[len(rc)/2], rc[len(rc)-1], gt[len(gt)/2], gt[len(gt)-1])
		})
	}
}

// settle waits until the processes are idle (at most two clock ticks of
// CPU in 1.5 s, longer than ringcard's one-second background loop):
// ringcard's start-up work on a fresh database takes some CPU for a few
// seconds, which must count neither in a change's time nor in its CPU.
func settle(b *testing.B, pids ...int) {
	b.Helper()
	used := func() (t time.Duration) {
		for _, pid := range pids {
			t += cpuTime(b, pid)
		}
		return t
	}
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		before := used()
		time.Sleep(1500 * time.Millisecond)
		if used()-before <= 20*time.Millisecond {
			return
		}
	}
	b.Logf("the servers did not go idle in a minute; measuring anyway")
}

// lastArrival sends one change and waits until the phones have read
// `total` frames in all; it returns the time from sending to the last one.
func lastArrival(ctx context.Context, send func() error, wait func(context.Context, int64) (time.Time, error), total int64) (time.Duration, error) {
	start := time.Now()
	if err := send(); err != nil {
		return 0, err
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	last, err := wait(wctx, total)
	if err != nil {
		return 0, err
	}
	return last.Sub(start), nil
}

// frameSize returns the size of the first frame with a numbered event the
// phone s reads: the bytes each phone reads per change, which the gotify
// message is made as large as.
func frameSize(b *testing.B, s *client.Socket) int {
	b.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		data, err := s.ReadRaw(time.Until(deadline))
		if err != nil {
			b.Fatalf("probe phone: no numbered event: %v", err)
		}
		for _, typ := range []string{protocol.TypeCardUpdated, protocol.TypeCardChanged, protocol.TypeBatch} {
			if bytes.HasPrefix(data, []byte(`{"type":"`+typ+`"`)) && bytes.Contains(data, []byte(`"seq":`)) {
				return len(data)
			}
		}
	}
	b.Fatal("probe phone: no numbered event in 30 s")
	return 0
}

// gotifyServer is a running gotify/server process with one application.
type gotifyServer struct {
	cmd      *exec.Cmd
	url      string
	appToken string
	http     *http.Client
}

const gotifyAdminPass = "ringcard-bench"

// startGotify starts gotify (a separate process) on loopback with its
// SQLite database in a temp dir, in WAL mode with synchronous=NORMAL as
// ringcard's store is (gotify's default, a rollback journal with full
// sync, would make it slower), and creates an application to post with.
func startGotify(b *testing.B, bin string) *gotifyServer {
	b.Helper()
	dir := b.TempDir()
	addr := freeAddr(b)
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = []string{
		"HOME=" + dir, // no config file of the machine's is read
		"GOTIFY_SERVER_LISTENADDR=" + host,
		"GOTIFY_SERVER_PORT=" + port,
		"GOTIFY_DATABASE_DIALECT=sqlite3",
		"GOTIFY_DATABASE_CONNECTION=" + dir + "/gotify.db?_journal_mode=WAL&_synchronous=NORMAL",
		"GOTIFY_DEFAULTUSER_NAME=admin",
		"GOTIFY_DEFAULTUSER_PASS=" + gotifyAdminPass,
		"GOTIFY_PASSSTRENGTH=4", // the admin's basic auth creates the clients; bcrypt's cheapest cost
		"GOTIFY_UPLOADEDIMAGESDIR=" + dir + "/images",
		"GOTIFY_PLUGINSDIR=" + dir + "/plugins",
		"GOTIFY_LOGLEVEL=warn", // as ringcard runs here (RINGCARD_LOG_LEVEL=warn)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatalf("start gotify: %v", err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	waitListening(b, addr)
	g := &gotifyServer{cmd: cmd, url: "http://" + addr, http: &http.Client{Timeout: time.Minute}}
	var app struct{ Token string }
	g.admin(b, "/application", map[string]string{"name": "ringcard bench"}, &app)
	g.appToken = app.Token
	return g
}

// admin makes a request as gotify's admin user.
func (g *gotifyServer) admin(b *testing.B, path string, body, out any) {
	b.Helper()
	data, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, g.url+path, bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	req.SetBasicAuth("admin", gotifyAdminPass)
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.http.Do(req)
	if err != nil {
		b.Fatalf("gotify POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("gotify POST %s: %s: %s", path, resp.Status, reply)
	}
	if err := json.Unmarshal(reply, out); err != nil {
		b.Fatalf("gotify POST %s: %v: %s", path, err, reply)
	}
}

// gotifyMessage is a message to post, encoded.
type gotifyMessage []byte

// message is a message whose stream frame is about size bytes (gotify adds
// the id, application id and date around the text).
func (g *gotifyServer) message(size int) gotifyMessage {
	const overhead = len(`{"id":1000,"appid":1,"message":"","title":"ringcard bench","priority":0,"date":"2026-12-07T03:52:51.090724816Z"}` + "\n")
	text := strings.Repeat("x", max(1, size-overhead))
	data, _ := json.Marshal(map[string]any{"title": "ringcard bench", "message": text, "priority": 0})
	return data
}

// post sends a message as the application, as a sender does, and returns
// its id.
func (g *gotifyServer) post(ctx context.Context, msg gotifyMessage) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url+"/message", bytes.NewReader(msg))
	if err != nil {
		return 0, err
	}
	req.Header.Set("X-Gotify-Key", g.appToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("post gotify message: %w", err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("post gotify message: %s: %s", resp.Status, reply)
	}
	var m struct{ ID int64 }
	if err := json.Unmarshal(reply, &m); err != nil || m.ID == 0 {
		return 0, fmt.Errorf("post gotify message: no id in %q", reply)
	}
	return m.ID, nil
}

// connect creates n gotify clients (one token each, through the REST API)
// and opens their /stream websockets.
func (g *gotifyServer) connect(b *testing.B, n int) *frameFleet {
	b.Helper()
	f := &frameFleet{}
	b.Cleanup(f.Close)
	for i := range n {
		var c struct{ Token string }
		g.admin(b, "/client", map[string]string{"name": fmt.Sprintf("phone %d", i)}, &c)
		h := http.Header{}
		h.Set("X-Gotify-Key", c.Token)
		d := *websocket.DefaultDialer
		ws, _, err := d.Dial("ws"+strings.TrimPrefix(g.url, "http")+"/stream", h)
		if err != nil {
			b.Fatalf("gotify stream %d: %v", i, err)
		}
		f.conns = append(f.conns, ws)
	}
	f.last = make([]atomic.Int64, n)
	for i, ws := range f.conns {
		f.wg.Add(1)
		go f.read(ws, &f.last[i])
	}
	return f
}

// frameFleet is gotify's phones: one goroutine per socket reading every
// frame whole and counting the messages, as client.Fleet does for
// ringcard's phones.
type frameFleet struct {
	conns  []*websocket.Conn
	last   []atomic.Int64 // per socket, the id of the latest message read
	frames atomic.Int64
	lastAt atomic.Int64 // when the latest frame arrived (UnixNano)
	wg     sync.WaitGroup
}

func (f *frameFleet) read(ws *websocket.Conn, last *atomic.Int64) {
	defer f.wg.Done()
	head := make([]byte, 64)
	for {
		_, r, err := ws.NextReader()
		if err != nil {
			return
		}
		n, _ := io.ReadFull(r, head)
		if _, err := io.Copy(io.Discard, r); err != nil {
			return
		}
		id, ok := bytes.CutPrefix(head[:n], []byte(`{"id":`))
		if !ok {
			continue
		}
		if end := bytes.IndexByte(id, ','); end > 0 {
			v, _ := strconv.ParseInt(string(id[:end]), 10, 64)
			last.Store(v)
		}
		f.frames.Add(1)
		now := time.Now().UnixNano()
		for {
			old := f.lastAt.Load()
			if now <= old || f.lastAt.CompareAndSwap(old, now) {
				break
			}
		}
	}
}

// ready posts messages until every socket has read one, and returns once
// each has read the last one posted. gotify adds a stream to its clients
// after it has answered the upgrade, so a message posted just after the
// dial can miss a client (gotify keeps nothing to replay).
func (f *frameFleet) ready(ctx context.Context, post func() (int64, error)) error {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		id, err := post()
		if err != nil {
			return err
		}
		for wait := time.Now().Add(time.Second); time.Now().Before(wait); time.Sleep(time.Millisecond) {
			if f.allRead(id) {
				return nil
			}
		}
	}
	return fmt.Errorf("gotify: not every stream got a message in a minute")
}

// allRead says whether every socket has read message id.
func (f *frameFleet) allRead(id int64) bool {
	for i := range f.last {
		if f.last[i].Load() < id {
			return false
		}
	}
	return true
}

// Frames is how many messages the phones have read.
func (f *frameFleet) Frames() int64 { return f.frames.Load() }

// WaitFrames waits until the phones have read n messages in all and
// returns when the last of them arrived.
func (f *frameFleet) WaitFrames(ctx context.Context, n int64) (time.Time, error) {
	for f.frames.Load() < n {
		if err := ctx.Err(); err != nil {
			return time.Time{}, fmt.Errorf("%d of %d gotify messages arrived: %w", f.frames.Load(), n, err)
		}
		time.Sleep(50 * time.Microsecond)
	}
	return time.Unix(0, f.lastAt.Load()), nil
}

// Close closes every socket and waits for the readers.
func (f *frameFleet) Close() {
	for _, ws := range f.conns {
		_ = ws.Close()
	}
	f.wg.Wait()
}
