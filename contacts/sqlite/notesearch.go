package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// indexBatch bounds the notes one indexNotes write indexes: a large import
// is indexed in several writes, each short enough for a waiting phone
// (about 2–3 ms for 100 notes).
const indexBatch = 100

// indexNotes writes the search entries of the notes queued by their
// insert (migration 0022), oldest first, in background writes that give
// way to waiting writers between batches. It stops once budget has passed
// (0: when none is left) and returns how many it indexed. Its reads see the
// latest commit (never a snapshot the context may carry: the queue it
// empties must be seen empty).
func (db *DB) indexNotes(ctx context.Context, budget time.Duration) (int, error) {
	total := 0
	for start := time.Now(); budget == 0 || time.Since(start) < budget; {
		var upto sql.NullInt64
		if err := db.read.QueryRowContext(ctx, `SELECT MAX(seq) FROM (SELECT seq FROM note_search_pending ORDER BY seq LIMIT `+fmt.Sprint(indexBatch)+`)`).Scan(&upto); err != nil {
			return total, fmt.Errorf("index notes: %w", err)
		}
		if !upto.Valid {
			return total, nil
		}
		var n int64
		err := db.inBackgroundTx(ctx, func(tx *sql.Tx) error {
			// The note's key in the index (note_search_ids), in the order
			// the notes came, then its folded text; a note deleted since
			// it was queued has no row in notes and is skipped.
			steps := []string{
				`INSERT OR IGNORE INTO note_search_ids (note_id)
					SELECT p.note_id FROM note_search_pending p JOIN notes n ON n.id = p.note_id WHERE p.seq <= ? ORDER BY p.seq`,
				`DELETE FROM note_search WHERE rowid IN (SELECT s.rowid FROM note_search_ids s WHERE s.note_id IN (SELECT note_id FROM note_search_pending WHERE seq <= ?))`,
				`INSERT INTO note_search (rowid, text) SELECT s.rowid, ringcard_fold(n.text) FROM note_search_ids s JOIN notes n ON n.id = s.note_id
					WHERE s.note_id IN (SELECT note_id FROM note_search_pending WHERE seq <= ?)`,
				`DELETE FROM note_search_pending WHERE seq <= ?`,
			}
			for i, q := range steps {
				res, err := tx.ExecContext(ctx, q, upto.Int64)
				if err != nil {
					return fmt.Errorf("index notes (step %d): %w", i+1, err)
				}
				if i == len(steps)-1 {
					n, _ = res.RowsAffected()
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += int(n)
	}
	return total, nil
}
