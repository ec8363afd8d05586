package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// unended is the condition of a call still open; the partial indexes of
// migration 0011 are on exactly these terms, so keep them verbatim.
const unended = `outcome = '' AND ended_ms = 0`

// closeOnNextCall finds the calls a new call on the same SIM closes.
const closeOnNextCall = `device_id = ? AND sim_slot = ? AND ` + unended + ` AND id != ? AND started_ms <= ?`

// StartCallEnding is StartCall that also closes, in the same transaction,
// the calls still open on the same phone and SIM that started before this
// one: a phone that starts a new call on a SIM is no longer on the earlier
// one there, whose end it never reported (it crashed, lost its network).
// The calls it closed are returned (none for a retried call_id).
//
// Call waiting (a second call ringing on the line while the first goes on)
// closes the first too; the phone's own call.ended for it, when it comes,
// replaces the server's close (EndCall), so the history ends up true.
func (db *DB) StartCallEnding(ctx context.Context, c *contacts.Call) (created bool, ended []*contacts.Call, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if created, err = startCall(ctx, tx, db, c); err != nil || !created {
			return err
		}
		ended, err = closeUnended(ctx, tx, db.Now(), contacts.EndNextCall, c.StartedAt, "calls_unended_sim", closeOnNextCall, c.DeviceID, c.SIMSlot, c.ID, ms(c.StartedAt))
		return err
	})
	if err != nil {
		return false, nil, fmt.Errorf("start call %s: %w", c.ID, err)
	}
	return created, ended, nil
}

// CloseCallsOpenSince closes every call still open that started at or
// before cutoff (now minus the office's calls.open_limit): its phone will
// not report the end any more. It returns the calls closed.
func (db *DB) CloseCallsOpenSince(ctx context.Context, cutoff time.Time) ([]*contacts.Call, error) {
	var out []*contacts.Call
	err := db.inBackgroundTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = closeUnended(ctx, tx, db.Now(), contacts.EndOpenLimit, db.Now(), "calls_unended_started", unended+` AND started_ms <= ?`, ms(cutoff))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("close calls open too long: %w", err)
	}
	return out, nil
}

// CloseDeviceCalls closes the calls of a device still open, except those
// in keep, for the reason given (contacts.EndPhoneGone or EndPhoneResume),
// and returns them. Only calls started at or before upTo are closed: a
// call reported since is news from a live phone.
func (db *DB) CloseDeviceCalls(ctx context.Context, deviceID string, keep []string, reason string, upTo time.Time) ([]*contacts.Call, error) {
	var out []*contacts.Call
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		list, err := jsonString(keep)
		if err != nil {
			return err
		}
		if keep == nil {
			list = "[]"
		}
		out, err = closeUnended(ctx, tx, db.Now(), reason, db.Now(), "calls_unended_sim",
			`device_id = ? AND `+unended+` AND started_ms <= ? AND id NOT IN (SELECT value FROM json_each(?))`, deviceID, ms(upTo), list)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("close calls of device %s: %w", deviceID, err)
	}
	return out, nil
}

// ReopenCalls opens again the device's calls in ids that the server
// closed for want of news (phone_gone, next_call...) but the phone, back,
// says are still going on, if they started after since (the bound still
// holds). A call the phone itself ended is never reopened. It returns the
// calls reopened.
func (db *DB) ReopenCalls(ctx context.Context, deviceID string, ids []string, since time.Time) ([]*contacts.Call, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []*contacts.Call
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		list, err := jsonString(ids)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+callColumns+` FROM calls WHERE device_id = ? AND outcome = '' AND end_unreported != ''
			AND started_ms > ? AND id IN (SELECT value FROM json_each(?))`, deviceID, ms(since), list)
		if err != nil {
			return fmt.Errorf("read closed calls: %w", err)
		}
		out, err = scanCalls(rows)
		if err != nil {
			return err
		}
		for _, c := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE calls SET ended_ms = 0, end_unreported = '' WHERE id = ?`, c.ID); err != nil {
				return fmt.Errorf("reopen call: %w", err)
			}
			c.EndedAt, c.EndNotReported = time.Time{}, ""
			if err := audit(ctx, tx, db.Now(), "call.reopen", c.ContactID, "the phone says it is still going on"); err != nil {
				return err
			}
			if c.ContactID != "" {
				if err := touchContact(ctx, tx, c.ContactID, ms(db.Now())); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reopen calls of device %s: %w", deviceID, err)
	}
	return out, nil
}

// OldestOpenCall returns when the oldest call still open started; ok is
// false when none is open.
func (db *DB) OldestOpenCall(ctx context.Context) (started time.Time, ok bool, err error) {
	var v sql.NullInt64
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT MIN(started_ms) FROM calls WHERE `+unended).Scan(&v); err != nil {
		return time.Time{}, false, fmt.Errorf("oldest open call: %w", err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	return fromMS(v.Int64), true, nil
}

// closeUnended closes the open calls matching where: ended at endedAt,
// outcome and duration unknown, end_unreported = reason. Each gets an
// audit line, and its contact a card.updated event (phones drop on_call).
// index names the partial index of open calls to search: left to itself,
// SQLite takes calls_open_all, whose empty outcome also holds every call
// the server closed, and reads them all on each call's start.
func closeUnended(ctx context.Context, tx *sql.Tx, now time.Time, reason string, endedAt time.Time, index, where string, args ...any) ([]*contacts.Call, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+callColumns+` FROM calls INDEXED BY `+index+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read open calls: %w", err)
	}
	calls, err := scanCalls(rows)
	if err != nil {
		return nil, err
	}
	for _, c := range calls {
		at := endedAt
		if at.Before(c.StartedAt) {
			at = c.StartedAt
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calls SET ended_ms = ?, end_unreported = ? WHERE id = ? AND `+unended, ms(at), reason, c.ID); err != nil {
			return nil, fmt.Errorf("close call: %w", err)
		}
		c.EndedAt, c.EndNotReported = at, reason
		if err := audit(ctx, tx, now, "call.end", c.ContactID, contacts.CallSummary(*c)+" ("+strings.ReplaceAll(reason, "_", " ")+")"); err != nil {
			return nil, err
		}
		if c.ContactID != "" {
			if err := touchContact(ctx, tx, c.ContactID, ms(now)); err != nil {
				return nil, err
			}
		}
	}
	return calls, nil
}

func scanCalls(rows *sql.Rows) ([]*contacts.Call, error) {
	defer rows.Close()
	var out []*contacts.Call
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return nil, fmt.Errorf("read calls: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
