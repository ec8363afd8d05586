package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// Event is a change stored once for phones. DeviceID "" means every device.
// Payload is set for events whose body is fixed when stored (dial); a card
// event is rendered from the contact as it is when it is sent.
type Event struct {
	GID       int64
	DeviceID  string
	Type      string
	ContactID string
	Payload   string
	At        time.Time
}

func insertEvent(ctx context.Context, tx *sql.Tx, deviceID, typ, contactID, payload string, atMS int64) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO events (device_id, type, contact_id, payload, at_ms) VALUES (?, ?, ?, ?, ?)`,
		nullStr(deviceID), typ, contactID, payload, atMS)
	if err != nil {
		return fmt.Errorf("store event: %w", err)
	}
	if gid, err := res.LastInsertId(); err == nil {
		txEvents.add(tx, Event{GID: gid, DeviceID: deviceID, Type: typ, ContactID: contactID, Payload: payload, At: fromMS(atMS)})
	}
	return nil
}

// AddEvent stores one event on its own (for events not tied to a change in
// the store, such as a dial request).
func (db *DB) AddEvent(ctx context.Context, deviceID, typ, contactID, payload string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return insertEvent(ctx, tx, deviceID, typ, contactID, payload, ms(db.Now()))
	})
}

// LastEventGID is the newest stored event's gid (0 when none).
func (db *DB) LastEventGID(ctx context.Context) (int64, error) {
	var gid int64
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(MAX(gid), 0) FROM events`).Scan(&gid); err != nil {
		return 0, fmt.Errorf("last event: %w", err)
	}
	if gid == 0 { // AUTOINCREMENT never reuses ids, even after every event was trimmed
		_ = db.reader(ctx).QueryRowContext(ctx, `SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)`).Scan(&gid)
	}
	return gid, nil
}

// RecentEventsAfter returns, without reading the store, up to limit events
// with gid after+1, after+2, ... as this process's write transactions
// committed them (see recentEvents). ok is false when it cannot vouch for
// the range (the next event was written by another process, was committed
// too long ago, or is not committed yet): the caller reads the store
// (EventsAfter), which stays the source of truth.
func (db *DB) RecentEventsAfter(after int64, limit int) (evs []Event, ok bool) {
	return db.recent.after(after, limit)
}

// EventsAfter returns up to limit events with gid in (after, upto] for every
// device, oldest first. upto <= 0 means no upper bound.
func (db *DB) EventsAfter(ctx context.Context, after, upto int64, limit int) ([]Event, error) {
	if upto <= 0 {
		upto = 1<<62 - 1
	}
	return db.events(ctx, `SELECT gid, COALESCE(device_id, ''), type, contact_id, payload, at_ms FROM events WHERE gid > ? AND gid <= ? ORDER BY gid LIMIT ?`, after, upto, limit)
}

// DeviceEvents returns up to limit events a device sees (its own and every
// device's) with gid in (after, upto], oldest first.
func (db *DB) DeviceEvents(ctx context.Context, deviceID string, after, upto int64, limit int) ([]Event, error) {
	return db.events(ctx, `SELECT gid, COALESCE(device_id, ''), type, contact_id, payload, at_ms FROM events
		WHERE gid > ? AND gid <= ? AND (device_id IS NULL OR device_id = ?) ORDER BY gid LIMIT ?`, after, upto, deviceID, limit)
}

func (db *DB) events(ctx context.Context, q string, args ...any) ([]Event, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.GID, &e.DeviceID, &e.Type, &e.ContactID, &e.Payload, &at); err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountDeviceEvents counts the events a device sees with gid in (after, upto].
func (db *DB) CountDeviceEvents(ctx context.Context, deviceID string, after, upto int64) (int64, error) {
	var n int64
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM events WHERE gid > ? AND gid <= ? AND (device_id IS NULL OR device_id = ?)`, after, upto, deviceID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count events: %w", err)
	}
	return n, nil
}

// NthDeviceEventGID returns the gid of the n-th event (1-based) a device sees
// after gid `after`.
func (db *DB) NthDeviceEventGID(ctx context.Context, deviceID string, after, n int64) (int64, error) {
	var gid int64
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT gid FROM events WHERE gid > ? AND (device_id IS NULL OR device_id = ?) ORDER BY gid LIMIT 1 OFFSET ?`, after, deviceID, n-1).Scan(&gid)
	if err != nil {
		return 0, fmt.Errorf("find event %d after %d: %w", n, after, err)
	}
	return gid, nil
}

