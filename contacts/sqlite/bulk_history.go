package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// ImportEntry is one history line an import writes. A call or note keeps
// the number it was made with (NumberRaw as shown, NumberKey normalized;
// the key is worked out from the raw number when missing). NumberSet false
// means the file said nothing of numbers (an export older than the number
// columns): a call then takes its contact's first number, as before.
type ImportEntry struct {
	contacts.SeedEntry
	NumberRaw string
	NumberKey string
	NumberSet bool
	CallID    string // a call's own ID (kept when free), or the call a note is about
	FromStage string // a stage change's previous stage ("": the one before it in the import)
}

// ExportEntry is one history line of an export: the entry, its contact
// ("" for a call or note to a number no contact has) and the number it was
// made with. Notes store only the number's key, so both fields hold it.
type ExportEntry struct {
	ContactID string
	NumberRaw string
	NumberKey string
	contacts.HistoryEntry
}

// EachHistory calls fn with every call, note, stage change and message to
// the client (kind "message", export only: an import skips it), by contact
// then time; calls and notes of unknown numbers come first (ContactID "").
func (db *DB) EachHistory(ctx context.Context, fn func(ExportEntry) error) error {
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT COALESCE(contact_id, ''), number_raw, number_key, 'call', started_ms, by_name, '', direction, outcome, duration_s, sim_slot, id, '' FROM calls
		UNION ALL SELECT COALESCE(contact_id, ''), number_key, number_key, 'note', at_ms, author, text, '', '', 0, 0, call_id, '' FROM notes
		UNION ALL SELECT contact_id, '', '', 'stage', at_ms, by_name, from_stage, '', '', 0, 0, '', to_stage FROM stage_changes
		UNION ALL SELECT contact_id, CASE channel WHEN 'sms' THEN to_addr ELSE '' END, '', 'message', created_ms, created_by,
			channel || ' to ' || to_addr || ' (' || status || CASE WHEN reason != '' THEN ': ' || reason ELSE '' END || '): ' || CASE WHEN subject != '' THEN subject || ' — ' ELSE '' END || text,
			'', '', 0, sim_slot, '', '' FROM messages
		ORDER BY 1, 5`)
	if err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e ExportEntry
		var at int64
		if err := rows.Scan(&e.ContactID, &e.NumberRaw, &e.NumberKey, &e.Kind, &at, &e.By, &e.Text, &e.Direction, &e.Outcome, &e.DurationS, &e.SIMSlot, &e.CallID, &e.Stage); err != nil {
			return fmt.Errorf("read history: %w", err)
		}
		e.At = fromMS(at)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// entryNumber is the number a history line is stored against.
func (db *DB) entryNumber(c *contacts.Contact, h ImportEntry) (raw, key, e164 string) {
	if !h.NumberSet {
		if c != nil && len(c.Numbers) > 0 && h.Kind == contacts.KindCall {
			return c.Numbers[0].Raw, c.Numbers[0].Key, c.Numbers[0].E164
		}
		return "", "", ""
	}
	raw, key = h.NumberRaw, h.NumberKey
	if key == "" && raw != "" {
		if p, err := db.norm.Parse(raw, ""); err == nil {
			key = p.Key
		}
	}
	if strings.HasPrefix(key, "+") {
		if p, err := db.norm.Parse(key, ""); err == nil && p.E164 == key {
			e164 = key
		}
	}
	return raw, key, e164
}

// newHistory drops the entries the store already has (an export imported
// twice adds its history once). contactID "" checks lines of unknown
// numbers by their number, wherever they went.
func (db *DB) newHistory(ctx context.Context, tx *sql.Tx, contactID string, hist []ImportEntry) []ImportEntry {
	var out []ImportEntry
	for _, h := range hist {
		_, key, _ := db.entryNumber(nil, h)
		who, whoArg := `contact_id = ?`, any(contactID)
		if contactID == "" {
			who, whoArg = `number_key = ?`, key
		}
		var q string
		var args []any
		switch h.Kind {
		case contacts.KindCall:
			if h.CallID != "" && exists(ctx, tx, `SELECT 1 FROM calls WHERE id = ?`, h.CallID) {
				continue
			}
			q, args = `SELECT 1 FROM calls WHERE `+who+` AND started_ms = ? AND direction = ?`, []any{whoArg, ms(h.At), h.Direction}
		case contacts.KindNote:
			q, args = `SELECT 1 FROM notes WHERE `+who+` AND at_ms = ? AND text = ?`, []any{whoArg, ms(h.At), h.Text}
		case contacts.KindStage:
			q, args = `SELECT 1 FROM stage_changes WHERE contact_id = ? AND at_ms = ? AND to_stage = ?`, []any{contactID, ms(h.At), h.Stage}
		default:
			continue
		}
		if !exists(ctx, tx, q, args...) {
			out = append(out, h)
		}
	}
	return out
}

// writeHistory inserts history lines, oldest first (a call before the
// notes made at the same moment, so they find it). c is the contact they
// belong to, or nil for calls and notes of numbers no contact had: each of
// those goes to the live contact that has its number now, as a phone's
// call would, or waits against the number (contact_id NULL) until a
// contact has it. It returns the contacts that got lines.
func (db *DB) writeHistory(ctx context.Context, tx *sql.Tx, c *contacts.Contact, hist []ImportEntry) (map[string]bool, error) {
	rank := map[string]int{contacts.KindCall: 0, contacts.KindNote: 1, contacts.KindStage: 2}
	sort.SliceStable(hist, func(i, j int) bool {
		if !hist[i].At.Equal(hist[j].At) {
			return hist[i].At.Before(hist[j].At)
		}
		return rank[hist[i].Kind] < rank[hist[j].Kind]
	})
	touched := map[string]bool{}
	stage := ""
	for _, h := range hist {
		raw, key, e164 := db.entryNumber(c, h)
		contactID := ""
		if c != nil {
			contactID = c.ID
		} else if h.Kind == contacts.KindStage {
			return nil, fmt.Errorf("stage change at %s: a stage change needs its contact", h.At.Format(time.RFC3339))
		} else if key != "" {
			if err := tx.QueryRowContext(ctx, `SELECT n.contact_id FROM contact_numbers n JOIN contacts c ON c.id = n.contact_id
				WHERE n.key = ? AND c.deleted = 0 ORDER BY c.created_ms, c.id LIMIT 1`, key).Scan(&contactID); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, fmt.Errorf("resolve contact: %w", err)
			}
		}
		if contactID != "" {
			touched[contactID] = true
		}
		switch h.Kind {
		case contacts.KindCall:
			id := h.CallID
			if !contacts.ValidID(id) || exists(ctx, tx, `SELECT 1 FROM calls WHERE id = ?`, id) {
				id = contacts.NewID()
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO calls (id, contact_id, number_raw, number_key, e164, direction, outcome, sim_slot, device_id, by_name, started_ms, ended_ms, duration_s, start_hash, end_hash)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, 'import', 'import')`,
				id, nullStr(contactID), raw, key, e164, h.Direction, h.Outcome, h.SIMSlot, h.By, ms(h.At), ms(h.At)+int64(h.DurationS)*1000, h.DurationS)
			if err != nil {
				return nil, fmt.Errorf("insert call: %w", err)
			}
		case contacts.KindNote:
			callID := h.CallID
			if callID != "" && !exists(ctx, tx, `SELECT 1 FROM calls WHERE id = ?`, callID) {
				callID = ""
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO notes (id, contact_id, number_key, call_id, text, author, at_ms, req_hash) VALUES (?, ?, ?, ?, ?, ?, ?, 'import')`,
				contacts.NewID(), nullStr(contactID), key, callID, h.Text, h.By, ms(h.At))
			if err != nil {
				return nil, fmt.Errorf("insert note: %w", err)
			}
		case contacts.KindStage:
			from := stage
			if h.FromStage != "" {
				from = h.FromStage
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO stage_changes (contact_id, from_stage, to_stage, by_name, at_ms) VALUES (?, ?, ?, ?, ?)`,
				contactID, from, h.Stage, h.By, ms(h.At))
			if err != nil {
				return nil, fmt.Errorf("insert stage change: %w", err)
			}
			stage = h.Stage
		default:
			return nil, fmt.Errorf("history kind %q: want call, note or stage", h.Kind)
		}
	}
	return touched, nil
}

// applyNumberHistory writes the calls and notes of numbers no contact had.
func (db *DB) applyNumberHistory(ctx context.Context, tx *sql.Tx, op *ImportOp, now time.Time) (ImportResult, error) {
	res := ImportResult{}
	fresh := db.newHistory(ctx, tx, "", op.History)
	if len(fresh) == 0 {
		return res, nil
	}
	touched, err := db.writeHistory(ctx, tx, nil, fresh)
	if err != nil {
		return res, err
	}
	ids := make([]string, 0, len(touched))
	for id := range touched {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := touchContact(ctx, tx, id, ms(now)); err != nil {
			return res, err
		}
	}
	if err := audit(ctx, tx, now, "history.import", "", fmt.Sprintf("%s: %d calls and notes of numbers without a contact", op.Source, len(fresh))); err != nil {
		return res, err
	}
	res.History = len(fresh)
	return res, nil
}
