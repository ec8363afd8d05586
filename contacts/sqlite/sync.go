package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// Outbox operations: what the Google sync must replay.
const (
	// OutboxContact pushes a contact's current state (create, update or
	// delete in Google, whichever its state calls for).
	OutboxContact = "contact"
	// OutboxGroupRename renames a contact group in Google; Arg is
	// {"old":..., "new":...}.
	OutboxGroupRename = "group.rename"
	// OutboxGroupDelete deletes a contact group in Google; Arg is its name.
	OutboxGroupDelete = "group.delete"
)

// stateEnabled is the sync_state key whose presence makes local changes
// go to the outbox (set while Google is connected).
const stateEnabled = "enabled"

// OutboxEntry is one local change waiting to reach Google.
type OutboxEntry struct {
	ID        int64
	Op        string
	ContactID string
	Arg       string
	CreatedAt time.Time
	Attempts  int
	LastError string
	Bulk      bool // in the bulk lane (an import), behind staff's single changes
}

// enqueueOutbox records, in the caller's transaction, that a contact
// changed locally and must reach Google. Changes the sync engine makes
// itself (actor kind sync) are not echoed back; nothing is queued while
// Google is not connected.
func enqueueOutbox(ctx context.Context, tx *sql.Tx, contactID string) error {
	if contacts.ActorFrom(ctx).Kind == contacts.ActorSync {
		return nil
	}
	return addOutbox(ctx, tx, OutboxContact, contactID, "")
}

// bulkKey marks a context whose changes go to the outbox's bulk lane.
type bulkKey struct{}

// withBulkLane marks the changes made with ctx as part of a bulk job (an
// import): Google gets them after staff's single changes.
func withBulkLane(ctx context.Context) context.Context {
	return context.WithValue(ctx, bulkKey{}, true)
}

func isBulk(ctx context.Context) bool {
	b, _ := ctx.Value(bulkKey{}).(bool)
	return b
}

// addOutbox queues an operation if sync is enabled, in the bulk lane when
// ctx is a bulk job's.
func addOutbox(ctx context.Context, tx *sql.Tx, op, contactID, arg string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sync_outbox (op, contact_id, arg, created_ms, bulk)
		SELECT ?, ?, ?, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), ?
		WHERE EXISTS (SELECT 1 FROM sync_state WHERE key = ?)`, op, contactID, arg, isBulk(ctx), stateEnabled)
	if err != nil {
		return fmt.Errorf("queue change for google: %w", err)
	}
	return nil
}

// SetSyncEnabled turns the outbox on (Google connected) or off. Turning it
// off drops what was queued: a later connect starts with a full sync.
func (db *DB) SetSyncEnabled(ctx context.Context, on bool) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if on {
			_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sync_state (key, value) VALUES (?, 'true')`, stateEnabled)
			return err
		}
		for _, q := range []string{`DELETE FROM sync_state`, `DELETE FROM sync_outbox`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("disable sync: %w", err)
			}
		}
		return nil
	})
}

