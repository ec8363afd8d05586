package main_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
)

// binary builds ringcard once for the tests in this file.
var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// TestMain removes the binary the tests built (about 90 MB a run, which
// used to stay in the temp dir).
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		if err := os.RemoveAll(binDir); err != nil {
			fmt.Fprintf(os.Stderr, "removing the test binary: %v\n", err)
		}
	}
	os.Exit(code)
}

func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ringcard-bin")
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		binPath = filepath.Join(dir, "ringcard")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is a running `ringcard serve`.
type proc struct {
	cmd *exec.Cmd
	url string
}

func serve(t testing.TB, db, addr string, args ...string) *proc {
	t.Helper()
	return serveEnv(t, db, addr, nil, args...)
}

// serveEnv is serve with extra environment variables (RINGCARD_TLS_MODE=...).
func serveEnv(t testing.TB, db, addr string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"serve", "--db", db, "--addr", addr}, args...)...)
	cmd.Env = append(append(os.Environ(), "RINGCARD_LOG_LEVEL=warn"), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, url: "http://" + addr}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	waitListening(t, addr)
	return p
}

// waitListening waits until a server accepts connections on addr.
func waitListening(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server did not start on %s", addr)
}

func run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(binary(t), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ringcard %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestKill9DuringNotes streams notes from four phones-worth of goroutines,
// kills the server with SIGKILL in the middle, restarts it and checks that
// every note the server acknowledged is stored.
func TestKill9DuringNotes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ringcard.db")
	addr := freeAddr(t)
	p := serve(t, db, addr, "--demo")

	var pc struct {
		Code      string `json:"code"`
		URL       string `json:"url"`
		ExpiresAt string `json:"expires_at"`
	}
	out := run(t, "devices", "pair", "--db", db, "--name", "Giulia", "--json")
	if err := json.Unmarshal([]byte(out), &pc); err != nil || pc.Code == "" || !strings.HasPrefix(pc.URL, "ringcard://pair?server=") {
		t.Fatalf("devices pair --json printed %q (%v)", out, err)
	}
	ph := client.New(p.url, "")
	if _, err := ph.Pair(context.Background(), protocol.PairRequest{Code: pc.Code, DeviceName: "Sales phone 1", Platform: "android"}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var acked []string
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				id := contacts.NewID()
				_, err := ph.AddNote(ctx, protocol.NoteAdd{NoteID: id, ContactID: "demo-0001", Text: fmt.Sprintf("worker %d note %d", w, i)})
				if err != nil {
					return // the server died
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		}(w)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = p.cmd.Process.Wait()
	wg.Wait()
	if len(acked) < 300 {
		t.Fatalf("only %d notes acknowledged before the kill", len(acked))
	}

	// Restart on the same file: it opens cleanly and has every acknowledged note.
	p2 := serve(t, db, addr)
	ph.BaseURL = p2.url
	if _, err := ph.Lookup(context.Background(), "+39 380 296 0981"); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	store, err := sqlite.Open(context.Background(), db, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	missing := 0
	for _, id := range acked {
		var n int
		if err := store.QueryRowForTest(context.Background(), "SELECT COUNT(*) FROM notes WHERE id = ?", &n, id); err != nil || n != 1 {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged notes are missing after kill -9", missing, len(acked))
	}
	var integrity string
	if err := store.QueryRowForTest(context.Background(), "PRAGMA integrity_check", &integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check = %q %v", integrity, err)
	}
	t.Logf("%d notes acknowledged before SIGKILL, all present after restart", len(acked))
}

func TestCLIDevicesAndConfig(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ringcard.db")
	out := run(t, "devices", "pair", "--db", db, "--name", "Marco")
	for _, want := range []string{"Pairing code for Marco:", "Expires at", "ringcard://pair?server=http%3A%2F%2F127.0.0.1%3A8080&code="} {
		if !strings.Contains(out, want) {
			t.Errorf("devices pair output lacks %q:\n%s", want, out)
		}
	}
	if out := run(t, "devices", "list", "--db", db); !strings.Contains(out, "No phones paired yet") {
		t.Errorf("devices list on a new database:\n%s", out)
	}
	cmd := exec.Command(binary(t), "config", "--db", db)
	cmd.Env = append(os.Environ(), "RINGCARD_DEFAULT_REGION=ru", "RINGCARD_PAIR_CODE_TTL=15m")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("config: %v %s", err, b)
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg["default_region"] != "RU" || cfg["pair_code_ttl"] != "15m0s" || cfg["db"] != db {
		t.Errorf("effective config = %v, want env and flags applied", cfg)
	}
	bad := exec.Command(binary(t), "config")
	bad.Env = append(os.Environ(), "RINGCARD_DEFAULT_REGION=Italy")
	if b, err := bad.CombinedOutput(); err == nil || !strings.Contains(string(b), "default_region") {
		t.Errorf("a bad region was accepted: %s", b)
	}
	var ee *exec.ExitError
	if err := exec.Command(binary(t), "devices", "revoke", "--db", db, "nope").Run(); !errors.As(err, &ee) {
		t.Errorf("revoking an unknown device succeeded")
	}
}

// TestCLIDialSIMAndHealth drives a running server from the CLI, as an admin
// would: set a SIM policy, list the phones' health, ask a phone to dial.
func TestCLIDialSIMAndHealth(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ringcard.db")
	addr := freeAddr(t)
	p := serve(t, db, addr, "--demo")
	var pc struct{ Code string }
	if err := json.Unmarshal([]byte(run(t, "devices", "pair", "--db", db, "--name", "Luca", "--json")), &pc); err != nil {
		t.Fatal(err)
	}
	ph := client.New(p.url, "")
	resp, err := ph.Pair(context.Background(), protocol.PairRequest{Code: pc.Code, DeviceName: "Luca's phone", Platform: "android",
		SIMs: []protocol.SIM{{Slot: 1, Label: "Sales"}, {Slot: 2, Label: "Personal"}}})
	if err != nil {
		t.Fatal(err)
	}
	out := run(t, "devices", "sim", "--db", db, resp.DeviceID[:8], "2", "--policy", "private")
	if !strings.Contains(out, "2:Personal") {
		t.Errorf("devices sim printed %q", out)
	}
	s, err := ph.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Resume(0); err != nil {
		t.Fatal(err)
	}
	if env, err := s.Read(5 * time.Second); err != nil || env.Type != "ok" {
		t.Fatalf("resume: %+v %v", env, err)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(run(t, "devices", "list", "--db", db, "--json")), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("devices list --json: %v %v", rows, err)
	}
	if rows[0]["connected"] != true || rows[0]["channel"] != "websocket" {
		t.Errorf("devices list shows %v, want connected over websocket", rows[0])
	}
	run(t, "devices", "dial", "--db", db, resp.DeviceID, "+39 06 4281 1822", "--sim", "1")
	env, err := s.Read(10 * time.Second)
	var d protocol.Dial
	if err != nil || env.Type != "dial" || json.Unmarshal(env.Payload, &d) != nil || d.Number != "+390642811822" || d.SIMSlot != 1 || env.Seq == 0 {
		t.Fatalf("after `devices dial` the phone got %+v %v, want a numbered dial event", env, err)
	}
}

// TestKill9ThenResume: a phone keeps track of the last seq it handled; the
// server is killed with SIGKILL while events are being made; after restart
// the phone resumes and gets every later event once, in order.
func TestKill9ThenResume(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ringcard.db")
	addr := freeAddr(t)
	p := serve(t, db, addr, "--demo")
	pairCLI := func(name string) *client.Client {
		var pc struct{ Code string }
		if err := json.Unmarshal([]byte(run(t, "devices", "pair", "--db", db, "--name", name, "--json")), &pc); err != nil {
			t.Fatal(err)
		}
		c := client.New(p.url, "")
		if _, err := c.Pair(context.Background(), protocol.PairRequest{Code: pc.Code, DeviceName: name, Platform: "android"}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	listener, writer := pairCLI("Giulia"), pairCLI("Marco")
	s, err := listener.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resume(0); err != nil {
		t.Fatal(err)
	}
	var last int64
	var acked atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			if _, err := writer.AddNote(context.Background(), protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", Text: fmt.Sprintf("n%d", i)}); err != nil {
				return // the server died
			}
			acked.Add(1)
		}
	}()
	for last < 20 { // the phone has handled some events...
		env, err := s.Read(10 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if env.Seq > 0 {
			if env.Seq != last+1 {
				t.Fatalf("seq %d after %d", env.Seq, last)
			}
			last = env.Seq
		}
	}
	// ...and stops reading while the notes go on; then the server dies.
	deadline := time.Now().Add(30 * time.Second)
	for acked.Load() < 200 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = p.cmd.Process.Wait()
	<-done
	s.Close()

	p2 := serve(t, db, addr)
	listener.BaseURL = p2.url
	s2, err := listener.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Resume(last); err != nil {
		t.Fatal(err)
	}
	// Every note acknowledged before the kill made one event; the phone
	// gets those after `last`, contiguous, none twice.
	want := acked.Load()
	for last < want {
		env, err := s2.Read(10 * time.Second)
		if err != nil {
			t.Fatalf("resumed stream stopped at seq %d of at least %d: %v", last, want, err)
		}
		if env.Seq == 0 {
			continue
		}
		if env.Seq != last+1 || env.Type != "card.updated" {
			t.Fatalf("after restart: %s seq %d after %d, want card.updated %d", env.Type, env.Seq, last, last+1)
		}
		last = env.Seq
	}
	t.Logf("%d notes acknowledged before SIGKILL; the phone resumed after seq 20 and got events up to seq %d", want, last)
}

// TestCLIPairAsksSIMPolicies pairs a phone with SIM policies chosen on the
// command line; a SIM left unchosen follows its name.
func TestCLIPairAsksSIMPolicies(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ringcard.db")
	addr := freeAddr(t)
	p := serve(t, db, addr, "--demo")
	if b, err := exec.Command(binary(t), "devices", "pair", "--db", db, "--name", "Luca", "--sim", "1=maybe").CombinedOutput(); err == nil || !strings.Contains(string(b), "work, private or ignore") {
		t.Errorf("a bad --sim was accepted: %s", b)
	}
	var pc struct{ Code string }
	if err := json.Unmarshal([]byte(run(t, "devices", "pair", "--db", db, "--name", "Luca", "--sim", "1=ignore", "--sim", "3=private", "--json")), &pc); err != nil {
		t.Fatal(err)
	}
	ph := client.New(p.url, "")
	if _, err := ph.Pair(context.Background(), protocol.PairRequest{Code: pc.Code, DeviceName: "Luca's phone", Platform: "android",
		SIMs: []protocol.SIM{{Slot: 1, Label: "Sales"}, {Slot: 2, Label: "Личная"}, {Slot: 3, Label: "Office"}}}); err != nil {
		t.Fatal(err)
	}
	out := run(t, "devices", "list", "--db", db)
	for _, want := range []string{"1:Sales (ignore)", "2:Личная (private)", "3:Office (private)"} {
		if !strings.Contains(out, want) {
			t.Errorf("devices list lacks %q:\n%s", want, out)
		}
	}
}
