package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// Follow-up statuses and the event types phones get.
const (
	FollowupOpen      = "open"
	FollowupDone      = "done"
	FollowupCancelled = "cancelled"

	EventFollowupDue     = "followup.due"
	EventFollowupUpdated = "followup.updated"
)

// Followup is a reminder tied to a contact and a staff member ("call back
// Friday 10:00 about the quote").
type Followup struct {
	ID          string    `json:"followup_id"`
	ContactID   string    `json:"contact_id"`
	ContactName string    `json:"contact_name"`
	Assignee    string    `json:"assignee"`
	Text        string    `json:"text"`
	Due         time.Time `json:"due_at"`
	Status      string    `json:"status"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	DoneBy      string    `json:"done_by,omitempty"`
	DoneAt      time.Time `json:"done_at,omitzero"`
}

// Validate checks a new follow-up.
func (f *Followup) Validate() error {
	switch {
	case !contacts.ValidID(f.ID):
		return contacts.Errorf(contacts.EInvalid, "followup_id: must be a UUID")
	case f.ContactID == "":
		return contacts.Errorf(contacts.EInvalid, "contact_id: required")
	case strings.TrimSpace(f.Assignee) == "":
		return contacts.Errorf(contacts.EInvalid, "assignee: required")
	case strings.TrimSpace(f.Text) == "":
		return contacts.Errorf(contacts.EInvalid, "text: must not be empty")
	case len(f.Text) > contacts.MaxNoteLen:
		return contacts.Errorf(contacts.EInvalid, "text: longer than %d bytes", contacts.MaxNoteLen)
	case f.Due.IsZero():
		return contacts.Errorf(contacts.EInvalid, "due_at: required (RFC 3339)")
	}
	return nil
}

const followupCols = `f.id, f.contact_id, COALESCE(c.display_name, ''), f.assignee, f.text, f.due_ms, f.status, f.created_by, f.created_ms, f.updated_ms, f.done_by, f.done_ms`

func scanFollowup(s scanner) (*Followup, error) {
	var f Followup
	var due, created, updated, done int64
	if err := s.Scan(&f.ID, &f.ContactID, &f.ContactName, &f.Assignee, &f.Text, &due, &f.Status, &f.CreatedBy, &created, &updated, &f.DoneBy, &done); err != nil {
		return nil, err
	}
	f.Due, f.CreatedAt, f.UpdatedAt, f.DoneAt = fromMS(due), fromMS(created), fromMS(updated), fromMS(done)
	return &f, nil
}

// AddFollowup stores a follow-up. Its ID makes it idempotent: the same one
// again returns the stored one (created false), the same ID with other
// content is a conflict.
func (db *DB) AddFollowup(ctx context.Context, f *Followup) (created bool, err error) {
	if err := f.Validate(); err != nil {
		return false, err
	}
	hash := fingerprint(f.ContactID, f.Assignee, f.Text, f.Due.UTC().Format(time.RFC3339))
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var stored string
		switch err := tx.QueryRowContext(ctx, `SELECT req_hash FROM followups WHERE id = ?`, f.ID).Scan(&stored); {
		case err == nil && stored != hash:
			return contacts.Errorf(contacts.EConflict, "followup_id: %s was already used for another follow-up", f.ID)
		case err == nil:
			got, err := followupByID(ctx, tx, f.ID)
			if err == nil {
				*f = *got
			}
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("read follow-up: %w", err)
		}
		if err := contactExists(ctx, tx, f.ContactID); err != nil {
			return err
		}
		now := db.Now()
		f.Status, f.CreatedAt, f.UpdatedAt = FollowupOpen, now, now
		if f.CreatedBy == "" {
			f.CreatedBy = contacts.ActorFrom(ctx).Name
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO followups (id, contact_id, assignee, text, due_ms, status, created_by, created_ms, updated_ms, req_hash) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`,
			f.ID, f.ContactID, f.Assignee, f.Text, ms(f.Due), f.CreatedBy, ms(now), ms(now), hash)
		if err != nil {
			return fmt.Errorf("insert follow-up: %w", err)
		}
		created = true
		if err := audit(ctx, tx, now, "followup.add", f.ContactID, f.Assignee+" "+f.Due.Format(time.RFC3339)+": "+f.Text); err != nil {
			return err
		}
		got, err := followupByID(ctx, tx, f.ID)
		if err != nil {
			return err
		}
		*f = *got
		return notifyAssignee(ctx, tx, f, EventFollowupUpdated, "")
	})
	if err != nil {
		return false, fmt.Errorf("add follow-up: %w", err)
	}
	return created, nil
}

