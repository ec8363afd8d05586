//go:build unix

package sqlite_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenMakesFilesPrivate: a database, WAL and SHM left readable by
// everyone (an older ringcard, a copy made with a loose umask) are made
// 0600 when the store opens them, each with a warning naming the file and
// its old mode; a backup directory made looser is tightened too.
func TestOpenMakesFilesPrivate(t *testing.T) {
	old := syscall.Umask(0o022) // what a shell usually has; the binary sets 077 itself
	defer syscall.Umask(old)
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	defer slog.SetDefault(prev)

	dir := t.TempDir()
	path := filepath.Join(dir, "ringcard.db")
	db := openStore(t, path)
	if err := db.SetSetting(context.Background(), "perm_test", 1); err != nil {
		t.Fatal(err)
	}
	closeStore(db)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if _, err := os.Stat(p); os.IsNotExist(err) {
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	logs.Reset()
	db = openStore(t, path)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		assertMode(t, p, 0o600)
		if !strings.Contains(logs.String(), "path="+p+" old_mode=0644") {
			t.Errorf("no warning for %s with its old mode; log:\n%s", p, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("the tightening was not logged as a warning:\n%s", logs.String())
	}

	backups := filepath.Join(dir, "backups")
	if err := os.Mkdir(backups, 0o755); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(backups, "b.db")
	if _, err := db.Backup(context.Background(), dest); err != nil {
		t.Fatal(err)
	}
	assertMode(t, backups, 0o700)
	assertMode(t, dest, 0o600)
}

// TestNewDatabaseIsPrivate: a new database and the WAL and SHM SQLite makes
// next to it are 0600 even under a umask that lets everyone read.
func TestNewDatabaseIsPrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "new.db")
	db := openStore(t, path)
	if _, err := db.ContactCount(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		assertMode(t, p, 0o600)
	}
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