// Position is where a resuming device's stream starts: after event GID,
// numbered Seq for it. Dropped means the events it asked for were trimmed:
// it starts at its base and must resync.
type Position struct {
	Seq, GID int64
	Dropped  bool
}

// ResumePosition finds the event numbered `after` for a device, reading
// its base and counting from it in one read transaction.
func (db *DB) ResumePosition(ctx context.Context, deviceID string, after int64) (Position, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Position{}, fmt.Errorf("resume position: %w", err)
	}
	defer tx.Rollback()
	var baseGID, baseSeq int64
	if err := tx.QueryRowContext(ctx, `SELECT base_gid, base_seq FROM devices WHERE id = ?`, deviceID).Scan(&baseGID, &baseSeq); err != nil {
		return Position{}, fmt.Errorf("resume position: %w", err)
	}
	switch {
	case after < baseSeq:
		return Position{Seq: baseSeq, GID: baseGID, Dropped: true}, nil
	case after == baseSeq:
		return Position{Seq: baseSeq, GID: baseGID}, nil
	}
	var gid int64
	err = tx.QueryRowContext(ctx, `SELECT gid FROM events WHERE gid > ? AND (device_id IS NULL OR device_id = ?) ORDER BY gid LIMIT 1 OFFSET ?`, baseGID, deviceID, after-baseSeq-1).Scan(&gid)
	if err != nil {
		return Position{}, fmt.Errorf("resume position: event %d after %d: %w", after, baseSeq, err)
	}
	return Position{Seq: after, GID: gid}, nil
}

// Cursor is a device's position in the event log: events up to BaseGID are
// numbered up to BaseSeq for it.
type Cursor struct {
	DeviceID string
	BaseGID  int64
	BaseSeq  int64
}

// SaveCursors moves devices' bases forward (after acks) and records when
// they were last seen, in one transaction.
func (db *DB) SaveCursors(ctx context.Context, cursors []Cursor, seen map[string]time.Time) error {
	if len(cursors) == 0 && len(seen) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range cursors {
			if _, err := tx.ExecContext(ctx, `UPDATE devices SET base_gid = ?, base_seq = ? WHERE id = ? AND base_seq <= ?`, c.BaseGID, c.BaseSeq, c.DeviceID, c.BaseSeq); err != nil {
				return fmt.Errorf("save cursor: %w", err)
			}
		}
		for id, t := range seen {
			if _, err := tx.ExecContext(ctx, `UPDATE devices SET last_seen_ms = MAX(last_seen_ms, ?) WHERE id = ?`, ms(t), id); err != nil {
				return fmt.Errorf("save last seen: %w", err)
			}
		}
		return nil
	})
}