func followupByID(ctx context.Context, q queryer, id string) (*Followup, error) {
	f, err := scanFollowup(q.QueryRowContext(ctx, `SELECT `+followupCols+` FROM followups f LEFT JOIN contacts c ON c.id = f.contact_id WHERE f.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contacts.Errorf(contacts.ENotFound, "follow-up %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read follow-up: %w", err)
	}
	return f, nil
}

// Followup returns one follow-up.
func (db *DB) Followup(ctx context.Context, id string) (*Followup, error) {
	return followupByID(ctx, db.reader(ctx), id)
}

// FollowupFilter narrows Followups; zero fields match everything.
type FollowupFilter struct {
	Assignee  string
	ContactID string
	Status    string // open, done, cancelled
	DueBefore time.Time
	Limit     int
}

// Followups lists follow-ups, soonest due first.
func (db *DB) Followups(ctx context.Context, f FollowupFilter) ([]Followup, error) {
	q := `SELECT ` + followupCols + ` FROM followups f LEFT JOIN contacts c ON c.id = f.contact_id WHERE 1 = 1`
	var args []any
	add := func(cond string, v any) { q += " AND " + cond; args = append(args, v) }
	if f.Assignee != "" {
		add("f.assignee = ?", f.Assignee)
	}
	if f.ContactID != "" {
		add("f.contact_id = ?", f.ContactID)
	}
	if f.Status != "" {
		add("f.status = ?", f.Status)
	}
	if !f.DueBefore.IsZero() {
		add("f.due_ms < ?", ms(f.DueBefore))
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	q += " ORDER BY f.due_ms, f.id LIMIT ?"
	args = append(args, f.Limit)
	rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list follow-ups: %w", err)
	}
	defer rows.Close()
	out := []Followup{}
	for rows.Next() {
		fu, err := scanFollowup(rows)
		if err != nil {
			return nil, fmt.Errorf("list follow-ups: %w", err)
		}
		out = append(out, *fu)
	}
	return out, rows.Err()
}

// FollowupChange is what a phone or the office does to a follow-up: mark
// it done, cancel it, snooze it to a new time, or give it to someone else.
type FollowupChange struct {
	Done     bool
	Cancel   bool
	Snooze   time.Time
	Assignee string
	Text     string
}

// UpdateFollowup applies a change and tells the assignee's phones (and the
// previous assignee's, on a reassignment) with followup.updated.
func (db *DB) UpdateFollowup(ctx context.Context, id string, ch FollowupChange) (*Followup, error) {
	var out *Followup
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		f, err := followupByID(ctx, tx, id)
		if err != nil {
			return err
		}
		now := fromMS(ms(db.Now())) // the answer and the event say what is stored: milliseconds
		by := contacts.ActorFrom(ctx).Name
		prev := ""
		var what []string
		switch {
		case ch.Done:
			f.Status, f.DoneAt, f.DoneBy = FollowupDone, now, by
			what = append(what, "done")
		case ch.Cancel:
			f.Status, f.DoneAt, f.DoneBy = FollowupCancelled, now, by
			what = append(what, "cancelled")
		}
		if !ch.Snooze.IsZero() {
			if f.Status != FollowupOpen {
				return contacts.Errorf(contacts.EConflict, "follow-up %s is %s: it cannot be snoozed", id, f.Status)
			}
			f.Due = ch.Snooze
			what = append(what, "snoozed to "+ch.Snooze.Format(time.RFC3339))
		}
		if a := strings.TrimSpace(ch.Assignee); a != "" && a != f.Assignee {
			prev, f.Assignee = f.Assignee, a
			what = append(what, "reassigned from "+prev+" to "+a)
		}
		if t := strings.TrimSpace(ch.Text); t != "" {
			f.Text = t
			what = append(what, "text")
		}
		if len(what) == 0 {
			return contacts.Errorf(contacts.EInvalid, "nothing to change: give done, cancel, snooze_until, assignee or text")
		}
		_, err = tx.ExecContext(ctx, `UPDATE followups SET assignee = ?, text = ?, due_ms = ?, status = ?, updated_ms = ?, done_ms = ?, done_by = ?, notified_ms = CASE WHEN ? THEN 0 ELSE notified_ms END WHERE id = ?`,
			f.Assignee, f.Text, ms(f.Due), f.Status, ms(now), ms(f.DoneAt), f.DoneBy, !ch.Snooze.IsZero() || prev != "", id)
		if err != nil {
			return fmt.Errorf("update follow-up: %w", err)
		}
		f.UpdatedAt = now
		if err := audit(ctx, tx, now, "followup.update", f.ContactID, strings.Join(what, ", ")); err != nil {
			return err
		}
		out = f
		return notifyAssignee(ctx, tx, f, EventFollowupUpdated, prev)
	})
	if err != nil {
		return nil, fmt.Errorf("update follow-up %s: %w", id, err)
	}
	return out, nil
}

// notifyAssignee stores one event per active device of the assignee (and
// of also, a previous assignee): the hub delivers it.
func notifyAssignee(ctx context.Context, tx *sql.Tx, f *Followup, typ, also string) error {
	payload, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode follow-up: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM devices WHERE revoked_ms = 0 AND (name = ? OR name = ?)`, f.Assignee, also)
	if err != nil {
		return fmt.Errorf("find devices: %w", err)
	}
	var devs []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("find devices: %w", err)
		}
		devs = append(devs, id)
	}
	rows.Close()
	for _, d := range devs {
		if err := insertEvent(ctx, tx, d, typ, f.ContactID, string(payload), ms(f.UpdatedAt)); err != nil {
			return err
		}
	}
	return nil
}

// FireDueFollowups stores a followup.due event for the devices of each open
// follow-up's assignee whose due time has come and that was not announced
// for that due time yet (a snooze re-arms it). It returns how many fired.
func (db *DB) FireDueFollowups(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+followupCols+` FROM followups f LEFT JOIN contacts c ON c.id = f.contact_id
			WHERE f.status = 'open' AND f.due_ms <= ? AND f.notified_ms = 0 ORDER BY f.due_ms LIMIT 500`, ms(now))
		if err != nil {
			return fmt.Errorf("find due follow-ups: %w", err)
		}
		var due []*Followup
		for rows.Next() {
			f, err := scanFollowup(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("find due follow-ups: %w", err)
			}
			due = append(due, f)
		}
		rows.Close()
		for _, f := range due {
			f.UpdatedAt = fromMS(ms(now)) // milliseconds, as every stored time
			if err := notifyAssignee(ctx, tx, f, EventFollowupDue, ""); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE followups SET notified_ms = ? WHERE id = ?`, ms(now), f.ID); err != nil {
				return fmt.Errorf("mark follow-up announced: %w", err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("fire due follow-ups: %w", err)
	}
	return n, nil
}
