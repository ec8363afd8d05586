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

// WriteAtomic replaces a file whole or not at all: a failed write leaves
// the old content and no temporary file, and the new file has the mode
// asked for.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := fsperm.WriteFile(path, []byte(`{"seq":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := fsperm.WriteAtomic(path, 0o600, func(f *os.File) error {
		if _, err := f.Write([]byte(`{"se`)); err != nil {
			return err
		}
		return os.ErrDeadlineExceeded // the writer gives up half way
	})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("a failed write: %v; want an error naming the file", err)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"seq":1}` {
		t.Errorf("after a failed write the file holds %q; want the old content whole", b)
	}
	if err := fsperm.WriteFile(path, []byte(`{"seq":2}`), 0o640); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"seq":2}` {
		t.Errorf("the file holds %q; want the new content", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %04o, want 0640", st.Mode().Perm())
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Errorf("the directory holds %d files; want only the one written (no temporary left)", len(left))
	}
}
