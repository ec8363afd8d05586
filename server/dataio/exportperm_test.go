package dataio

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportIsPrivate: an export holds every client, so it is 0600 in
// every format, even when a readable "<name>.partial" was left in the
// directory (by a crash, or by another local user in a shared one) and
// whatever it pointed to is left alone.
func TestExportIsPrivate(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	for _, format := range []string{FormatCSV, FormatXLSX, FormatVCF} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "clients."+format)
			if err := os.WriteFile(path+".partial", []byte("left over"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path+".partial", 0o644); err != nil { // whatever the umask
				t.Fatal(err)
			}
			if _, err := Export(ctx, db, format, path); err != nil {
				t.Fatal(err)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				n := e.Name()
				if n == "clients."+format+".partial" {
					continue // not ours: left alone
				}
				info, err := e.Info()
				if err != nil {
					t.Fatal(err)
				}
				if m := info.Mode().Perm(); m != 0o600 {
					t.Errorf("%s is %04o, want 0600", n, m)
				}
				if strings.HasSuffix(n, ".partial") {
					t.Errorf("left behind: %s", n)
				}
			}
			if b, _ := os.ReadFile(path + ".partial"); string(b) != "left over" {
				t.Errorf("the file left in the directory was changed: %q", b)
			}
		})
	}
}
