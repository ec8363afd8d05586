package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/ringcard/ringcard/contacts"
)

// AddNote stores a note. The note_id makes it idempotent: the same note
// again returns the stored one (created false); the same note_id with other
// text is a conflict. A note for a number goes to the number's contact, or
// waits against the number until a contact has it.
//
// A note for a contact is one short transaction: the contact is checked and
// moved after the change cursor in one statement, then the note is
// inserted unless its note_id is taken. A retry, rarer, rolls that back and
// answers from the stored note.
func (db *DB) AddNote(ctx context.Context, n *contacts.Note) (created bool, err error) {
	hash := fingerprint(n.ContactID, n.NumberKey, n.CallID, n.Text)
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		touched := false
		if n.ContactID != "" {
			if err := touchLiveContact(ctx, tx, n.ContactID, ms(n.At)); err != nil {
				return err
			}
			touched = true
		} else if err := db.resolveNoteContact(ctx, tx, n); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO notes (id, contact_id, number_key, call_id, text, author, device_id, at_ms, req_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`,
			n.ID, nullStr(n.ContactID), n.NumberKey, n.CallID, n.Text, n.Author, n.DeviceID, ms(n.At), hash)
		if err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
		if k, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("insert note: %w", err)
		} else if k == 0 {
			return errNoteStored
		}
		created = true
		if err := audit(ctx, tx, n.At, "note.add", n.ContactID, n.Text); err != nil {
			return err
		}
		if n.ContactID == "" {
			return nil
		}
		if err := enqueueOutbox(ctx, tx, n.ContactID); err != nil {
			return err
		}
		if touched {
			return nil
		}
		return touchContact(ctx, tx, n.ContactID, ms(n.At))
	})
	if errors.Is(err, errNoteStored) || contacts.ErrorCode(err) == contacts.ENotFound {
		// Already stored (a retry, perhaps of a note whose contact has
		// gone since): the stored note is the answer.
		if stored, ok, serr := db.storedNote(ctx, n.ID, hash); serr != nil {
			return false, fmt.Errorf("add note %s: %w", n.ID, serr)
		} else if ok {
			*n = *stored
			return false, nil
		}
	}
	if err != nil {
		return false, fmt.Errorf("add note %s: %w", n.ID, err)
	}
	return created, nil
}

// errNoteStored ends AddNote's transaction when the note_id is taken.
var errNoteStored = errors.New("note_id already stored")

// storedNote returns the note stored with id (ok false if none); a note
// stored from another request under the same id is a conflict. It reads the
// latest commit, not a snapshot the context may carry.
func (db *DB) storedNote(ctx context.Context, id, hash string) (*contacts.Note, bool, error) {
	var storedHash string
	stored, err := scanNote(db.read.QueryRowContext(ctx, `SELECT `+noteColumns+`, req_hash FROM notes WHERE id = ?`, id), &storedHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read note: %w", err)
	}
	if storedHash != hash {
		return nil, false, contacts.Errorf(contacts.EConflict, "note_id: %s was already used for another note", id)
	}
	return stored, true, nil
}

// resolveNoteContact finds the contact of a note given without one: its
// call's contact, else the contact that has its number (none: the note
// waits against the number).
func (db *DB) resolveNoteContact(ctx context.Context, tx *sql.Tx, n *contacts.Note) error {
	if n.CallID != "" { // a note about a call belongs to that call's contact
		var cid sql.NullString
		var key string
		err := tx.QueryRowContext(ctx, `SELECT contact_id, number_key FROM calls WHERE id = ?`, n.CallID).Scan(&cid, &key)
		if err == nil && n.NumberKey == "" {
			n.ContactID, n.NumberKey = cid.String, key
			if n.ContactID != "" {
				return nil
			}
		}
	}
	if n.NumberKey == "" {
		return contacts.Errorf(contacts.EInvalid, "contact_id: a note needs contact_id or number")
	}
	err := tx.QueryRowContext(ctx, `SELECT n.contact_id FROM contact_numbers n JOIN contacts c ON c.id = n.contact_id
		WHERE n.key = ? AND c.deleted = 0 ORDER BY c.created_ms, c.id LIMIT 1`, n.NumberKey).Scan(&n.ContactID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("resolve contact: %w", err)
	}
	return nil
}

const noteColumns = `id, COALESCE(contact_id, ''), number_key, call_id, text, author, device_id, at_ms`

func scanNote(s scanner, extra ...any) (*contacts.Note, error) {
	var n contacts.Note
	var at int64
	if err := s.Scan(append([]any{&n.ID, &n.ContactID, &n.NumberKey, &n.CallID, &n.Text, &n.Author, &n.DeviceID, &at}, extra...)...); err != nil {
		return nil, err
	}
	n.At = fromMS(at)
	return &n, nil
}

// SetStage moves a contact's order or lead to a new stage and records who
// moved it.
func (db *DB) SetStage(ctx context.Context, contactID, stage, by, deviceID string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		c, err := contactByID(ctx, tx, contactID)
		if err != nil {
			return err
		}
		if c.Stage == stage {
			return nil
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO stage_changes (contact_id, from_stage, to_stage, by_name, device_id, at_ms) VALUES (?, ?, ?, ?, ?, ?)`,
			contactID, c.Stage, stage, by, deviceID, ms(now)); err != nil {
			return fmt.Errorf("record stage: %w", err)
		}
		if err := audit(ctx, tx, now, "stage.set", contactID, stageText(c.Stage, stage)); err != nil {
			return err
		}
		c.Stage, c.UpdatedAt = stage, now
		return saveContact(ctx, tx, c)
	})
	if err != nil {
		return fmt.Errorf("set stage of %s: %w", contactID, err)
	}
	return nil
}