// Cursor returns one active device's cursor.
func (db *DB) Cursor(ctx context.Context, deviceID string) (Cursor, error) {
	c := Cursor{DeviceID: deviceID}
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT base_gid, base_seq FROM devices WHERE id = ? AND revoked_ms = 0`, deviceID).Scan(&c.BaseGID, &c.BaseSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return c, contacts.Errorf(contacts.ENotFound, "device %s not found", deviceID)
	}
	if err != nil {
		return c, fmt.Errorf("read cursor: %w", err)
	}
	return c, nil
}

// RevokedSince lists the devices revoked at or after t.
func (db *DB) RevokedSince(ctx context.Context, t time.Time) ([]string, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id FROM devices WHERE revoked_ms >= ? AND revoked_ms != 0`, ms(t))
	if err != nil {
		return nil, fmt.Errorf("revoked devices: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("revoked devices: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Cursors returns every active device's cursor.
func (db *DB) Cursors(ctx context.Context) ([]Cursor, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, base_gid, base_seq FROM devices WHERE revoked_ms = 0`)
	if err != nil {
		return nil, fmt.Errorf("read cursors: %w", err)
	}
	defer rows.Close()
	var out []Cursor
	for rows.Next() {
		var c Cursor
		if err := rows.Scan(&c.DeviceID, &c.BaseGID, &c.BaseSeq); err != nil {
			return nil, fmt.Errorf("read cursors: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// TrimEvents deletes events every active device is past, and events older
// than `before` even if some device has not seen them: such a device's base
// moves past them (its seq count kept), so it gets a resync on resume.
// It returns how many events were deleted.
func (db *DB) TrimEvents(ctx context.Context, before time.Time) (int64, error) {
	var deleted int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var cutoff int64 // newest gid older than `before`
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(gid), 0) FROM events WHERE at_ms < ?`, ms(before)).Scan(&cutoff); err != nil {
			return fmt.Errorf("find cutoff: %w", err)
		}
		if cutoff > 0 {
			// Devices behind the cutoff skip what is dropped, keeping their numbering.
			_, err := tx.ExecContext(ctx, `UPDATE devices SET
				base_seq = base_seq + (SELECT COUNT(*) FROM events e WHERE e.gid > devices.base_gid AND e.gid <= ? AND (e.device_id IS NULL OR e.device_id = devices.id)),
				base_gid = ?
				WHERE revoked_ms = 0 AND base_gid < ?`, cutoff, cutoff, cutoff)
			if err != nil {
				return fmt.Errorf("advance cursors: %w", err)
			}
		}
		var floor int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(base_gid), (SELECT COALESCE(MAX(gid), 0) FROM events)) FROM devices WHERE revoked_ms = 0`).Scan(&floor); err != nil {
			return fmt.Errorf("find floor: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM events WHERE gid <= ?`, floor)
		if err != nil {
			return fmt.Errorf("delete events: %w", err)
		}
		deleted, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("trim events: %w", err)
	}
	if deleted > 0 {
		db.recent.reset() // never serve an event the store no longer has
	}
	return deleted, nil
}

// txEvents holds the events each open write transaction (see writeTx) has
// inserted; writeTx moves them to the DB's recentEvents when the transaction
// commits and drops them when it rolls back. An event inserted in a
// transaction writeTx did not open is not kept, so it is read from the store.
var txEvents = txEventLog{m: map[*sql.Tx][]Event{}}

type txEventLog struct {
	mu sync.Mutex
	m  map[*sql.Tx][]Event
}

func (l *txEventLog) begin(tx *sql.Tx) {
	l.mu.Lock()
	l.m[tx] = nil
	l.mu.Unlock()
}

func (l *txEventLog) add(tx *sql.Tx, e Event) {
	l.mu.Lock()
	if evs, ok := l.m[tx]; ok {
		l.m[tx] = append(evs, e)
	}
	l.mu.Unlock()
}

// end forgets tx and returns the events it inserted.
func (l *txEventLog) end(tx *sql.Tx) []Event {
	l.mu.Lock()
	evs := l.m[tx]
	delete(l.m, tx)
	l.mu.Unlock()
	return evs
}

// recentEventsKept bounds recentEvents (it holds between this and twice as
// many): the hub reads them right after the commit, so a few transactions'
// worth is plenty.
const recentEventsKept = 512

// recentEvents keeps the events of this process's latest committed write
// transactions, ordered by gid, so the hub can fan out a change without
// reading back what was just written. Only a contiguous run of gids is
// served; anything else falls back to the store.
type recentEvents struct {
	mu  sync.Mutex
	evs []Event
}

func (r *recentEvents) add(evs []Event) {
	if len(evs) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range evs {
		// Transactions commit in gid order but may get here out of it.
		i := len(r.evs)
		for i > 0 && r.evs[i-1].GID > e.GID {
			i--
		}
		r.evs = slices.Insert(r.evs, i, e)
	}
	// Dropped in bulk, so a commit does not copy the whole window each time.
	if len(r.evs) >= 2*recentEventsKept {
		r.evs = append(r.evs[:0:0], r.evs[len(r.evs)-recentEventsKept:]...)
	}
}

func (r *recentEvents) reset() {
	r.mu.Lock()
	r.evs = nil
	r.mu.Unlock()
}

func (r *recentEvents) after(after int64, limit int) ([]Event, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i, found := slices.BinarySearchFunc(r.evs, after+1, func(e Event, gid int64) int { return cmp.Compare(e.GID, gid) })
	if !found {
		return nil, false
	}
	var out []Event
	for want := after + 1; i < len(r.evs) && len(out) < limit && r.evs[i].GID == want; i, want = i+1, want+1 {
		out = append(out, r.evs[i])
	}
	return out, true
}
