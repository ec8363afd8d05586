package main_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// TestLANServeIsHTTPSAndPinned runs the README's office set-up: `ringcard
// serve --addr 0.0.0.0:PORT` (beyond loopback, nothing configured) makes
// its own key, the pairing code carries an https URL and the key's pin,
// the simulated phone pairs from the QR code's link and calls over REST
// and wss, and plain HTTP to the port gets no data. A phone whose state
// holds another pin is refused.
func TestLANServeIsHTTPSAndPinned(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ringcard.db")
	_, port, _ := net.SplitHostPort(freeAddr(t))
	serve(t, db, "0.0.0.0:"+port, "--demo")

	for _, f := range []string{"ringcard.tls-key.pem", "ringcard.tls-cert.pem"} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v, mode %v; want a 0600 file next to the database", f, err, fi)
		}
	}
	// devices pair (another process, no --addr) puts the running server's
	// https URL and pin into the code, once the server has recorded them.
	var pc struct{ Code, URL, Pin string }
	deadline := time.Now().Add(20 * time.Second)
	for {
		if err := json.Unmarshal([]byte(run(t, "devices", "pair", "--db", db, "--name", "Marco", "--json")), &pc); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(pc.URL, "https%3A%2F%2F") || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	link, err := protocol.ParsePairLink(pc.URL)
	if err != nil {
		t.Fatalf("pairing link %s: %v", pc.URL, err)
	}
	if !strings.HasPrefix(link.Server, "https://") || !strings.HasSuffix(link.Server, ":"+port) || link.Pin == "" || link.Pin != pc.Pin {
		t.Fatalf("pairing link %s: want https://<lan address>:%s and the pin", pc.URL, port)
	}
	text := run(t, "devices", "pair", "--db", db, "--name", "Marco")
	if !strings.Contains(text, "Key pin: "+link.Pin) {
		t.Errorf("the code shown for typing does not show the pin %s:\n%s", link.Pin, text)
	}

	// The phone pairs from the link: the link's server is this machine's
	// LAN address (or 127.0.0.1 on a machine with none), reached locally.
	state := filepath.Join(dir, "phone.json")
	out := run(t, "simulate", "--state", state, "pair", pc.URL)
	if !strings.Contains(out, "Server key pinned: "+link.Pin) {
		t.Fatalf("simulate pair:\n%s", out)
	}
	var st struct{ Server, Pin string }
	b, _ := os.ReadFile(state)
	if err := json.Unmarshal(b, &st); err != nil || st.Pin != link.Pin || st.Server != link.Server {
		t.Fatalf("state file %s: want the server and the pin kept", b)
	}
	if out := run(t, "simulate", "--state", state, "call", "+390212345678"); !strings.Contains(out, `"card"`) {
		t.Fatalf("call over https:\n%s", out)
	}
	if out := run(t, "simulate", "--state", state, "call", "--ws", "+390212345678"); !strings.Contains(out, `"card"`) {
		t.Fatalf("call over wss:\n%s", out)
	}

	// Another pin (as if another machine answered at that address): refused
	// before the token is sent.
	var raw map[string]any
	_ = json.Unmarshal(b, &raw)
	raw["pin"] = "sha256/" + strings.Repeat("A", 43) + "="
	wrong := filepath.Join(dir, "wrong.json")
	wb, _ := json.Marshal(raw)
	if err := os.WriteFile(wrong, wb, 0o600); err != nil {
		t.Fatal(err)
	}
	bad, err := exec.Command(binary(t), "simulate", "--state", wrong, "lookup", "+390212345678").CombinedOutput()
	if err == nil || !strings.Contains(string(bad), "does not match the pinned key") {
		t.Fatalf("a wrong pin was not refused: %v\n%s", err, bad)
	}

	// Plain HTTP to the same port: no data, an error in the protocol's shape.
	conn, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(conn, "GET /api/v1/device HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), protocol.CodeHTTPSRequired) {
		t.Fatalf("plain HTTP to the TLS port: %d %s", resp.StatusCode, body)
	}
}

// TestLoopbackServeStaysPlain: the quick start's `ringcard serve` on
// loopback is plain HTTP, makes no key and its codes carry no pin.
func TestLoopbackServeStaysPlain(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ringcard.db")
	addr := freeAddr(t)
	p := serve(t, db, addr)
	resp, err := http.Get(p.url + "/healthz")
	if err != nil {
		t.Fatalf("plain GET on loopback: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	out := run(t, "devices", "pair", "--db", db, "--addr", addr, "--name", "Marco", "--json")
	if strings.Contains(out, "pin") || !strings.Contains(out, "http%3A%2F%2F127.0.0.1") {
		t.Errorf("loopback pairing code: %s; want http and no pin", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "ringcard.tls-key.pem")); err == nil {
		t.Errorf("a key was made for a loopback server")
	}
}

// TestProxyModeWarnsAtStart: plain HTTP behind a proxy only when said
// explicitly, with what the proxy needs, and a warning at start.
func TestProxyModeWarnsAtStart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ringcard.db")
	bad := exec.Command(binary(t), "config", "--db", db)
	bad.Env = append(os.Environ(), "RINGCARD_TLS_MODE=proxy")
	if out, err := bad.CombinedOutput(); err == nil || !strings.Contains(string(out), "public_url") {
		t.Fatalf("proxy mode without public_url accepted: %s", out)
	}
	cmd := exec.Command(binary(t), "serve", "--db", db, "--addr", freeAddr(t))
	cmd.Env = append(os.Environ(), "RINGCARD_TLS_MODE=proxy", "RINGCARD_PUBLIC_URL=https://crm.example.com", "RINGCARD_TRUSTED_PROXIES=127.0.0.1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	warned := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "serving plain HTTP because tls.mode is") {
				warned <- sc.Text()
				return
			}
		}
		close(warned)
	}()
	select {
	case line, ok := <-warned:
		if !ok || !strings.Contains(line, "level=WARN") {
			t.Fatalf("no start warning in proxy mode (got %q)", line)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no start warning in proxy mode within 20 s")
	}
}
