// Package sqlite is ringcard's store: one SQLite file in WAL mode, with
// versioned migrations embedded in the binary. It is the only package that
// imports database/sql.
package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/internal/fsperm"
	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open ringcard database. Writes go through one connection, so they
// never race for SQLite's lock; reads use a small pool.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
	Now   func() time.Time
	Log   *slog.Logger // for what the store does in the background (checkpoints)
	norm  contacts.Normalizer

	committed chan struct{}
	recent    recentEvents // the events of the latest commits, for the hub
	// waiting counts foreground writers (everything but the sync and the
	// index merges) blocked for the one write connection: background jobs
	// let them go first (yieldToForeground) and end their transactions early while one
	// waits (writeWanted), so a phone's call record never waits behind a
	// batch.
	waiting atomic.Int32
	// unmerged is set by every write: the full-text indexes may have new
	// segments for mergeIndexes to merge.
	unmerged atomic.Bool

	ckpt     *sql.DB // one connection that only checkpoints
	stopCkpt chan struct{}
	ckptDone chan struct{}
}

// Open opens (creating if needed) the database at path and migrates it. It
// refuses a database written by a newer ringcard.
func Open(ctx context.Context, path string, norm contacts.Normalizer) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: no path")
	}
	if err := privateFiles(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// No mmap: in WAL mode, a connection that finds the WAL changed since
	// its last read unmaps the whole file and maps it again (SQLite's
	// pagerBeginReadTransaction), and every commit changes it. With a commit
	// before nearly every card (a call start stores the call, then reads
	// the card) that munmap, its TLB shootdown and the page faults after it
	// cost more than reading the pages the card needs with pread: call start
	// p50 about 1.0 ms with mmap against 0.56 ms without (BENCHMARKS.md).
	pragmas := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(0)"
	base := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	// The writer never checkpoints: a checkpoint fsyncs, and it would do so
	// inside some phone's call. The checkpointer goroutine does it instead.
	w, err := sql.Open(cachingDriverName, base+"&_txlock=immediate&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	db := &DB{path: path, write: w, Now: time.Now, Log: slog.Default(), norm: norm, committed: make(chan struct{}, 1)}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	r, err := sql.Open(cachingDriverName, base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db.read = r
	ckpt, err := sql.Open(cachingDriverName, base)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s for checkpoints: %w", path, err)
	}
	ckpt.SetMaxOpenConns(1)
	db.ckpt = ckpt
	db.stopCkpt = make(chan struct{})
	db.ckptDone = make(chan struct{})
	go db.checkpointLoop()
	return db, nil
}

// privateFiles creates the database file 0600 when it is new (SQLite gives
// the WAL and SHM it makes the database file's mode) and tightens a file,
// WAL or SHM left readable by others, logging each it changes.
func privateFiles(path string) error {
	if err := fsperm.Create(slog.Default(), path); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := fsperm.Tighten(slog.Default(), path+suffix); err != nil {
			return err
		}
	}
	return nil
}

// checkpointLoop indexes new notes for search, merges the full-text
// indexes and copies the WAL into the database file in the background, off
// every request's path. PASSIVE never waits for readers or the writer.
func (db *DB) checkpointLoop() {
	defer close(db.ckptDone)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	failures := 0
	for {
		select {
		case <-db.stopCkpt:
			return
		case <-t.C:
			if _, err := db.indexNotes(context.Background(), mergeBudget); err != nil {
				db.Log.Error("indexing notes for search", "err", err)
			}
			if err := db.mergeIndexes(context.Background()); err != nil {
				db.Log.Error("merging the search indexes", "err", err)
			}
			if _, err := db.ckpt.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
				failures++
				if failures == 1 || failures%60 == 0 { // the WAL grows until a checkpoint works again
					db.Log.Error("checkpoint failed: the WAL file keeps growing until it works", "err", err, "failures", failures)
				}
			} else {
				failures = 0
			}
		}
	}
}

// ftsTables are the full-text indexes. Their automerge is off (migration
// 0007): mergeIndexes merges their segments instead.
var ftsTables = []string{"contact_search", "note_search"}

