package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// openStore opens a store closed at the end of the test; closeStore closes
// it earlier (Close may run once).
func openStore(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	once := &sync.Once{}
	closers.Store(db, once)
	t.Cleanup(func() { closeStore(db) })
	return db
}

var closers sync.Map

func closeStore(db *sqlite.DB) {
	if once, ok := closers.Load(db); ok {
		once.(*sync.Once).Do(func() { db.Close() })
	}
}

func addContact(t testing.TB, db *sqlite.DB, name, number string) *contacts.Contact {
	t.Helper()
	c := &contacts.Contact{DisplayName: name, Numbers: []contacts.Number{{Raw: number, Type: "mobile"}}}
	if _, err := db.CreateContact(context.Background(), c, ""); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBackupWhileWritingAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ringcard.db")
	db := openStore(t, dbPath)
	for i := 0; i < 200; i++ {
		addContact(t, db, "Cliente", "+39333000"+pad4(i))
	}
	// Writes go on while the backup runs.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 200; i < 260; i++ {
			c := &contacts.Contact{DisplayName: "Durante", Numbers: []contacts.Number{{Raw: "+39333000" + pad4(i)}}}
			if _, err := db.CreateContact(ctx, c, ""); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	backup := filepath.Join(dir, "backups", "b1.db")
	info, err := db.Backup(ctx, backup)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if info.Contacts < 200 || info.Contacts > 260 || info.SchemaVersion != sqlite.SchemaVersion() {
		t.Fatalf("backup info = %+v", info)
	}
	if _, err := db.Backup(ctx, backup); contacts.ErrorCode(err) != contacts.EConflict {
		t.Errorf("a second backup onto the same file: err = %v, want conflict", err)
	}

	t.Run("truncated backup is refused and the database untouched", func(t *testing.T) {
		data, _ := os.ReadFile(backup)
		bad := filepath.Join(dir, "truncated.db")
		os.WriteFile(bad, data[:len(data)/2], 0o600)
		before, _ := os.ReadFile(dbPath)
		_, _, err := sqlite.Restore(ctx, bad, dbPath, time.Now())
		if err == nil || !strings.Contains(contacts.ErrorMessage(err), "truncated") {
			t.Fatalf("err = %v, want a message saying the file is truncated", err)
		}
		after, _ := os.ReadFile(dbPath)
		if string(before) != string(after) {
			t.Error("the database file changed")
		}
		if n, err := db.ContactCount(ctx); err != nil || n != 260 {
			t.Errorf("running database: %d contacts, %v", n, err)
		}
	})
	t.Run("corrupt, foreign and newer files are refused", func(t *testing.T) {
		data, _ := os.ReadFile(backup)
		corrupt := append([]byte(nil), data...)
		for i := 4096 * 2; i < len(corrupt) && i < 4096*6; i++ {
			corrupt[i] ^= 0x5A
		}
		newer := filepath.Join(dir, "newer.db")
		os.WriteFile(newer, data, 0o600)
		ndb := openStore(t, newer)
		if err := ndb.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		closeStore(ndb)
		bumpSchema(t, newer)
		cases := map[string][]byte{"corrupt.db": corrupt, "notes.db": []byte(strings.Repeat("not sqlite ", 500)), "empty.db": nil}
		for name, b := range cases {
			os.WriteFile(filepath.Join(dir, name), b, 0o600)
		}
		want := map[string]string{"corrupt.db": "corrupt", "notes.db": "not a SQLite database", "empty.db": "is empty", "newer.db": "newer ringcard"}
		for name, msg := range want {
			_, err := sqlite.VerifyBackup(ctx, filepath.Join(dir, name))
			if err == nil || !strings.Contains(contacts.ErrorMessage(err), msg) {
				t.Errorf("%s: err = %v, want %q", name, err, msg)
			}
		}
	})
	t.Run("restore keeps the current database aside", func(t *testing.T) {
		closeStore(db)
		aside, info, err := sqlite.Restore(ctx, backup, dbPath, time.Date(2026, 1, 2, 3, 4, 5, 0, time.Local))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(aside, ".before-restore-20260102-030405") {
			t.Errorf("aside = %s", aside)
		}
		old := openStore(t, aside)
		if n, _ := old.ContactCount(ctx); n != 260 {
			t.Errorf("kept-aside database has %d contacts, want 260", n)
		}
		restored := openStore(t, dbPath)
		if n, _ := restored.ContactCount(ctx); n != info.Contacts {
			t.Errorf("restored database has %d contacts, want %d", n, info.Contacts)
		}
	})
}

func bumpSchema(t *testing.T, path string) {
	t.Helper()
	conn, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`INSERT INTO schema_migrations (version, name, applied_ms) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
}

func pad4(i int) string {
	s := "0000" + itoa(i)
	return s[len(s)-4:]
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}
