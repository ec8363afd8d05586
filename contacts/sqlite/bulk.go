package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// ImportOp is one contact an import writes. With TargetID empty it creates
// Contact (keeping its ID when no other contact, live or removed, has it);
// otherwise it merges each of Merge into the stored contact TargetID. History
// joins the contact, skipping entries it already has.
type ImportOp struct {
	TargetID string
	Contact  *contacts.Contact
	Merge    []*contacts.Contact
	History  []contacts.SeedEntry
	Source   string // "file.xlsx row 12", for the audit log
}

// ImportResult says what ApplyImport did with one op.
type ImportResult struct {
	ContactID string
	Created   bool
	Changed   bool // a merge changed the stored contact
	History   int  // history entries added
}

// ApplyImport writes ops in one transaction, as the store's own writes do:
// each new or changed contact gets a new rev, a card.updated event and an
// audit line, so phones and the Google sync see imported contacts like any
// other. Callers batch a large import into several calls (~500 ops each).
func (db *DB) ApplyImport(ctx context.Context, ops []ImportOp) ([]ImportResult, error) {
	out := make([]ImportResult, len(ops))
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		for i := range ops {
			res, err := db.applyOp(ctx, tx, &ops[i], now)
			if err != nil {
				return fmt.Errorf("%s: %w", ops[i].Source, err)
			}
			out[i] = res
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return out, nil
}

func (db *DB) applyOp(ctx context.Context, tx *sql.Tx, op *ImportOp, now time.Time) (ImportResult, error) {
	var c *contacts.Contact
	res := ImportResult{}
	if op.TargetID == "" {
		c = op.Contact
		if err := db.norm.NormalizeContact(c); err != nil {
			return res, err
		}
		if err := c.Validate(); err != nil {
			return res, err
		}
		if !UsableID(c.ID) || exists(ctx, tx, `SELECT 1 FROM contacts WHERE id = ?`, c.ID) {
			c.ID = contacts.NewID()
		}
		if c.ResourceName != "" && exists(ctx, tx, `SELECT 1 FROM contacts WHERE resource_name = ?`, c.ResourceName) {
			c.ResourceName, c.Etag = "", ""
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		c.UpdatedAt = now
		if err := insertContact(ctx, tx, c, ""); err != nil {
			return res, err
		}
		if err := audit(ctx, tx, now, "contact.import", c.ID, op.Source+": "+c.Name()); err != nil {
			return res, err
		}
		if err := adoptOrphans(ctx, tx, c); err != nil {
			return res, err
		}
		res.Created, res.Changed = true, true
	} else {
		old, err := contactByID(ctx, tx, op.TargetID)
		if err != nil {
			return res, err
		}
		c = cloneContact(old)
		for _, m := range op.Merge {
			if err := db.norm.NormalizeContact(m); err != nil {
				return res, err
			}
			MergeFields(c, m)
		}
		if ChangedFields(old, c) != "" {
			c.UpdatedAt = now
			if err := saveContact(ctx, tx, c); err != nil {
				return res, err
			}
			if err := audit(ctx, tx, now, "contact.update", c.ID, op.Source+": "+ChangedFields(old, c)); err != nil {
				return res, err
			}
			if err := adoptOrphans(ctx, tx, c); err != nil {
				return res, err
			}
			res.Changed = true
		}
	}
	res.ContactID = c.ID
	fresh := newHistory(ctx, tx, c.ID, op.History)
	if len(fresh) > 0 {
		if err := importHistory(ctx, tx, c, fresh); err != nil {
			return res, err
		}
		if !res.Changed {
			if err := touchContact(ctx, tx, c.ID, ms(now)); err != nil {
				return res, err
			}
		}
		res.History = len(fresh)
	}
	return res, nil
}

// newHistory drops the entries a contact already has (an export imported
// twice adds its history once).
func newHistory(ctx context.Context, tx *sql.Tx, contactID string, hist []contacts.SeedEntry) []contacts.SeedEntry {
	var out []contacts.SeedEntry
	for _, h := range hist {
		var q string
		var args []any
		switch h.Kind {
		case contacts.KindCall:
			q, args = `SELECT 1 FROM calls WHERE contact_id = ? AND started_ms = ? AND direction = ?`, []any{contactID, ms(h.At), h.Direction}
		case contacts.KindNote:
			q, args = `SELECT 1 FROM notes WHERE contact_id = ? AND at_ms = ? AND text = ?`, []any{contactID, ms(h.At), h.Text}
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

// UsableID reports whether an imported contact may keep id as its ID: a
// ringcard export's IDs (UUIDs, or the demo set's "demo-0001") are kept so
// its history finds its contacts; anything odd gets a new ID.
func UsableID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func exists(ctx context.Context, q queryer, query string, args ...any) bool {
	var one int
	return q.QueryRowContext(ctx, query, args...).Scan(&one) == nil
}

// EachContact calls fn with every live contact, oldest first, reading in
// pages so a large store is never held in memory at once.
func (db *DB) EachContact(ctx context.Context, fn func(*contacts.Contact) error) error {
	var afterMS int64 = -1
	afterID := ""
	for {
		rows, err := db.read.QueryContext(ctx, `SELECT data, rev, created_ms, id FROM contacts WHERE deleted = 0 AND (created_ms, id) > (?, ?) ORDER BY created_ms, id LIMIT 1000`, afterMS, afterID)
		if err != nil {
			return fmt.Errorf("list contacts: %w", err)
		}
		var page []*contacts.Contact
		for rows.Next() {
			var data string
			var rev int64
			if err := rows.Scan(&data, &rev, &afterMS, &afterID); err != nil {
				rows.Close()
				return fmt.Errorf("list contacts: %w", err)
			}
			c, err := decodeContact(data, rev, false)
			if err != nil {
				rows.Close()
				return err
			}
			page = append(page, c)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("list contacts: %w", err)
		}
		for _, c := range page {
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(page) < 1000 {
			return nil
		}
	}
}

// ExportEntry is one history line of an export: the entry, its contact
// ("" for a call or note to a number no contact has) and the number.
type ExportEntry struct {
	ContactID string
	Number    string
	contacts.HistoryEntry
}

// EachHistory calls fn with every call, note and stage change, by contact
// then time.
func (db *DB) EachHistory(ctx context.Context, fn func(ExportEntry) error) error {
	rows, err := db.read.QueryContext(ctx, `
		SELECT COALESCE(contact_id, ''), number_raw, 'call', started_ms, by_name, '', direction, outcome, duration_s, sim_slot, id, '' FROM calls
		UNION ALL SELECT COALESCE(contact_id, ''), number_key, 'note', at_ms, author, text, '', '', 0, 0, call_id, '' FROM notes
		UNION ALL SELECT contact_id, '', 'stage', at_ms, by_name, from_stage, '', '', 0, 0, '', to_stage FROM stage_changes
		ORDER BY 1, 4`)
	if err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e ExportEntry
		var at int64
		if err := rows.Scan(&e.ContactID, &e.Number, &e.Kind, &at, &e.By, &e.Text, &e.Direction, &e.Outcome, &e.DurationS, &e.SIMSlot, &e.CallID, &e.Stage); err != nil {
			return fmt.Errorf("read history: %w", err)
		}
		e.At = fromMS(at)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
