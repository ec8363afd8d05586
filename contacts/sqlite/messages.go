package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/messages"
)

// MessageSend is a group send as stored: what goes out, to how many, and
// who was left out.
type MessageSend struct {
	ID        string
	Channel   string
	CreatedBy string
	CreatedAt time.Time
	Subject   string
	Text      string
	Total     int
	Skipped   string // JSON list of {contact_id, name, reason}
	Finish    time.Time
}

// SendProgress counts a send's messages by status.
type SendProgress struct {
	Send     MessageSend
	ByStatus map[string]int
	// LastChange is when any of the send's messages last changed status.
	LastChange time.Time
}

const messageCols = `id, COALESCE(send_id, ''), contact_id, channel, to_addr, device_id, sim_slot, from_addr, subject, text, html, segments, status, reason, due_ms, attempts, created_by, created_ms, updated_ms, send_before_ms`

func scanMessage(sc interface{ Scan(...any) error }) (*messages.Message, error) {
	var m messages.Message
	var due, created, updated, before int64
	if err := sc.Scan(&m.ID, &m.SendID, &m.ContactID, &m.Channel, &m.To, &m.DeviceID, &m.SIMSlot, &m.From, &m.Subject, &m.Text, &m.HTML,
		&m.Segments, &m.Status, &m.Reason, &due, &m.Attempts, &m.CreatedBy, &created, &updated, &before); err != nil {
		return nil, err
	}
	m.Due, m.CreatedAt, m.UpdatedAt, m.SendBefore = fromMS(due), fromMS(created), fromMS(updated), fromMS(before)
	return &m, nil
}

func insertMessage(ctx context.Context, tx *sql.Tx, m *messages.Message, now int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO messages (id, send_id, contact_id, channel, to_addr, device_id, sim_slot, from_addr, subject, text, html, segments, status, due_ms, created_by, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, nullStr(m.SendID), m.ContactID, m.Channel, m.To, m.DeviceID, m.SIMSlot, m.From, m.Subject, m.Text, m.HTML, m.Segments,
		messages.StatusPlanned, ms(m.Due), m.CreatedBy, now, now)
	if err != nil {
		return fmt.Errorf("store message: %w", err)
	}
	return statusRow(ctx, tx, m.ID, messages.StatusPlanned, "", now)
}

func statusRow(ctx context.Context, tx *sql.Tx, id, status, reason string, at int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO message_status (message_id, status, reason, at_ms) VALUES (?, ?, ?, ?)`, id, status, reason, at); err != nil {
		return fmt.Errorf("store message status: %w", err)
	}
	return nil
}

// AddMessage stores one planned message (sent from a client's page) with
// its audit line.
func (db *DB) AddMessage(ctx context.Context, m *messages.Message) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if err := insertMessage(ctx, tx, m, ms(now)); err != nil {
			return err
		}
		return audit(ctx, tx, now, "message.queue", m.ContactID, m.Channel+" to "+m.To+via(m)+": "+m.Text)
	})
}

func via(m *messages.Message) string {
	if m.Channel == messages.SMS {
		return " from SIM " + strconv.Itoa(m.SIMSlot) + " of " + m.DeviceID
	}
	return ""
}

// AddSend stores a group send and all its planned messages in one
// transaction: the send exists whole or not at all, and the unique
// (send, contact) index keeps it to one message per recipient.
func (db *DB) AddSend(ctx context.Context, s MessageSend, msgs []*messages.Message) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		_, err := tx.ExecContext(ctx, `INSERT INTO message_sends (id, channel, created_by, created_ms, subject, text, total, skipped, finish_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, s.Channel, s.CreatedBy, ms(now), s.Subject, s.Text, len(msgs), s.Skipped, ms(s.Finish))
		if err != nil {
			return fmt.Errorf("store send: %w", err)
		}
		for _, m := range msgs {
			m.SendID = s.ID
			if err := insertMessage(ctx, tx, m, ms(now)); err != nil {
				return err
			}
		}
		return audit(ctx, tx, now, "message.send", "", fmt.Sprintf("group %s send %s: %d messages: %s", s.Channel, s.ID, len(msgs), s.Text))
	})
}

// DueMessages returns planned messages of a channel due by now, oldest due
// first.
func (db *DB) DueMessages(ctx context.Context, channel string, now time.Time, limit int) ([]*messages.Message, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+messageCols+` FROM messages WHERE status = ? AND channel = ? AND due_ms <= ? ORDER BY due_ms, id LIMIT ?`,
		messages.StatusPlanned, channel, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due messages: %w", err)
	}
	return collectMessages(rows)
}

