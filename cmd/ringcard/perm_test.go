//go:build unix

package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeFilesArePrivate: started from a shell whose umask lets everyone
// read (umask 000), a fresh `ringcard serve` and a `ringcard backup` beside
// it still make every data file 0600 and the backups directory 0700: the
// database, its WAL and SHM, the serve lock and the backup.
func TestServeFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ringcard.db")
	addr := freeAddr(t)
	loose := func(args ...string) *exec.Cmd {
		cmd := exec.Command("sh", append([]string{"-c", `umask 000; exec "$0" "$@"`, binary(t)}, args...)...)
		cmd.Env = append(os.Environ(), "RINGCARD_LOG_LEVEL=warn")
		return cmd
	}
	srv := loose("serve", "--db", db, "--addr", addr, "--demo")
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _, _ = srv.Process.Wait() })
	waitListening(t, addr)

	out, err := loose("backup", "--db", db).CombinedOutput()
	if err != nil {
		t.Fatalf("ringcard backup: %v\n%s", err, out)
	}
	backup, _, ok := strings.Cut(strings.TrimPrefix(string(out), "backup written and verified: "), " (")
	if !ok || !strings.HasSuffix(backup, ".db") {
		t.Fatalf("backup printed %q, want the file it wrote", out)
	}
	// The server is running: its WAL and SHM exist now.
	for _, p := range []string{db, db + "-wal", db + "-shm", db + ".lock", backup} {
		assertMode(t, p, 0o600)
	}
	assertMode(t, filepath.Dir(backup), 0o700)
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s: mode %04o, want %04o", path, got, want)
	}
}

// TestServeTightensOldBackups: a backups directory and backups left
// readable by every local user (an older version, a copy by hand) are made
// private when the server starts, not only at the next daily backup.
func TestServeTightensOldBackups(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ringcard.db")
	backups := filepath.Join(dir, "backups")
	old := filepath.Join(backups, "ringcard-20250101-030000.db")
	if err := os.Mkdir(backups, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("an old backup"), 0o644); err != nil {
		t.Fatal(err)
	}
	for p, m := range map[string]os.FileMode{backups: 0o755, old: 0o644} {
		if err := os.Chmod(p, m); err != nil { // whatever the test's umask
			t.Fatal(err)
		}
	}
	serve(t, db, freeAddr(t))
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, errD := os.Stat(backups)
		f, errF := os.Stat(old)
		if errD == nil && errF == nil && d.Mode().Perm() == 0o700 && f.Mode().Perm() == 0o600 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("backups not made private at start: dir %v (%v), %s %v (%v)", d.Mode(), errD, old, f.Mode(), errF)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
