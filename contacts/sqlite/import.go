package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/ringcard/ringcard/contacts"
)

// EventResync tells every phone to fetch its directory from the start.
const EventResync = "resync"

// ImportSeed loads contacts with their history in one transaction. It writes
// one resync event for phones instead of an event per contact. Contacts are
// stored with the IDs the seed gives.
func (db *DB) ImportSeed(ctx context.Context, seed []contacts.SeedContact) error {
	ctx = withBulkLane(ctx)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		rev, err := nextRev(ctx, tx)
		if err != nil {
			return err
		}
		for i := range seed {
			sc := &seed[i]
			c := &sc.Contact
			if err := db.norm.NormalizeContact(c); err != nil {
				return fmt.Errorf("contact %s: %w", c.ID, err)
			}
			if err := c.Validate(); err != nil {
				return fmt.Errorf("contact %s: %w", c.ID, err)
			}
			if c.ID == "" {
				c.ID = contacts.NewID()
			}
			if c.CreatedAt.IsZero() {
				c.CreatedAt = now
			}
			c.UpdatedAt = now
			if err := importContact(ctx, tx, c, rev); err != nil {
				return err
			}
			rev++
			if err := importHistory(ctx, tx, c, sc.History); err != nil {
				return fmt.Errorf("contact %s: %w", c.ID, err)
			}
		}
		if err := audit(ctx, tx, now, "contacts.import", "", fmt.Sprintf("%d contacts", len(seed))); err != nil {
			return err
		}
		return insertEvent(ctx, tx, "", EventResync, "", `{"reason":"contacts imported"}`, ms(now))
	})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

func importContact(ctx context.Context, tx *sql.Tx, c *contacts.Contact, rev int64) error {
	c.Rev = rev
	data, err := jsonString(c)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO contacts (id, rev, resource_name, display_name, search, stage, data, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, rev, nullStr(c.ResourceName), c.Name(), SearchText(c), c.Stage, data, ms(c.CreatedAt), ms(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert contact %s: %w", c.ID, err)
	}
	if err := enqueueOutbox(ctx, tx, c.ID); err != nil {
		return err
	}
	return indexNumbers(ctx, tx, c)
}

func importHistory(ctx context.Context, tx *sql.Tx, c *contacts.Contact, hist []contacts.SeedEntry) error {
	sort.SliceStable(hist, func(i, j int) bool { return hist[i].At.Before(hist[j].At) })
	stage := ""
	var key, raw, e164 string
	if len(c.Numbers) > 0 {
		key, raw, e164 = c.Numbers[0].Key, c.Numbers[0].Raw, c.Numbers[0].E164
	}
	for _, h := range hist {
		switch h.Kind {
		case contacts.KindCall:
			_, err := tx.ExecContext(ctx, `INSERT INTO calls (id, contact_id, number_raw, number_key, e164, direction, outcome, sim_slot, device_id, by_name, started_ms, ended_ms, duration_s, start_hash, end_hash)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, 'import', 'import')`,
				contacts.NewID(), c.ID, raw, key, e164, h.Direction, h.Outcome, h.SIMSlot, h.By, ms(h.At), ms(h.At)+int64(h.DurationS)*1000, h.DurationS)
			if err != nil {
				return fmt.Errorf("insert call: %w", err)
			}
		case contacts.KindNote:
			_, err := tx.ExecContext(ctx, `INSERT INTO notes (id, contact_id, number_key, text, author, at_ms, req_hash) VALUES (?, ?, '', ?, ?, ?, 'import')`,
				contacts.NewID(), c.ID, h.Text, h.By, ms(h.At))
			if err != nil {
				return fmt.Errorf("insert note: %w", err)
			}
		case contacts.KindStage:
			_, err := tx.ExecContext(ctx, `INSERT INTO stage_changes (contact_id, from_stage, to_stage, by_name, at_ms) VALUES (?, ?, ?, ?, ?)`,
				c.ID, stage, h.Stage, h.By, ms(h.At))
			if err != nil {
				return fmt.Errorf("insert stage change: %w", err)
			}
			stage = h.Stage
		default:
			return fmt.Errorf("history kind %q: want call, note or stage", h.Kind)
		}
	}
	return nil
}