func collectMessages(rows *sql.Rows) ([]*messages.Message, error) {
	defer rows.Close()
	var out []*messages.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("read messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SIMSegments counts the segments a SIM was handed since a time (what its
// caps count). The office's mail account is the SIM ("", 0), each e-mail
// one segment.
func (db *DB) SIMSegments(ctx context.Context, deviceID string, slot int, since time.Time) (int, error) {
	var n int
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(SUM(MAX(segments, 1)), 0) FROM messages WHERE device_id = ? AND sim_slot = ? AND dispatched_ms > 0 AND dispatched_ms >= ?`,
		deviceID, slot, ms(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sim usage: %w", err)
	}
	return n, nil
}

// SIMPlanned is a SIM's last planned due time and the segments planned for
// that day, so a new plan continues after what is already waiting (the
// mail account is the SIM ("", 0), as for SIMSegments).
func (db *DB) SIMPlanned(ctx context.Context, deviceID string, slot int, dayStart time.Time) (last time.Time, today int, err error) {
	var lastMS int64
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT COALESCE(MAX(due_ms), 0), COALESCE(SUM(CASE WHEN due_ms >= ? THEN MAX(segments, 1) END), 0) FROM messages WHERE device_id = ? AND sim_slot = ? AND status != 'failed' AND due_ms >= ?`,
		ms(dayStart), deviceID, slot, ms(dayStart)).Scan(&lastMS, &today)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("sim plan: %w", err)
	}
	if lastMS > 0 {
		last = fromMS(lastMS)
	}
	return last, today, nil
}

// dispatchTxTime bounds one transaction of DispatchSMSBatch: a commit
// per message would make the WAL, the checkpoints and the hub's reads of
// new events work for every message; one per batch spreads that over the
// batch, and the bound keeps the write connection free often.
const dispatchTxTime = 2 * time.Millisecond

// DispatchSMSBatch hands planned SMS to their phones: each message is
// marked dispatched in the same transaction that stores its phone's
// numbered event (payload(m) is the event's body), and a message no
// longer planned (another dispatcher, or a retry after a crash, got there
// first) is passed over, so none is handed twice. Several go in one
// transaction, which ends after dispatchTxTime or as soon as a foreground
// writer (a phone's call) waits: a call waits for one message's writes at
// most. It returns how many of msgs it went through (at least one; the
// caller goes on with the rest) and how many of those it dispatched.
func (db *DB) DispatchSMSBatch(ctx context.Context, msgs []*messages.Message, eventType string, payload func(*messages.Message) string) (through, dispatched int, err error) {
	through, err = db.backgroundBatch(ctx, len(msgs), dispatchTxTime, func(tx *sql.Tx, i int) error {
		m := msgs[i]
		done, err := dispatchSMS(ctx, tx, m, eventType, payload(m), ms(db.Now()))
		if done {
			dispatched++
		}
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	return through, dispatched, nil
}

func dispatchSMS(ctx context.Context, tx *sql.Tx, m *messages.Message, eventType, payload string, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE messages SET status = ?, dispatched_ms = ?, updated_ms = ?, send_before_ms = ? WHERE id = ? AND status = ?`,
		messages.StatusDispatched, now, now, ms(m.SendBefore), m.ID, messages.StatusPlanned)
	if err != nil {
		return false, fmt.Errorf("dispatch message: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if err := statusRow(ctx, tx, m.ID, messages.StatusDispatched, "", now); err != nil {
		return false, err
	}
	return true, insertEvent(ctx, tx, m.DeviceID, eventType, "", payload, now)
}

// ClaimEmail marks a planned e-mail as being sent (dispatched) before the
// mail server is called; false when it was not planned any more.
func (db *DB) ClaimEmail(ctx context.Context, id string) (bool, error) {
	done := false
	err := db.inBackgroundTx(ctx, func(tx *sql.Tx) error {
		now := ms(db.Now())
		res, err := tx.ExecContext(ctx, `UPDATE messages SET status = ?, dispatched_ms = ?, attempts = attempts + 1, updated_ms = ? WHERE id = ? AND status = ?`,
			messages.StatusDispatched, now, now, id, messages.StatusPlanned)
		if err != nil {
			return fmt.Errorf("claim e-mail: %w", err)
		}
		n, _ := res.RowsAffected()
		done = n == 1
		return nil
	})
	return done, err
}

// RetryEmail puts a dispatched e-mail back to planned, due at next, after a
// temporary failure (recorded in its history).
func (db *DB) RetryEmail(ctx context.Context, id, reason string, next time.Time) error {
	return db.inBackgroundTx(ctx, func(tx *sql.Tx) error {
		now := ms(db.Now())
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET status = ?, reason = ?, due_ms = ?, updated_ms = ? WHERE id = ? AND status = ?`,
			messages.StatusPlanned, reason, ms(next), now, id, messages.StatusDispatched); err != nil {
			return fmt.Errorf("retry e-mail: %w", err)
		}
		return statusRow(ctx, tx, id, messages.StatusPlanned, "retry: "+reason, now)
	})
}