// SyncEnabled reports whether local changes are queued for Google.
func (db *DB) SyncEnabled(ctx context.Context) (bool, error) {
	var n int
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_state WHERE key = ?`, stateEnabled).Scan(&n); err != nil {
		return false, fmt.Errorf("read sync state: %w", err)
	}
	return n > 0, nil
}

// NextOutbox returns up to limit queued entries after id afterID, oldest
// first, both lanes together.
func (db *DB) NextOutbox(ctx context.Context, afterID int64, limit int) ([]OutboxEntry, error) {
	return db.nextOutbox(ctx, `SELECT id, op, contact_id, arg, created_ms, attempts, last_error, bulk FROM sync_outbox WHERE id > ? ORDER BY id LIMIT ?`, afterID, limit)
}

// NextOutboxLane returns up to limit queued entries of one lane (bulk or
// staff's) after id afterID, oldest first.
func (db *DB) NextOutboxLane(ctx context.Context, bulk bool, afterID int64, limit int) ([]OutboxEntry, error) {
	return db.nextOutbox(ctx, `SELECT id, op, contact_id, arg, created_ms, attempts, last_error, bulk FROM sync_outbox WHERE bulk = ? AND id > ? ORDER BY id LIMIT ?`, bulk, afterID, limit)
}

func (db *DB) nextOutbox(ctx context.Context, query string, args ...any) ([]OutboxEntry, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		var at int64
		if err := rows.Scan(&e.ID, &e.Op, &e.ContactID, &e.Arg, &at, &e.Attempts, &e.LastError, &e.Bulk); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		e.CreatedAt = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// OutboxLen is how many changes wait for Google.
func (db *DB) OutboxLen(ctx context.Context) (int, error) {
	var n int
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}

// OutboxLanes is what waits for Google, lane by lane.
type OutboxLanes struct {
	Staff         int       // staff's single changes (entries)
	Bulk          int       // bulk jobs' changes (entries)
	StaffContacts int       // distinct contacts behind Staff
	BulkContacts  int       // distinct contacts behind Bulk
	Oldest        time.Time // when the oldest waiting change was made (zero: none)
}

// OutboxByLane counts what waits for Google in each lane.
func (db *DB) OutboxByLane(ctx context.Context) (OutboxLanes, error) {
	var l OutboxLanes
	var oldest int64
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT
		COALESCE(SUM(bulk = 0), 0), COALESCE(SUM(bulk = 1), 0),
		COUNT(DISTINCT CASE WHEN bulk = 0 THEN op || contact_id || arg END),
		COUNT(DISTINCT CASE WHEN bulk = 1 THEN op || contact_id || arg END),
		COALESCE(MIN(created_ms), 0) FROM sync_outbox`).Scan(&l.Staff, &l.Bulk, &l.StaffContacts, &l.BulkContacts, &oldest)
	if err != nil {
		return l, fmt.Errorf("count outbox: %w", err)
	}
	if oldest > 0 {
		l.Oldest = fromMS(oldest)
	}
	return l, nil
}

// OutboxUntried is how many queued changes were never tried: what makes
// a sync worth running now (a change Google refused waits for the next
// regular sync).
func (db *DB) OutboxUntried(ctx context.Context) (int, error) {
	var n int
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_outbox WHERE attempts = 0`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}

// OutboxFailed records a failed attempt at an entry; it stays queued.
func (db *DB) OutboxFailed(ctx context.Context, id int64, msg string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sync_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?`, contacts.Truncate(msg, 500), id)
		if err != nil {
			return fmt.Errorf("record outbox failure: %w", err)
		}
		return nil
	})
}

// SyncState reads a JSON value of the sync's state into v; it reports
// whether the key was set.
func (db *DB) SyncState(ctx context.Context, key string, v any) (bool, error) {
	return readState(ctx, db.reader(ctx), key, v)
}

// SetSyncState stores a JSON value of the sync's state.
func (db *DB) SetSyncState(ctx context.Context, key string, v any) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return writeState(ctx, tx, key, v) })
}

