package contactstest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// CachedDB returns the path of a database holding Synthetic(n, 3), built once
// and kept in the temp dir (keyed by size and the exact migrations): building
// 250,000 contacts takes a while, and benchmarks are run again and again.
// Nothing writes to it: callers copy it first (CopyDB), so what one
// benchmark run writes is never seen by the next.
func CachedDB(n int) (string, error) {
	// "settled": caches named otherwise may have been written to by
	// benchmarks before they copied them, or have their search indexes
	// unmerged (every server started on a copy then merged them for
	// seconds, in the middle of what it measured), so they are not reused.
	path := filepath.Join(os.TempDir(), fmt.Sprintf("ringcard-bench-%d-%s-settled.db", n, sqlite.SchemaFingerprint()))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := path + ".tmp"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, tmp, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		return "", fmt.Errorf("build bench db: %w", err)
	}
	seed := Synthetic(n, 3)
	for i := 0; i < len(seed); i += 10_000 {
		if err := db.ImportSeed(ctx, seed[i:min(i+10_000, len(seed))]); err != nil {
			db.Close()
			return "", fmt.Errorf("build bench db: %w", err)
		}
	}
	// As an office's store is after a quiet while: notes indexed for
	// search, the indexes merged.
	if err := db.SettleSearch(ctx); err != nil {
		db.Close()
		return "", fmt.Errorf("build bench db: %w", err)
	}
	if err := db.Checkpoint(ctx); err != nil {
		db.Close()
		return "", err
	}
	if err := db.Close(); err != nil {
		return "", fmt.Errorf("build bench db: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("build bench db: %w", err)
	}
	removeStale(n, path)
	return path, nil
}

// removeStale removes the caches of size n that path replaces (another
// schema, or an older kind): the 250,000-contact one is most of a gigabyte.
// A benchmark copying one right now keeps reading it (the file stays until
// closed).
func removeStale(n int, path string) {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("ringcard-bench-%d-*.db", n)))
	for _, f := range old {
		if f == path {
			continue
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(f + suffix)
		}
	}
}

// CopyDB copies a database file (after a checkpoint, the file is complete),
// streaming it: the 250,000-contact one is most of a gigabyte.
func CopyDB(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy db: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("copy db: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("copy db: %w", cerr)
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return fmt.Errorf("copy db: %w", err)
	}
	return nil
}
