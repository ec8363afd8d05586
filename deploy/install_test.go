//go:build unix

package deploy_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/ringcard/ringcard/deploy"
)

// TestInstallAsRoot runs the real install: it makes a system user, gives it
// a 0700 data directory and writes the unit; a second run changes nothing
// and tightens a loosened directory. It needs root (it adds and then
// deletes a throwaway user), so it skips otherwise.
func TestInstallAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: it creates a system user")
	}
	if _, err := exec.LookPath("useradd"); err != nil {
		t.Skip("no useradd here")
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "rctest" + hex.EncodeToString(b)
	t.Cleanup(func() { _ = exec.Command("userdel", name).Run() })
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil { // the user must reach its data directory
		t.Fatal(err)
	}
	u := deploy.Unit{User: name, DataDir: filepath.Join(dir, "data"), Addr: "0.0.0.0:8080", Binary: "/usr/local/bin/ringcard"}
	unit := filepath.Join(dir, "ringcard.service")
	var out bytes.Buffer
	if err := deploy.Install(u, unit, &out); err != nil {
		t.Fatalf("install: %v\n%s", err, out.String())
	}
	usr, err := user.Lookup(name)
	if err != nil {
		t.Fatalf("the user was not made: %v\n%s", err, out.String())
	}
	if usr.Uid == "0" {
		t.Fatal("the service user is root")
	}
	checkOwned := func() {
		t.Helper()
		st, err := os.Stat(u.DataDir)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 || strconv.Itoa(int(st.Sys().(*syscall.Stat_t).Uid)) != usr.Uid {
			t.Errorf("data dir: mode %04o uid %d, want 0700 owned by %s (%s)", st.Mode().Perm(), st.Sys().(*syscall.Stat_t).Uid, name, usr.Uid)
		}
	}
	checkOwned()
	want, _ := u.Render()
	if got, err := os.ReadFile(unit); err != nil || string(got) != want {
		t.Errorf("unit file = %q (%v), want the rendered unit", got, err)
	}
	if !bytes.Contains(out.Bytes(), []byte("systemctl enable --now ringcard.service")) {
		t.Errorf("install did not say what to run next:\n%s", out.String())
	}

	if err := os.Chmod(u.DataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := deploy.Install(u, unit, &out); err != nil {
		t.Fatalf("second install: %v\n%s", err, out.String())
	}
	if bytes.Contains(out.Bytes(), []byte("created system user")) {
		t.Errorf("second install made the user again:\n%s", out.String())
	}
	checkOwned()
}