const (
	// mergeStepPages is about how much one merge step writes (FTS5 pages).
	// A step's time is mostly FTS5's fixed cost (measured 2-20 ms at 25,000
	// contacts for 4-32 pages); between steps, waiting writers go first.
	mergeStepPages = 16
	// mergeBudget bounds one round of merging; the next tick goes on.
	mergeBudget = 200 * time.Millisecond
)

// mergeIndexes merges the full-text indexes' segments in small steps, each
// its own write on the write connection (so it queues like any other
// writer), stopping as soon as another writer waits or there is nothing
// left to merge (FTS5 merges a level once it has 4 segments).
func (db *DB) mergeIndexes(ctx context.Context) error {
	if !db.unmerged.Swap(false) {
		return nil
	}
	deadline := time.Now().Add(mergeBudget)
	for _, table := range ftsTables {
		for {
			if db.writeWanted() || time.Now().After(deadline) {
				db.unmerged.Store(true) // the next round goes on
				return nil
			}
			did, err := db.mergeStep(ctx, table)
			if err != nil {
				return err
			}
			if !did {
				break
			}
		}
	}
	return nil
}

// mergeStep runs one FTS5 'merge' step and reports whether it did any work
// (FTS5's documented test: total_changes() moved by 2 or more).
func (db *DB) mergeStep(ctx context.Context, table string) (bool, error) {
	db.yieldToForeground()
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("merge %s: %w", table, err)
	}
	defer conn.Close()
	var before, after int64
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
		return false, fmt.Errorf("merge %s: %w", table, err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO `+table+`(`+table+`, rank) VALUES('merge', ?)`, mergeStepPages); err != nil {
		return false, fmt.Errorf("merge %s: %w", table, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
		return false, fmt.Errorf("merge %s: %w", table, err)
	}
	return after-before >= 2, nil
}

// SettleSearch indexes every queued note and merges each search index
// into one segment: the store as the background loop leaves it after a
// quiet while, in one go. For tools that build a store to measure it (the
// benchmarks' synthetic databases), so a server started on it has no
// start-up work to do; a running server does this itself, in small steps.
func (db *DB) SettleSearch(ctx context.Context) error {
	if _, err := db.indexNotes(ctx, 0); err != nil {
		return err
	}
	for _, table := range ftsTables {
		err := db.inBackgroundTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO `+table+`(`+table+`) VALUES('optimize')`)
			return err
		})
		if err != nil {
			return fmt.Errorf("settle search: optimize %s: %w", table, err)
		}
	}
	return nil
}

// Close stops the checkpointer, checkpoints once more and closes the pools.
func (db *DB) Close() error {
	var errs []error
	if db.ckpt != nil {
		close(db.stopCkpt)
		<-db.ckptDone
		if _, err := db.ckpt.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			errs = append(errs, fmt.Errorf("final checkpoint: %w", err))
		}
		errs = append(errs, db.ckpt.Close())
	}
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	return errors.Join(append(errs, db.write.Close())...)
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Normalizer is the number normalizer the store indexes numbers with.
func (db *DB) Normalizer() contacts.Normalizer { return db.norm }

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		v, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaFingerprint identifies the exact migrations this binary carries
// (cached benchmark databases are keyed by it).
func SchemaFingerprint() string {
	ms, _ := migrations()
	h := sha256.New()
	for _, m := range ms {
		h.Write([]byte(m.sql))
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// SchemaVersion is the newest schema this binary knows.
func SchemaVersion() int {
	ms, _ := migrations()
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	var current int
	if err := db.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if newest := ms[len(ms)-1].version; current > newest {
		return contacts.Errorf(contacts.EConflict, "the database has schema version %d but this ringcard knows only up to %d: use a newer ringcard", current, newest)
	}
	applied, err := appliedVersions(ctx, db.write)
	if err != nil {
		return err
	}
	knows := make(map[int]bool, len(ms))
	for _, m := range ms {
		knows[m.version] = true
	}
	for v := range applied {
		if !knows[v] { // numbers are reserved per change: a newer build may have filled a gap
			return contacts.Errorf(contacts.EConflict, "the database has migration %d, which this ringcard does not know: use a newer ringcard", v)
		}
	}
	// Every migration not applied yet, in order, even one numbered below
	// the newest applied: migration numbers are reserved per change, and a
	// database may have met a later one first.
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			// Another process (the CLI and the server starting together) may
			// have applied it since: check again under the write lock.
			var done int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&done); err != nil {
				return fmt.Errorf("read schema version: %w", err)
			}
			if done > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("apply migration %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)`, m.version, m.name, db.Now().UnixMilli())
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// appliedVersions lists the migrations recorded in schema_migrations.
func appliedVersions(ctx context.Context, q queryer) (map[int]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema versions: %w", err)
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema versions: %w", err)
		}
		out[v] = true
	}
	return out, rows.Err()
}

// inTx runs fn in a write transaction (BEGIN IMMEDIATE) and commits it.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.writeTx(ctx, true, fn)
}

