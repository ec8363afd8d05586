package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ringcard/ringcard/contacts"
)

// TestStatementCacheNestedRows runs the same query text inside its own open
// rows, and fills the cache while rows are open: every row must still come.
func TestStatementCacheNestedRows(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < 5; i++ {
		if err := db.SetSetting(ctx, fmt.Sprintf("k%d", i), i); err != nil {
			t.Fatal(err)
		}
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		const q = `SELECT key FROM settings ORDER BY key`
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			n++
			inner, err := tx.QueryContext(ctx, q) // the same text while the outer rows are open
			if err != nil {
				return fmt.Errorf("nested query: %w", err)
			}
			m := 0
			for inner.Next() {
				m++
			}
			inner.Close()
			if m != 5 {
				return fmt.Errorf("nested query saw %d rows, want 5", m)
			}
			for j := 0; j < maxCachedStmts+10; j++ { // fill the cache: it must not finalize the open statement
				if _, err := tx.ExecContext(ctx, fmt.Sprintf(`SELECT %d`, j)); err != nil {
					return err
				}
			}
		}
		if n != 5 {
			return fmt.Errorf("outer query saw %d rows, want 5", n)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}