// History returns up to limit entries of a contact's history (or, when
// contactID is "", of a number no contact has), newest first, skipping the
// call with ID skipCall (the call the card is for). Three simple indexed
// queries, merged here: a UNION of them makes SQLite re-plan on every call.
func (db *DB) History(ctx context.Context, contactID, numberKey string, limit int, skipCall string) ([]contacts.HistoryEntry, error) {
	if limit <= 0 {
		return nil, nil
	}
	// One statement for the three kinds (a card is on the call's path, and
	// each statement costs the same again to run): each kind's latest,
	// newest first, then merged in Go. Entries at the same millisecond come
	// calls, notes, stage changes, each kind the later stored first (its
	// rowid), as each kind's index gives them.
	// The limit is written into the SQL: a bound LIMIT makes SQLite re-plan
	// the statement on every run.
	lim := strconv.Itoa(limit)
	q, args := historyQuery(contactID, numberKey, lim, skipCall)
	rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	type entry struct {
		contacts.HistoryEntry
		kind, rowid int64
	}
	var all []entry
	for rows.Next() {
		var e entry
		var at int64
		var unreported string
		if err := rows.Scan(&e.kind, &e.rowid, &at, &e.By, &e.Text, &e.Direction, &e.Outcome, &e.DurationS, &e.SIMSlot, &e.CallID, &e.Stage, &unreported); err != nil {
			return nil, fmt.Errorf("read history: %w", err)
		}
		e.At = fromMS(at)
		switch e.kind {
		case 0:
			e.Kind = contacts.KindCall
			e.EndNotReported = unreported != ""
			e.Text = contacts.CallSummary(contacts.Call{Direction: e.Direction, Outcome: e.Outcome, DurationS: e.DurationS, EndNotReported: unreported})
		case 1:
			e.Kind = contacts.KindNote
		case 2:
			e.Kind = contacts.KindStage
			e.Text = stageText(e.Text, e.Stage)
		}
		all = append(all, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	slices.SortFunc(all, func(a, b entry) int {
		return cmp.Or(b.At.Compare(a.At), cmp.Compare(a.kind, b.kind), cmp.Compare(b.rowid, a.rowid))
	})
	out := make([]contacts.HistoryEntry, 0, min(len(all), limit))
	for _, e := range all[:min(len(all), limit)] {
		out = append(out, e.HistoryEntry)
	}
	return out, nil
}

// historyQuery is History's statement and its arguments: a contact's
// history when contactID is set, else that of a number no contact has.
// Each kind is its latest lim rows, newest first, from its index; the
// first two columns say the kind (0 call, 1 note, 2 stage) and its rowid.
func historyQuery(contactID, numberKey, lim, skipCall string) (string, []any) {
	const (
		calls  = `SELECT 0, rowid, started_ms, by_name, '', direction, outcome, duration_s, sim_slot, id, '', end_unreported FROM calls WHERE `
		notes  = `SELECT 1, rowid, at_ms, author, text, '', '', 0, 0, call_id, '', '' FROM notes WHERE `
		stages = `SELECT 2, rowid, at_ms, by_name, from_stage, '', '', 0, 0, '', to_stage, '' FROM stage_changes WHERE `
	)
	latest := func(kind, where, at string) string {
		return `SELECT * FROM (` + kind + where + ` ORDER BY ` + at + ` DESC LIMIT ` + lim + `)`
	}
	if contactID != "" {
		return latest(calls, `contact_id = ? AND id != ?`, "started_ms") +
				` UNION ALL ` + latest(notes, `contact_id = ?`, "at_ms") +
				` UNION ALL ` + latest(stages, `contact_id = ?`, "at_ms"),
			[]any{contactID, skipCall, contactID, contactID}
	}
	return latest(calls, `number_key = ? AND contact_id IS NULL AND id != ?`, "started_ms") +
			` UNION ALL ` + latest(notes, `number_key = ? AND contact_id IS NULL`, "at_ms"),
		[]any{numberKey, skipCall, numberKey}
}

func stageText(from, to string) string {
	if to == "" {
		to = "—" // cleared
	}
	if from == "" {
		return "Stage: " + to
	}
	return "Stage: " + from + " → " + to
}
