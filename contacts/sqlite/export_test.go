package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Internals the package's external tests drive directly.

func (db *DB) MergeIndexesForTest(ctx context.Context) error {
	db.unmerged.Store(true)
	return db.mergeIndexes(ctx)
}

// MergeStepForTest runs one background merge step on a search index and
// reports whether it found work.
func (db *DB) MergeStepForTest(ctx context.Context, table string) (bool, error) {
	return db.mergeStep(ctx, table)
}

func (db *DB) CountForTest(ctx context.Context, query string) (n int, err error) {
	err = db.read.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}

func (db *DB) ForegroundTxForTest(ctx context.Context, fn func() error) error {
	return db.inTx(ctx, func(*sql.Tx) error { return fn() })
}

func (db *DB) BackgroundTxForTest(ctx context.Context, fn func() error) error {
	return db.inBackgroundTx(ctx, func(*sql.Tx) error { return fn() })
}

func (db *DB) WriteWantedForTest() bool { return db.writeWanted() }

// SetMaxYieldForTest sets how long background jobs let foreground writers
// go first, until the test ends.
func SetMaxYieldForTest(t interface{ Cleanup(func()) }, d time.Duration) {
	old := maxYield
	maxYield = d
	t.Cleanup(func() { maxYield = old })
}

// PrunePlansForTest is SQLite's query plan of each set PruneLogs deletes.
func (db *DB) PrunePlansForTest(ctx context.Context) ([]string, error) {
	var out []string
	for _, p := range pruneSets {
		rows, err := db.read.QueryContext(ctx, `EXPLAIN QUERY PLAN `+p.oldest, 0, 1)
		if err != nil {
			return nil, err
		}
		plan := ""
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				rows.Close()
				return nil, err
			}
			plan += detail + "; "
		}
		rows.Close()
		out = append(out, plan)
	}
	return out, nil
}

// PlanForTest is SQLite's query plan of q with args.
func (db *DB) PlanForTest(ctx context.Context, q string, args ...any) (string, error) {
	rows, err := db.read.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	plan := ""
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		plan += detail + "; "
	}
	return plan, rows.Err()
}

// CloseOnNextCallQueryForTest is the query a call's start closes the SIM's
// earlier open call with.
const CloseOnNextCallQueryForTest = `SELECT ` + callColumns + ` FROM calls INDEXED BY calls_unended_sim WHERE ` + closeOnNextCall

// EventThenFailForTest stores an event in a write transaction that then
// fails, so it rolls back.
func (db *DB) EventThenFailForTest(ctx context.Context) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertEvent(ctx, tx, "", "dial", "", `{"rolled":"back"}`, ms(db.Now())); err != nil {
			return err
		}
		return errRolledBackForTest
	})
}

var errRolledBackForTest = errors.New("rolled back for the test")

func (db *DB) IndexNotesForTest(ctx context.Context) (int, error) { return db.indexNotes(ctx, 0) }

// NotesQueuedForTest reports whether notes wait for their search entries.
func (db *DB) NotesQueuedForTest(ctx context.Context) (bool, error) {
	n, err := db.CountForTest(ctx, `SELECT COUNT(*) FROM note_search_pending`)
	return n > 0, err
}

func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// HistoryQueryForTest is History's statement for a contact (contactID set)
// or a number.
func HistoryQueryForTest(contactID, numberKey string) (string, []any) {
	return historyQuery(contactID, numberKey, "10", "skip")
}
