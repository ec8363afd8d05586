package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ringcard/ringcard/messages"
)

// ExpiredSMS returns SMS handed to a phone that said nothing of them (still
// dispatched) although their send_before is at or before cutoff: the phone
// may no longer send them, so they may go to another phone.
func (db *DB) ExpiredSMS(ctx context.Context, cutoff time.Time, limit int) ([]*messages.Message, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+messageCols+` FROM messages WHERE status = ? AND send_before_ms > 0 AND send_before_ms <= ? ORDER BY send_before_ms, id LIMIT ?`,
		messages.StatusDispatched, ms(cutoff), limit) // messages_due finds the dispatched ones: few at any time
	if err != nil {
		return nil, fmt.Errorf("expired sms: %w", err)
	}
	return collectMessages(rows)
}

// PlannedSMS returns SMS planned on a phone and not yet handed to it, in
// due order (what a phone found silent would be handed next).
func (db *DB) PlannedSMS(ctx context.Context, deviceID string, limit int) ([]*messages.Message, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+messageCols+` FROM messages WHERE status = ? AND channel = 'sms' AND device_id = ? ORDER BY due_ms, id LIMIT ?`,
		messages.StatusPlanned, deviceID, limit)
	if err != nil {
		return nil, fmt.Errorf("planned sms: %w", err)
	}
	return collectMessages(rows)
}

// SendSIMs lists the phones and SIMs a group send's messages were planned
// on (where a message whose phone vanished may go instead).
func (db *DB) SendSIMs(ctx context.Context, sendID string) ([]messages.SIMRef, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT DISTINCT device_id, sim_slot FROM messages WHERE send_id = ? AND channel = 'sms' ORDER BY device_id, sim_slot`, sendID)
	if err != nil {
		return nil, fmt.Errorf("send sims: %w", err)
	}
	defer rows.Close()
	var out []messages.SIMRef
	for rows.Next() {
		var r messages.SIMRef
		if err := rows.Scan(&r.DeviceID, &r.Slot); err != nil {
			return nil, fmt.Errorf("send sims: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// HandOff moves an SMS away from a phone that never took it (dispatched
// and expired) or is found silent (planned on it): to another SIM
// (planned again, due at due, so the dispatcher paces it within that
// SIM's caps) or, when to is nil, to failed with reason. Only a message still as
// m was (same status, same phone and SIM) is moved: a status the phone
// reported first (it took the message) wins, and that phone's later
// reports about it are answered "not found" once it moved. It reports
// whether it moved.
func (db *DB) HandOff(ctx context.Context, m *messages.Message, to *messages.SIMRef, reason string, due time.Time) (bool, error) {
	moved := false
	err := db.inBackgroundTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		var res sql.Result
		var err error
		status := messages.StatusFailed
		if to != nil {
			status = messages.StatusPlanned
			res, err = tx.ExecContext(ctx, `UPDATE messages SET status = ?, device_id = ?, sim_slot = ?, due_ms = ?, dispatched_ms = 0, send_before_ms = 0, attempts = attempts + 1, reason = '', updated_ms = ?
				WHERE id = ? AND status = ? AND device_id = ? AND sim_slot = ?`,
				status, to.DeviceID, to.Slot, ms(due), ms(now), m.ID, m.Status, m.DeviceID, m.SIMSlot)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE messages SET status = ?, reason = ?, updated_ms = ? WHERE id = ? AND status = ? AND device_id = ? AND sim_slot = ?`,
				status, reason, ms(now), m.ID, m.Status, m.DeviceID, m.SIMSlot)
		}
		if err != nil {
			return fmt.Errorf("hand off message: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		moved = true
		if err := statusRow(ctx, tx, m.ID, status, reason, ms(now)); err != nil {
			return err
		}
		action := "message.failed"
		if to != nil {
			action = "message.handoff"
		}
		return audit(ctx, tx, now, action, m.ContactID, m.Channel+" to "+m.To+": "+reason)
	})
	return moved, err
}
