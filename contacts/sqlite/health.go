package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// DeviceState is a device's delivery health as stored.
type DeviceState struct {
	Connected   bool
	Channel     string // "websocket", "fcm" or ""
	LastError   string
	LastErrorAt time.Time
	SilentSince time.Time // zero unless flagged silent
}

// SetConnected records that a device's socket opened or closed.
func (db *DB) SetConnected(ctx context.Context, id string, connected bool) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		q := `UPDATE devices SET connected = ?, last_seen_ms = MAX(last_seen_ms, ?) WHERE id = ?`
		args := []any{connected, ms(db.Now()), id}
		if connected {
			q = `UPDATE devices SET connected = 1, channel = 'websocket', silent_ms = 0, last_seen_ms = MAX(last_seen_ms, ?) WHERE id = ?`
			args = []any{ms(db.Now()), id}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("record connection: %w", err)
		}
		return nil
	})
}

// ResetConnected marks every device disconnected (at start: no socket
// survives a restart).
func (db *DB) ResetConnected(ctx context.Context) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE devices SET connected = 0 WHERE connected != 0`)
		return err
	})
}

// RecordDelivery records how an event reached (or failed to reach) a
// device: errText "" is a success.
func (db *DB) RecordDelivery(ctx context.Context, id, channel, errText string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if errText == "" {
			_, err = tx.ExecContext(ctx, `UPDATE devices SET channel = ? WHERE id = ?`, channel, id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE devices SET channel = ?, last_error = ?, last_error_ms = ? WHERE id = ?`, channel, contacts.Truncate(errText, 300), ms(db.Now()), id)
		}
		if err != nil {
			return fmt.Errorf("record delivery: %w", err)
		}
		return nil
	})
}

// SetSilent flags (at non-zero) or clears a device as silent.
func (db *DB) SetSilent(ctx context.Context, id string, at time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE devices SET silent_ms = ? WHERE id = ?`, ms(at), id)
		return err
	})
}

// DeviceStates returns every device's health, by device ID.
func (db *DB) DeviceStates(ctx context.Context) (map[string]DeviceState, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, connected, channel, last_error, last_error_ms, silent_ms FROM devices`)
	if err != nil {
		return nil, fmt.Errorf("read device states: %w", err)
	}
	defer rows.Close()
	out := map[string]DeviceState{}
	for rows.Next() {
		var id string
		var s DeviceState
		var errMS, silentMS int64
		if err := rows.Scan(&id, &s.Connected, &s.Channel, &s.LastError, &errMS, &silentMS); err != nil {
			return nil, fmt.Errorf("read device states: %w", err)
		}
		s.LastErrorAt, s.SilentSince = fromMS(errMS), fromMS(silentMS)
		out[id] = s
	}
	return out, rows.Err()
}

// SetSIMPolicy sets what ringcard does with one SIM of a device (and its
// line label, when label is not empty).
func (db *DB) SetSIMPolicy(ctx context.Context, id string, slot int, policy, label string) (*contacts.Device, error) {
	if !contacts.ValidSIMPolicy(policy) {
		return nil, contacts.Errorf(contacts.EInvalid, "policy: work, private or ignore")
	}
	var d *contacts.Device
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if d, err = findDevice(ctx, tx, id); err != nil {
			return err
		}
		if d.Revoked() {
			return contacts.Errorf(contacts.ENotFound, "device %s was revoked", id)
		}
		found := false
		for i := range d.SIMs {
			if d.SIMs[i].Slot == slot {
				d.SIMs[i].Policy, found = policy, true
				if label != "" {
					d.SIMs[i].Label = label
				}
			}
		}
		if !found {
			if slot < 1 || slot > 8 {
				return contacts.Errorf(contacts.EInvalid, "slot: between 1 and 8")
			}
			d.SIMs = append(d.SIMs, contacts.SIM{Slot: slot, Label: label, Policy: policy})
		}
		sims, err := json.Marshal(d.SIMs)
		if err != nil {
			return fmt.Errorf("encode sims: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE devices SET sims = ? WHERE id = ?`, string(sims), d.ID); err != nil {
			return fmt.Errorf("save sims: %w", err)
		}
		return audit(ctx, tx, db.Now(), "device.sim_policy", "", fmt.Sprintf("%s SIM %d: %s", d.Name, slot, policy))
	})
	if err != nil {
		return nil, fmt.Errorf("set SIM policy: %w", err)
	}
	return d, nil
}

// OpenCalls returns every call in progress that started after since, newest
// first: the office's live board.
func (db *DB) OpenCalls(ctx context.Context, since time.Time) ([]*contacts.Call, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+callColumns+` FROM calls INDEXED BY calls_unended_started WHERE `+unended+` AND started_ms > ? ORDER BY started_ms DESC LIMIT 200`, ms(since))
	if err != nil {
		return nil, fmt.Errorf("open calls: %w", err)
	}
	defer rows.Close()
	var out []*contacts.Call
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return nil, fmt.Errorf("open calls: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MaxRev is the newest change cursor position: the directory is complete up
// to it.
func (db *DB) MaxRev(ctx context.Context) (int64, error) {
	var rev int64
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(MAX(rev), 0) FROM contacts`).Scan(&rev); err != nil {
		return 0, fmt.Errorf("max rev: %w", err)
	}
	return rev, nil
}
