package main_test

import (
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// TestTypedCodeFindsTheServer walks the README as a new user does with a
// server on another port than the quick start's 8080: `simulate pair
// --code` (no --server) pairs with the server and pin that `devices pair`
// printed, and `users add` points at the same URL, on loopback (plain) and
// on the LAN (https, pinned).
func TestTypedCodeFindsTheServer(t *testing.T) {
	for _, lan := range []bool{false, true} {
		dir := t.TempDir()
		db := filepath.Join(dir, "ringcard.db")
		host, port, _ := net.SplitHostPort(freeAddr(t))
		if lan {
			host = "0.0.0.0"
		}
		serve(t, db, net.JoinHostPort(host, port), "--demo")

		var pc struct{ Code, URL, Pin string }
		deadline := time.Now().Add(20 * time.Second)
		for { // the server records its URL once it listens
			if err := json.Unmarshal([]byte(run(t, "devices", "pair", "--db", db, "--name", "Giulia", "--json")), &pc); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(pc.URL, "%3A"+port) || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		link, err := protocol.ParsePairLink(pc.URL)
		if err != nil || !strings.HasSuffix(link.Server, ":"+port) || (link.Pin != "") != lan {
			t.Fatalf("lan=%v: pairing link %s (%v)", lan, pc.URL, err)
		}

		state := filepath.Join(dir, "phone.json")
		out := run(t, "simulate", "--db", db, "--state", state, "pair", "--code", pc.Code)
		if !strings.Contains(out, "Paired as device") || (lan && !strings.Contains(out, "Server key pinned: "+link.Pin)) {
			t.Fatalf("lan=%v: simulate pair --code without --server:\n%s", lan, out)
		}
		if out := run(t, "simulate", "--state", state, "call", "06 4281 1822"); !strings.Contains(out, "Silvia Santoro") {
			t.Fatalf("lan=%v: call after pairing:\n%s", lan, out)
		}
		out, ok := ringcardIn(t, "a long password\n", "users", "add", "admin", "--db", db, "--password-stdin")
		if !ok || !strings.Contains(out, "Sign in at "+link.Server+"/") {
			t.Fatalf("lan=%v: users add: want the server's own URL %s:\n%s", lan, link.Server, out)
		}
	}
}