// errNotYours answers a report about a message that does not exist or
// belongs to another phone (the two look the same to the phone).
var errNotYours = contacts.Errorf(contacts.ENotFound, "message not found")

// ReportMessage records a status for a message. deviceID, when set, must be
// the phone the message was given to. A report that does not advance the
// message (a repeat, or "sent" after "delivered") changes nothing and is
// not an error: reports are idempotent. It returns the message as stored.
func (db *DB) ReportMessage(ctx context.Context, deviceID, id, status, reason string) (*messages.Message, error) {
	var out *messages.Message
	err := db.inBackgroundTx(ctx, func(tx *sql.Tx) error { // calls go first
		m, err := scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageCols+` FROM messages WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errNotYours
		}
		if err != nil {
			return fmt.Errorf("read message: %w", err)
		}
		if deviceID != "" && m.DeviceID != deviceID {
			return errNotYours
		}
		out = m
		if !messages.Advances(m.Status, status) {
			return nil
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET status = ?, reason = ?, updated_ms = ? WHERE id = ?`, status, reason, ms(now), id); err != nil {
			return fmt.Errorf("update message: %w", err)
		}
		m.Status, m.Reason, m.UpdatedAt = status, reason, now
		if err := statusRow(ctx, tx, id, status, reason, ms(now)); err != nil {
			return err
		}
		if status == messages.StatusFailed || (m.SendID == "" && status == messages.StatusSent) {
			return audit(ctx, tx, now, "message."+status, m.ContactID, m.Channel+" to "+m.To+": "+reason)
		}
		return nil
	})
	return out, err
}

// Message returns one message with its status history.
func (db *DB) Message(ctx context.Context, id string) (*messages.Message, error) {
	m, err := scanMessage(db.reader(ctx).QueryRowContext(ctx, `SELECT `+messageCols+` FROM messages WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contacts.Errorf(contacts.ENotFound, "message %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	return m, db.loadHistory(ctx, []*messages.Message{m})
}

// ContactMessages returns a contact's messages, newest first, with their
// histories (for the client page and the export).
func (db *DB) ContactMessages(ctx context.Context, contactID string, limit int) ([]*messages.Message, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+messageCols+` FROM messages WHERE contact_id = ? ORDER BY created_ms DESC, id LIMIT ?`, contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("contact messages: %w", err)
	}
	out, err := collectMessages(rows)
	if err != nil {
		return nil, err
	}
	return out, db.loadHistory(ctx, out)
}

// SendMessages returns a send's messages in due order.
func (db *DB) SendMessages(ctx context.Context, sendID string) ([]*messages.Message, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+messageCols+` FROM messages WHERE send_id = ? ORDER BY due_ms, id`, sendID)
	if err != nil {
		return nil, fmt.Errorf("send messages: %w", err)
	}
	return collectMessages(rows)
}

func (db *DB) loadHistory(ctx context.Context, ms []*messages.Message) error {
	for _, m := range ms {
		rows, err := db.reader(ctx).QueryContext(ctx, `SELECT status, reason, at_ms FROM message_status WHERE message_id = ? ORDER BY at_ms, rowid`, m.ID)
		if err != nil {
			return fmt.Errorf("message history: %w", err)
		}
		for rows.Next() {
			var c messages.StatusChange
			var at int64
			if err := rows.Scan(&c.Status, &c.Reason, &at); err != nil {
				rows.Close()
				return fmt.Errorf("message history: %w", err)
			}
			c.At = fromMS(at)
			m.History = append(m.History, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("message history: %w", err)
		}
	}
	return nil
}

// Send returns a group send with its messages counted by status.
func (db *DB) Send(ctx context.Context, id string) (*SendProgress, error) {
	var s MessageSend
	var created, finish int64
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT id, channel, created_by, created_ms, subject, text, total, skipped, finish_ms FROM message_sends WHERE id = ?`, id).
		Scan(&s.ID, &s.Channel, &s.CreatedBy, &created, &s.Subject, &s.Text, &s.Total, &s.Skipped, &finish)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contacts.Errorf(contacts.ENotFound, "send %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read send: %w", err)
	}
	s.CreatedAt, s.Finish = fromMS(created), fromMS(finish)
	p := &SendProgress{Send: s, ByStatus: map[string]int{}}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT status, COUNT(*), MAX(updated_ms) FROM messages WHERE send_id = ? GROUP BY status`, id)
	if err != nil {
		return nil, fmt.Errorf("send progress: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		var last int64
		if err := rows.Scan(&st, &n, &last); err != nil {
			return nil, fmt.Errorf("send progress: %w", err)
		}
		p.ByStatus[st] = n
		if t := fromMS(last); t.After(p.LastChange) {
			p.LastChange = t
		}
	}
	return p, rows.Err()
}

// OptOut is a contact's refusal of a channel.
type OptOut struct {
	NoSMS, NoEmail bool
	Source         string
}

// SetOptOut records a contact's opt-out (nil leaves a channel as it is),
// with an audit line saying where it came from.
func (db *DB) SetOptOut(ctx context.Context, contactID string, noSMS, noEmail *bool, source string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		cur, err := optOut(ctx, tx, contactID)
		if err != nil {
			return err
		}
		if noSMS != nil {
			cur.NoSMS = *noSMS
		}
		if noEmail != nil {
			cur.NoEmail = *noEmail
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO contact_optouts (contact_id, no_sms, no_email, updated_ms, source) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(contact_id) DO UPDATE SET no_sms = excluded.no_sms, no_email = excluded.no_email, updated_ms = excluded.updated_ms, source = excluded.source`,
			contactID, cur.NoSMS, cur.NoEmail, ms(now), source)
		if err != nil {
			return fmt.Errorf("store opt-out: %w", err)
		}
		return audit(ctx, tx, now, "contact.optout", contactID, fmt.Sprintf("no SMS: %v, no e-mail: %v (%s)", cur.NoSMS, cur.NoEmail, source))
	})
}

