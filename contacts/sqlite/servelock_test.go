//go:build unix

package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

func TestServeLock(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "ringcard.db")
	if sqlite.ServeLocked(dbPath) {
		t.Fatal("locked before anyone took the lock")
	}
	unlock, err := sqlite.LockServe(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(sqlite.LockPath(dbPath)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v, mode %v, want 0600", err, st.Mode().Perm())
	}
	if !sqlite.ServeLocked(dbPath) {
		t.Error("ServeLocked = false while the lock is held")
	}
	second, err := sqlite.LockServe(dbPath)
	if err == nil {
		second()
		t.Fatal("a second server took the lock on the same database")
	}
	if contacts.ErrorCode(err) != contacts.EConflict || !strings.Contains(contacts.ErrorMessage(err), "a ringcard server is running on "+dbPath) {
		t.Errorf("second lock: %v, want a conflict that says a server is running", err)
	}
	unlock()
	if sqlite.ServeLocked(dbPath) {
		t.Error("ServeLocked = true after unlock")
	}
	again, err := sqlite.LockServe(dbPath)
	if err != nil {
		t.Fatalf("the lock after unlock: %v", err)
	}
	again()
}

func TestRestoreRefusedWhileServing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ringcard.db")
	db := openStore(t, dbPath)
	addContact(t, db, "Prima del backup", "+393330001111")
	backup := filepath.Join(dir, "backup.db")
	if _, err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	addContact(t, db, "Dopo il backup", "+393330002222")
	closeStore(db)
	unlock, err := sqlite.LockServe(dbPath) // a server on another --addr
	if err != nil {
		t.Fatal(err)
	}
	aside, _, err := sqlite.Restore(ctx, backup, dbPath, time.Now())
	if err == nil || !strings.HasPrefix(err.Error(), "restore refused") || !strings.Contains(contacts.ErrorMessage(err), "a ringcard server is running on "+dbPath) {
		t.Errorf("restore under a running server: err = %v", err)
	}
	if aside != "" {
		t.Errorf("a refused restore kept %s aside", aside)
	}
	if m, _ := filepath.Glob(dbPath + ".before-restore-*"); len(m) != 0 {
		t.Errorf("a refused restore wrote %v", m)
	}
	unlock()
	check := openStore(t, dbPath)
	if n, _ := check.ContactCount(ctx); n != 2 {
		t.Errorf("database after a refused restore has %d contacts, want 2 (untouched)", n)
	}
	closeStore(check)
	if _, _, err := sqlite.Restore(ctx, backup, dbPath, time.Now()); err != nil {
		t.Fatalf("restore once the server is gone: %v", err)
	}
}

func TestBackupFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ringcard.db")
	db := openStore(t, dbPath)
	addContact(t, db, "Cliente", "+393330001111")
	backup := filepath.Join(dir, "backups", "ringcard-1.db")
	if _, err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	closeStore(db)
	aside, _, err := sqlite.Restore(ctx, backup, dbPath, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{backup, aside, dbPath} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600 (it holds all client data)", filepath.Base(p), st.Mode().Perm())
		}
	}
}
