package sqlite_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// A database that has a migration this ringcard does not know, numbered
// below the newest one it knows (numbers are reserved per change, so
// another build may have applied one in a gap), was written by a newer
// ringcard: it is refused, not run on with a schema nobody here knows.
func TestOpenRefusesUnknownMigrationInAGap(t *testing.T) {
	path := t.TempDir() + "/ringcard.db"
	closeStore(openStore(t, path))
	conn, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	known := map[int]bool{}
	rows, err := conn.Query(`SELECT version FROM schema_migrations`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		known[v] = true
	}
	rows.Close()
	gap := 0 // no migration is numbered 0: unknown, and below the newest
	for v := 1; v < sqlite.SchemaVersion(); v++ {
		if !known[v] {
			gap = v
			break
		}
	}
	if _, err := conn.Exec(`INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, 'from_another_build.sql', 0)`, gap); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	db, err := sqlite.Open(context.Background(), path, contacts.Normalizer{DefaultRegion: "IT"})
	if err == nil {
		db.Close()
		t.Fatalf("a database with unknown migration %d opened; want it refused", gap)
	}
	if contacts.ErrorCode(err) != contacts.EConflict || !strings.Contains(err.Error(), "newer ringcard") {
		t.Errorf("open: %v, want a conflict naming a newer ringcard", err)
	}
}
