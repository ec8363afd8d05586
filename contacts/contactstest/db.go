package contactstest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// CachedDB returns the path of a database holding Synthetic(n, 3), built once
// and kept in the temp dir (keyed by size and the exact migrations): building
// 250,000 contacts takes a while, and benchmarks are run again and again.
// Callers that write to it should copy it first.
func CachedDB(n int) (string, error) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("ringcard-bench-%d-%s.db", n, sqlite.SchemaFingerprint()))
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
	return path, nil
}

// CopyDB copies a database file (after a checkpoint, the file is complete).
func CopyDB(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copy db: %w", err)
	}
	return os.WriteFile(dst, b, 0o600)
}
