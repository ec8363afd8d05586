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
// joins the contact, skipping entries it already has. An op with neither
// TargetID nor Contact carries calls and notes of numbers no contact had:
// they go to the live contact that has the number now, or wait against the
// number as the store keeps unknown callers.
type ImportOp struct {
	TargetID string
	Contact  *contacts.Contact
	Merge    []*contacts.Contact
	History  []ImportEntry
	Source   string // "file.xlsx row 12", for the audit log
}

// ImportResult says what ApplyImport did with one op.
type ImportResult struct {
	ContactID string
	Created   bool
	Changed   bool // a merge changed the stored contact
	History   int  // history entries added
}

// ApplyImport writes ops in order in one transaction, as the store's own
// writes do: each new or changed contact gets a new rev, a card.updated
// event and an audit line, so phones and the Google sync see imported
// contacts like any other. An import is a background job: it lets waiting
// foreground writes go first and ends its transaction early (after at
// least one op) when one waits, so a phone's call is never held back by a
// batch. Its changes reach Google in the outbox's bulk lane, behind
// staff's single changes. It returns the results of the ops it wrote, in order; the caller
// goes on with the rest. Callers batch a large import (~500 ops a call).
func (db *DB) ApplyImport(ctx context.Context, ops []ImportOp) ([]ImportResult, error) {
	ctx = withBulkLane(ctx) // Google gets staff's single changes first
	out := make([]ImportResult, 0, len(ops))
	now := db.Now()
	_, err := db.backgroundBatch(ctx, len(ops), 0, func(tx *sql.Tx, i int) error {
		res, err := db.applyOp(ctx, tx, &ops[i], now)
		if err != nil {
			return fmt.Errorf("%s: %w", ops[i].Source, err)
		}
		out = append(out, res)
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
	if op.TargetID == "" && op.Contact == nil {
		return db.applyNumberHistory(ctx, tx, op, now)
	}
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
	fresh := db.newHistory(ctx, tx, c.ID, op.History)
	if len(fresh) > 0 {
		if _, err := db.writeHistory(ctx, tx, c, fresh); err != nil {
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
		rows, err := db.reader(ctx).QueryContext(ctx, `SELECT data, rev, created_ms, id FROM contacts WHERE deleted = 0 AND (created_ms, id) > (?, ?) ORDER BY created_ms, id LIMIT 1000`, afterMS, afterID)
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