func readState(ctx context.Context, q queryer, key string, v any) (bool, error) {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT value FROM sync_state WHERE key = ?`, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read sync state %s: %w", key, err)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return false, fmt.Errorf("decode sync state %s: %w", key, err)
	}
	return true, nil
}

func writeState(ctx context.Context, tx *sql.Tx, key string, v any) error {
	if v == nil {
		_, err := tx.ExecContext(ctx, `DELETE FROM sync_state WHERE key = ?`, key)
		return err
	}
	raw, err := jsonString(v)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, raw); err != nil {
		return fmt.Errorf("write sync state %s: %w", key, err)
	}
	return nil
}

// SyncBase is the last version of a linked contact seen in Google: the
// base of the three-way merge. Person is the people.Person as JSON.
type SyncBase struct {
	ContactID    string
	ResourceName string
	Etag         string
	Person       string
}

// PushSnapshot is what pushing one contact to Google needs, read in one
// consistent snapshot.
type PushSnapshot struct {
	Contact     *contacts.Contact // deleted ones too
	Base        *SyncBase         // nil when the contact is not in Google yet
	Notes       []contacts.Note   // newest first
	MaxOutboxID int64             // the newest queued entry this state covers
	Held        bool              // held by the matching: not to be created in Google yet
}

// PushSnapshot reads a contact (tombstones too), its base, its latest
// notes and the newest outbox entry for it, in one read transaction.
func (db *DB) PushSnapshot(ctx context.Context, contactID string, notes int) (*PushSnapshot, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	snap := &PushSnapshot{}
	if snap.Contact, err = anyContactByID(ctx, tx, contactID); err != nil {
		return nil, err
	}
	if b, err := baseByContact(ctx, tx, contactID); err == nil {
		snap.Base = b
	} else if contacts.ErrorCode(err) != contacts.ENotFound {
		return nil, err
	}
	var held int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_hold_local WHERE contact_id = ?`, contactID).Scan(&held); err != nil {
		return nil, fmt.Errorf("read held contacts: %w", err)
	}
	snap.Held = held > 0
	if snap.Notes, err = recentNotes(ctx, tx, contactID, notes); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM sync_outbox WHERE contact_id = ?`, contactID).Scan(&snap.MaxOutboxID); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return snap, nil
}

// RecentNotes returns a contact's latest notes, newest first.
func (db *DB) RecentNotes(ctx context.Context, contactID string, limit int) ([]contacts.Note, error) {
	return recentNotes(ctx, db.reader(ctx), contactID, limit)
}

func recentNotes(ctx context.Context, q queryer, contactID string, limit int) ([]contacts.Note, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+noteColumns+` FROM notes WHERE contact_id = ? ORDER BY at_ms DESC, id LIMIT ?`, contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("read notes: %w", err)
	}
	defer rows.Close()
	var out []contacts.Note
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, fmt.Errorf("read notes: %w", err)
		}
		out = append(out, *n)
	}
	return out, rows.Err()
}

func anyContactByID(ctx context.Context, q queryer, id string) (*contacts.Contact, error) {
	return scanContact(q.QueryRowContext(ctx, `SELECT data, rev, deleted FROM contacts WHERE id = ?`, id), "contact "+id)
}

func baseByContact(ctx context.Context, q queryer, contactID string) (*SyncBase, error) {
	return scanBase(q.QueryRowContext(ctx, `SELECT contact_id, resource_name, etag, person FROM sync_base WHERE contact_id = ?`, contactID), "sync base of "+contactID)
}

func baseByResource(ctx context.Context, q queryer, name string) (*SyncBase, error) {
	return scanBase(q.QueryRowContext(ctx, `SELECT contact_id, resource_name, etag, person FROM sync_base WHERE resource_name = ?`, name), "sync base "+name)
}

func scanBase(row *sql.Row, what string) (*SyncBase, error) {
	var b SyncBase
	if err := row.Scan(&b.ContactID, &b.ResourceName, &b.Etag, &b.Person); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, contacts.Errorf(contacts.ENotFound, "%s not found", what)
		}
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	return &b, nil
}

// LinkedCount is how many contacts are linked to a Google contact.
func (db *DB) LinkedCount(ctx context.Context) (int, error) {
	var n int
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_base`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count linked contacts: %w", err)
	}
	return n, nil
}

// SyncBaseOf returns the base of a linked contact (ENotFound if none).
func (db *DB) SyncBaseOf(ctx context.Context, contactID string) (*SyncBase, error) {
	return baseByContact(ctx, db.reader(ctx), contactID)
}

// UnlinkedContactIDs lists live contacts not yet in Google, oldest first.
func (db *DB) UnlinkedContactIDs(ctx context.Context) ([]string, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id FROM contacts WHERE deleted = 0 AND id NOT IN (SELECT contact_id FROM sync_base) ORDER BY created_ms, id`)
	if err != nil {
		return nil, fmt.Errorf("list unlinked contacts: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list unlinked contacts: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
