package main_test

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// `simulate listen` behaves like a phone: when the server dies (kill -9)
// it reconnects by itself and resumes after the last event it handled;
// when its phone is revoked it stops with a reason.
func TestListenReconnectsAndResumes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ringcard.db")
	addr := freeAddr(t)
	p := serve(t, db, addr, "--demo")
	pair := func(name, state string) string {
		var pc struct{ Code string }
		if err := json.Unmarshal([]byte(run(t, "devices", "pair", "--db", db, "--name", name, "--json")), &pc); err != nil {
			t.Fatal(err)
		}
		out := run(t, "simulate", "--state", state, "--server", p.url, "pair", "--code", pc.Code)
		m := regexp.MustCompile(`Paired as device (\S+);`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("simulate pair printed %q", out)
		}
		return m[1]
	}
	giulia, marco := filepath.Join(dir, "giulia.json"), filepath.Join(dir, "marco.json")
	giuliaID := pair("Giulia", giulia)
	pair("Marco", marco)

	listen := exec.Command(binary(t), "simulate", "--state", giulia, "listen", "--for", "60")
	stdout, _ := listen.StdoutPipe()
	var stderr strings.Builder
	var mu sync.Mutex
	listen.Stderr = writerFunc(func(b []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return stderr.Write(b) })
	if err := listen.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = listen.Process.Kill(); _, _ = listen.Process.Wait() })
	notes := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var env struct {
				Type    string          `json:"type"`
				Seq     int64           `json:"seq"`
				Payload json.RawMessage `json:"payload"`
			}
			if json.Unmarshal(sc.Bytes(), &env) == nil && env.Seq > 0 {
				notes <- string(env.Payload)
			}
		}
		close(notes)
	}()
	expect := func(text string) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case n, ok := <-notes:
				if !ok {
					mu.Lock()
					defer mu.Unlock()
					t.Fatalf("listen stopped before %q; it said:\n%s", text, stderr.String())
				}
				if strings.Contains(n, text) {
					return
				}
			case <-deadline:
				t.Fatalf("no event with %q", text)
			}
		}
	}
	run(t, "simulate", "--state", marco, "note", "--number", "06 4281 1822", "before the crash")
	expect("before the crash")

	// The server dies hard and comes back on the same address.
	_ = p.cmd.Process.Kill()
	_, _ = p.cmd.Process.Wait()
	p = serve(t, db, addr)
	run(t, "simulate", "--state", marco, "note", "--number", "06 4281 1822", "after the restart")
	expect("after the restart")
	mu.Lock()
	if !strings.Contains(stderr.String(), "reconnecting") {
		t.Errorf("listen did not say it reconnected:\n%s", stderr.String())
	}
	mu.Unlock()

	// Revoked: it stops, and says why.
	run(t, "devices", "revoke", "--db", db, giuliaID)
	done := make(chan error, 1)
	go func() { done <- listen.Wait() }()
	select {
	case err := <-done:
		mu.Lock()
		defer mu.Unlock()
		if err == nil || !strings.Contains(stderr.String(), "revoked") {
			t.Errorf("after revocation listen ended with %v; it said:\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Errorf("listen goes on after its phone was revoked")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
