package main_test

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A start that fails leaves no empty database or lock file behind and says
// why in words: a missing folder is named, a port in use is said, a
// country that does not exist is refused.
func TestFailedStartLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"missing folder", []string{"serve", "--db", filepath.Join(dir, "nope", "ringcard.db"), "--addr", "127.0.0.1:0"}, "folder " + filepath.Join(dir, "nope") + " does not exist"},
		{"port in use", []string{"serve", "--db", filepath.Join(dir, "ringcard.db"), "--addr", busy.Addr().String()}, "listen on " + busy.Addr().String()},
		{"unknown country", []string{"serve", "--db", filepath.Join(dir, "ringcard.db"), "--addr", "127.0.0.1:0", "--default-region", "XX"}, `default_region "XX": not a country`},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := exec.Command(binary(t), c.args...).CombinedOutput()
			if err == nil || !strings.Contains(string(out), c.want) {
				t.Fatalf("ringcard %s: %v, want an error saying %q:\n%s", strings.Join(c.args, " "), err, c.want, out)
			}
			if strings.Contains(string(out), "invalid_request:") {
				t.Errorf("the error starts with an API code:\n%s", out)
			}
			left, _ := os.ReadDir(dir)
			for _, f := range left {
				t.Errorf("left behind: %s", f.Name())
			}
		})
	}
}

// `users add` prints the address the running server recorded, not a
// hard-coded 127.0.0.1:8080.
func TestUsersAddPrintsTheRealURL(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ringcard.db")
	addr := freeAddr(t)
	p := serve(t, db, addr)
	if resp, err := http.Get(p.url + "/signin"); err == nil {
		resp.Body.Close()
	}
	cmd := exec.Command(binary(t), "users", "add", "marta", "--db", db, "--password-stdin")
	cmd.Stdin = strings.NewReader("a long enough password 1\n")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Sign in at http://"+addr+"/") {
		t.Fatalf("users add: %v, want Sign in at http://%s/:\n%s", err, addr, out)
	}
}
