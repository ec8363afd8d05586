package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// StartCall records a call the moment a phone reports it. The call_id makes
// it idempotent: the same call again returns the stored call with created
// false; the same call_id with another body is a conflict. The contact with
// the number (if any) is resolved here and moved after the change cursor.
func (db *DB) StartCall(ctx context.Context, c *contacts.Call) (created bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		created, err = startCall(ctx, tx, db, c)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("start call %s: %w", c.ID, err)
	}
	return created, nil
}

// startCall is StartCall inside tx.
func startCall(ctx context.Context, tx *sql.Tx, db *DB, c *contacts.Call) (created bool, err error) {
	hash := fingerprint(c.Direction, c.Number.Raw, strconv.Itoa(c.SIMSlot), strconv.FormatInt(ms(c.StartedAt), 10), c.DeviceID)
	stored, storedHash, _, err := callByID(ctx, tx, c.ID)
	if err == nil {
		if storedHash != hash {
			return false, contacts.Errorf(contacts.EConflict, "call_id: %s was already used for another call", c.ID)
		}
		*c = *stored
		return false, nil
	}
	if contacts.ErrorCode(err) != contacts.ENotFound {
		return false, err
	}
	if c.Number.Key != "" {
		if err := tx.QueryRowContext(ctx, `SELECT n.contact_id FROM contact_numbers n JOIN contacts c ON c.id = n.contact_id
			WHERE n.key = ? AND c.deleted = 0 ORDER BY c.created_ms, c.id LIMIT 1`, c.Number.Key).Scan(&c.ContactID); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("resolve contact: %w", err)
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO calls (id, contact_id, number_raw, number_key, e164, direction, sim_slot, sim_label, device_id, by_name, started_ms, start_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, nullStr(c.ContactID), c.Number.Raw, c.Number.Key, c.Number.E164, c.Direction, c.SIMSlot, c.SIMLabel, c.DeviceID, c.By, ms(c.StartedAt), hash)
	if err != nil {
		return false, fmt.Errorf("insert call: %w", err)
	}
	if err := audit(ctx, tx, db.Now(), "call.start", c.ContactID, c.Direction+" "+c.Number.Raw); err != nil {
		return false, err
	}
	if c.ContactID != "" {
		if err := touchContact(ctx, tx, c.ContactID, ms(db.Now())); err != nil {
			return false, err
		}
	}
	return true, nil
}

// EndCall records how a call ended. Ending it again the same way returns
// the call; ending it differently is a conflict.
func (db *DB) EndCall(ctx context.Context, id, deviceID string, end contacts.Call) (*contacts.Call, error) {
	hash := fingerprint(strconv.FormatInt(ms(end.EndedAt), 10), strconv.Itoa(end.DurationS), end.Outcome)
	var out *contacts.Call
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		c, _, endHash, err := callByID(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case endHash == hash:
			out = c
			return nil
		case endHash != "":
			return contacts.Errorf(contacts.EConflict, "call %s already ended differently", id)
		case end.EndedAt.Before(c.StartedAt):
			return contacts.Errorf(contacts.EInvalid, "ended_at: before the call's started_at")
		}
		// A call the server closed for want of news (end_unreported) takes
		// the phone's own report when it comes after all: it is the truth.
		if _, err := tx.ExecContext(ctx, `UPDATE calls SET outcome = ?, ended_ms = ?, duration_s = ?, end_hash = ?, end_unreported = '' WHERE id = ?`,
			end.Outcome, ms(end.EndedAt), end.DurationS, hash, id); err != nil {
			return fmt.Errorf("end call: %w", err)
		}
		c.Outcome, c.EndedAt, c.DurationS, c.EndNotReported = end.Outcome, end.EndedAt, end.DurationS, ""
		out = c
		if err := audit(ctx, tx, db.Now(), "call.end", c.ContactID, contacts.CallSummary(*c)); err != nil {
			return err
		}
		if c.ContactID != "" {
			return touchContact(ctx, tx, c.ContactID, ms(db.Now()))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("end call %s: %w", id, err)
	}
	return out, nil
}

// Call returns a stored call.
func (db *DB) Call(ctx context.Context, id string) (*contacts.Call, error) {
	c, _, _, err := callByID(ctx, db.reader(ctx), id)
	if err != nil {
		return nil, fmt.Errorf("get call: %w", err)
	}
	return c, nil
}

const callColumns = `id, COALESCE(contact_id, ''), number_raw, number_key, e164, direction, outcome, sim_slot, sim_label, device_id, by_name, started_ms, ended_ms, duration_s, end_unreported`

// callByID reads a call with the fingerprints of its start and end requests.
func callByID(ctx context.Context, q queryer, id string) (c *contacts.Call, startHash, endHash string, err error) {
	c, err = scanCall(q.QueryRowContext(ctx, `SELECT `+callColumns+`, start_hash, end_hash FROM calls WHERE id = ?`, id), &startHash, &endHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", "", contacts.Errorf(contacts.ENotFound, "call %s not found", id)
	}
	if err != nil {
		return nil, "", "", fmt.Errorf("read call: %w", err)
	}
	return c, startHash, endHash, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanCall(s scanner, extra ...any) (*contacts.Call, error) {
	var c contacts.Call
	var started, ended int64
	dest := append([]any{&c.ID, &c.ContactID, &c.Number.Raw, &c.Number.Key, &c.Number.E164, &c.Direction, &c.Outcome,
		&c.SIMSlot, &c.SIMLabel, &c.DeviceID, &c.By, &started, &ended, &c.DurationS, &c.EndNotReported}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	c.StartedAt, c.EndedAt = fromMS(started), fromMS(ended)
	return &c, nil
}

// A contact's (or a number's) latest call that started before a moment,
// other than one call; and a contact's latest call still in progress that
// started after a moment, other than one call.
const (
	lastCallOfContact = `SELECT ` + callColumns + ` FROM calls WHERE contact_id = ? AND started_ms < ? AND id != ? ORDER BY started_ms DESC LIMIT 1`
	lastCallOfNumber  = `SELECT ` + callColumns + ` FROM calls WHERE number_key = ? AND contact_id IS NULL AND started_ms < ? AND id != ? ORDER BY started_ms DESC LIMIT 1`
	openCallOfContact = `SELECT ` + callColumns + ` FROM calls WHERE contact_id = ? AND ` + unended + ` AND started_ms > ? AND id != ? ORDER BY started_ms DESC LIMIT 1`
)

// lastCallBefore is what a last call is looked for before: the given call
// (its start, and not itself), or any time.
func lastCallBefore(before *contacts.Call) (startedMS int64, skip string) {
	if before == nil {
		return 1 << 62, ""
	}
	return ms(before.StartedAt), before.ID
}

// LastAndOpenCall returns a contact's latest call that started before the
// given one (as LastCall) and its latest call still in progress that
// started after openSince, other than skip, read with one statement: a
// contact's card needs both, and it is on the call's path.
func (db *DB) LastAndOpenCall(ctx context.Context, contactID string, before *contacts.Call, skip string, openSince time.Time) (last, open *contacts.Call, err error) {
	beforeMS, skipLast := lastCallBefore(before)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT *, 0 FROM (`+lastCallOfContact+`) UNION ALL SELECT *, 1 FROM (`+openCallOfContact+`)`,
		contactID, beforeMS, skipLast, contactID, ms(openSince), skip)
	if err != nil {
		return nil, nil, fmt.Errorf("last and open call: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var which int
		c, err := scanCall(rows, &which)
		if err != nil {
			return nil, nil, fmt.Errorf("last and open call: %w", err)
		}
		if which == 0 {
			last = c
		} else {
			open = c
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("last and open call: %w", err)
	}
	return last, open, nil
}

// LastCall returns the latest call with the contact (or, when contactID is
// "", with the number key) that started before the given call, by
// started_at. It returns nil when there is none.
func (db *DB) LastCall(ctx context.Context, contactID, numberKey string, before *contacts.Call) (*contacts.Call, error) {
	beforeMS, skip := lastCallBefore(before)
	var row *sql.Row
	if contactID != "" {
		row = db.reader(ctx).QueryRowContext(ctx, lastCallOfContact, contactID, beforeMS, skip)
	} else {
		row = db.reader(ctx).QueryRowContext(ctx, lastCallOfNumber, numberKey, beforeMS, skip)
	}
	c, err := scanCall(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("last call: %w", err)
	}
	return c, nil
}
