package sqlite

import (
	"context"
	"database/sql"
)

// Internals the package's external tests drive directly.

func (db *DB) MergeIndexesForTest(ctx context.Context) error {
	db.unmerged.Store(true)
	return db.mergeIndexes(ctx)
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
