//go:build unix

package fsperm_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/internal/fsperm"
)

func TestTighten(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	file, sub := filepath.Join(dir, "token.json"), filepath.Join(dir, "backups")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want os.FileMode
	}{{file, 0o600}, {sub, 0o700}} {
		if err := fsperm.Tighten(log, c.path); err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(c.path)
		if st.Mode().Perm() != c.want {
			t.Errorf("%s: %04o, want %04o", c.path, st.Mode().Perm(), c.want)
		}
		if !strings.Contains(logs.String(), "path="+c.path) {
			t.Errorf("no warning for %s: %s", c.path, logs.String())
		}
	}
	logs.Reset()
	if err := fsperm.Tighten(log, file); err != nil || logs.Len() != 0 {
		t.Errorf("a private file again: err %v, log %q (want nothing)", err, logs.String())
	}
	if err := fsperm.Tighten(log, filepath.Join(dir, "missing")); err != nil {
		t.Errorf("a missing file: %v", err)
	}
	fresh := filepath.Join(dir, "new.db")
	if err := fsperm.Create(log, fresh); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o600 {
		t.Errorf("created %04o, want 0600", st.Mode().Perm())
	}
}