func optOut(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, contactID string) (OptOut, error) {
	var o OptOut
	err := q.QueryRowContext(ctx, `SELECT no_sms, no_email, source FROM contact_optouts WHERE contact_id = ?`, contactID).Scan(&o.NoSMS, &o.NoEmail, &o.Source)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("read opt-out: %w", err)
	}
	return o, nil
}

// ContactOptOut returns a contact's opt-outs (none when never set).
func (db *DB) ContactOptOut(ctx context.Context, contactID string) (OptOut, error) {
	return optOut(ctx, db.reader(ctx), contactID)
}

// OptOuts returns every contact with an opt-out.
func (db *DB) OptOuts(ctx context.Context) (map[string]OptOut, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT contact_id, no_sms, no_email, source FROM contact_optouts WHERE no_sms OR no_email`)
	if err != nil {
		return nil, fmt.Errorf("read opt-outs: %w", err)
	}
	defer rows.Close()
	out := map[string]OptOut{}
	for rows.Next() {
		var id string
		var o OptOut
		if err := rows.Scan(&id, &o.NoSMS, &o.NoEmail, &o.Source); err != nil {
			return nil, fmt.Errorf("read opt-outs: %w", err)
		}
		out[id] = o
	}
	return out, rows.Err()
}

// FailInterruptedEmail marks failed every e-mail left dispatched by a
// server that stopped while sending it: it may have gone, so it is never
// sent again on its own.
func (db *DB) FailInterruptedEmail(ctx context.Context, reason string) (int, error) {
	var waiting int
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE channel = 'email' AND status = ?`, messages.StatusDispatched).Scan(&waiting); err != nil {
		return 0, fmt.Errorf("interrupted e-mail: %w", err)
	}
	if waiting == 0 {
		return 0, nil // no write at all on an ordinary start
	}
	n := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := ms(db.Now())
		rows, err := tx.QueryContext(ctx, `SELECT id FROM messages WHERE channel = 'email' AND status = ?`, messages.StatusDispatched)
		if err != nil {
			return fmt.Errorf("interrupted e-mail: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("interrupted e-mail: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE messages SET status = ?, reason = ?, updated_ms = ? WHERE id = ?`, messages.StatusFailed, reason, now, id); err != nil {
				return fmt.Errorf("interrupted e-mail: %w", err)
			}
			if err := statusRow(ctx, tx, id, messages.StatusFailed, reason, now); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}
