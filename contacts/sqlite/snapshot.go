package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// snapshotKey carries a read transaction in a context (ReadSnapshot).
type snapshotKey struct{}

// ReadSnapshot runs fn with a context whose reads all come from one read
// transaction, so they see the store at one moment: a card built from
// several reads (the contact, its history, its last call, what it owes)
// never mixes two commits. It is also cheaper than a transaction per
// statement, each taking and dropping SQLite's WAL read lock. Reads only:
// writes made with the context go through the write connection as ever
// and are not seen by fn's reads. A context that already has a snapshot
// keeps it.
func (db *DB) ReadSnapshot(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(snapshotKey{}).(*sql.Tx); ok {
		return fn(ctx)
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read snapshot: %w", err)
	}
	defer tx.Rollback() // read-only: nothing to keep
	return fn(context.WithValue(ctx, snapshotKey{}, tx))
}

// reader is what a read runs on: the snapshot ctx carries, else the pool.
func (db *DB) reader(ctx context.Context) queryer {
	if tx, ok := ctx.Value(snapshotKey{}).(*sql.Tx); ok {
		return tx
	}
	return db.read
}
