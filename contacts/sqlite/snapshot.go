package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
)

// snapshotKey carries a read snapshot's connection in a context
// (ReadSnapshot).
type snapshotKey struct{}

// ReadSnapshot runs fn with a context whose reads all come from one read
// transaction, so they see the store at one moment: a card built from
// several reads (the contact, its history, its last call, what it owes)
// never mixes two commits. It is also cheaper than a transaction per
// statement, each taking and dropping SQLite's WAL read lock. A context
// that already has a snapshot keeps it.
//
// The transaction runs on the write connection. In WAL mode a connection
// that finds the database changed since its last read drops its whole page
// cache, so a reader starts every card after a commit cold and reads each
// page again from the WAL or the file; the write connection keeps the pages
// its own commits wrote, and a card usually follows one (a call stored, a
// note added). A commit by another process (the CLI) still drops that
// cache, and is seen as a reader would see it. BEGIN and ROLLBACK are plain
// statements on the connection (prepared once, by the statement cache), not
// a database/sql transaction, which starts a goroutine for each.
// BENCHMARKS.md, "Sixth pass", has the figures.
//
// So fn must be short, and must not write: the write connection is fn's
// until it returns, and other writers of this process wait meanwhile. A
// write made with fn's context is refused with errWriteInSnapshot (made
// with another context, it would wait for fn forever). It waits for the
// connection as a foreground writer does: background batches end early for
// it. Bulk reads (every phone replaying old events at once after a
// restart) take their snapshots on a read connection instead, with a
// context from OnReadPool, so as not to hold the writer for long.
func (db *DB) ReadSnapshot(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if inSnapshot(ctx) {
		return fn(ctx)
	}
	pool := db.write
	onReadPool, _ := ctx.Value(readPoolKey{}).(bool)
	if onReadPool {
		pool = db.read
	} else {
		db.waiting.Add(1)
	}
	conn, err := pool.Conn(ctx)
	if !onReadPool {
		db.foregroundServed()
	}
	if err != nil {
		return fmt.Errorf("begin read snapshot: %w", err)
	}
	defer conn.Close()
	// A deferred BEGIN takes no lock: nothing to cancel, and a BEGIN
	// that did not run would make the ROLLBACK below fail and the
	// connection be closed for nothing.
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), "BEGIN"); err != nil {
		return fmt.Errorf("begin read snapshot: %w", err)
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
			// Never hand the connection on inside a transaction:
			// database/sql closes a connection whose user reports it bad.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			if err == nil {
				err = fmt.Errorf("end read snapshot: %w", rerr)
			}
		}
	}()
	return fn(context.WithValue(ctx, snapshotKey{}, conn))
}

// readPoolKey marks a context whose snapshots run on a read connection.
type readPoolKey struct{}

// OnReadPool returns a context whose ReadSnapshot runs on a read connection
// rather than the write connection: for many reads in a row, which would
// hold up this process's writers (a call being stored) there.
func OnReadPool(ctx context.Context) context.Context {
	return context.WithValue(ctx, readPoolKey{}, true)
}

// errWriteInSnapshot refuses a write whose context carries a read snapshot:
// a snapshot is for reads, and one on the write connection (the usual
// kind) holds the connection the write would wait for.
var errWriteInSnapshot = errors.New("write inside a read snapshot: a snapshot is for reads only")

// inSnapshot reports whether ctx carries a read snapshot.
func inSnapshot(ctx context.Context) bool {
	_, ok := ctx.Value(snapshotKey{}).(*sql.Conn)
	return ok
}

// reader is what a read runs on: the snapshot ctx carries, else the pool.
func (db *DB) reader(ctx context.Context) queryer {
	if conn, ok := ctx.Value(snapshotKey{}).(*sql.Conn); ok {
		return conn
	}
	return db.read
}