// inBackgroundTx is inTx for background jobs: it lets waiting foreground
// writers have the write connection first.
func (db *DB) inBackgroundTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.writeTx(ctx, false, fn)
}

func (db *DB) writeTx(ctx context.Context, foreground bool, fn func(tx *sql.Tx) error) error {
	if inSnapshot(ctx) {
		return errWriteInSnapshot
	}
	var tx *sql.Tx
	var err error
	if foreground {
		db.waiting.Add(1)
		tx, err = db.write.BeginTx(ctx, nil)
		db.foregroundServed()
	} else {
		db.yieldToForeground()
		tx, err = db.write.BeginTx(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	txEvents.begin(tx)
	if err := fn(tx); err != nil {
		txEvents.end(tx)
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		txEvents.end(tx)
		return fmt.Errorf("commit: %w", err)
	}
	db.recent.add(txEvents.end(tx))
	db.unmerged.Store(true)
	select {
	case db.committed <- struct{}{}:
		// The hub was waiting for this commit: let it run now, on this
		// core, rather than when this goroutine next waits (after its
		// HTTP answer, about 0.1 ms later). A call start loses nothing:
		// the hub yields to a card being built.
		runtime.Gosched()
	default:
	}
	return nil
}

// backgroundBatch runs fn(tx, i) for i = 0, 1, ... n-1 in one background
// write transaction and commits, ending it early — after at least one —
// when a foreground writer waits or maxTime has passed (0: no time bound).
// It returns how many ran; the caller goes on with the rest. This is how
// long background jobs (the sync, imports) share the write connection with
// phones' calls.
func (db *DB) backgroundBatch(ctx context.Context, n int, maxTime time.Duration, fn func(tx *sql.Tx, i int) error) (int, error) {
	done := 0
	err := db.inBackgroundTx(ctx, func(tx *sql.Tx) error {
		start := time.Now()
		for done = 0; done < n; done++ {
			if done > 0 && (db.writeWanted() || maxTime > 0 && time.Since(start) >= maxTime) {
				break
			}
			if err := fn(tx, done); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return done, nil
}

// foregroundServed ends a foreground writer's wait.
func (db *DB) foregroundServed() { db.waiting.Add(-1) }

// maxYield bounds how long a background job lets foreground writers go
// first: under a constant stream of them it still gets its turn (a merge
// starved forever would hold up the checkpoints behind it).
var maxYield = 50 * time.Millisecond

// yieldToForeground waits (at most maxYield) until no foreground writer is
// queued for the write connection: the pool would otherwise hand it to a
// random waiter, the background job among them.
func (db *DB) yieldToForeground() {
	for start := time.Now(); db.waiting.Load() > 0 && time.Since(start) < maxYield; {
		time.Sleep(100 * time.Microsecond)
	}
}

// writeWanted reports that some foreground writer is waiting for the
// write connection. A background batch holding it checks this between items and
// commits early, so foreground writes wait for one item, not a batch.
func (db *DB) writeWanted() bool { return db.waiting.Load() > 0 }

// Committed is signalled (without blocking, coalesced) after every write
// transaction: the event hub listens to it.
func (db *DB) Committed() <-chan struct{} { return db.committed }

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	return string(b), nil
}

// QueryRowForTest runs a one-value query on the read pool. Tests use it to
// check what is stored without a method for every question.
func (db *DB) QueryRowForTest(ctx context.Context, q string, out any, args ...any) error {
	return db.reader(ctx).QueryRowContext(ctx, q, args...).Scan(out)
}

// Checkpoint moves everything in the WAL into the database file, so the
// file alone is complete (before copying it).
func (db *DB) Checkpoint(ctx context.Context) error {
	if inSnapshot(ctx) {
		return errWriteInSnapshot
	}
	if _, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}
