package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// SyncConflict is a field both ringcard and Google changed between two
// syncs. Both values were kept visible on the contact; a person resolves it.
type SyncConflict struct {
	ID          int64     `json:"id"`
	ContactID   string    `json:"contact_id"`
	ContactName string    `json:"contact_name"`
	Field       string    `json:"field"`
	Base        string    `json:"base"`
	Local       string    `json:"local"`
	Google      string    `json:"google"`
	CreatedAt   time.Time `json:"created_at"`
	ResolvedAt  time.Time `json:"resolved_at,omitzero"`
	Resolution  string    `json:"resolution,omitempty"`
	ResolvedBy  string    `json:"resolved_by,omitempty"`
}

// AddConflict records a conflict.
func (t *SyncTx) AddConflict(c SyncConflict) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO sync_conflicts (contact_id, field, base_value, local_value, google_value, created_ms) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ContactID, c.Field, c.Base, c.Local, c.Google, ms(t.now))
	if err != nil {
		return fmt.Errorf("record conflict: %w", err)
	}
	return audit(t.ctx, t.tx, t.now, "sync.conflict", c.ContactID, c.Field)
}

const conflictColumns = `k.id, k.contact_id, COALESCE(c.display_name, ''), k.field, k.base_value, k.local_value, k.google_value, k.created_ms, k.resolved_ms, k.resolution, k.resolved_by`

func scanConflict(s scanner) (*SyncConflict, error) {
	var k SyncConflict
	var created, resolved int64
	if err := s.Scan(&k.ID, &k.ContactID, &k.ContactName, &k.Field, &k.Base, &k.Local, &k.Google, &created, &resolved, &k.Resolution, &k.ResolvedBy); err != nil {
		return nil, err
	}
	k.CreatedAt, k.ResolvedAt = fromMS(created), fromMS(resolved)
	return &k, nil
}

// SyncConflicts lists conflicts, newest first: open ones only, or all.
func (db *DB) SyncConflicts(ctx context.Context, openOnly bool, limit int) ([]SyncConflict, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	q := `SELECT ` + conflictColumns + ` FROM sync_conflicts k LEFT JOIN contacts c ON c.id = k.contact_id`
	if openOnly {
		q += ` WHERE k.resolved_ms = 0`
	}
	rows, err := db.reader(ctx).QueryContext(ctx, q+` ORDER BY k.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	defer rows.Close()
	out := []SyncConflict{}
	for rows.Next() {
		k, err := scanConflict(rows)
		if err != nil {
			return nil, fmt.Errorf("list conflicts: %w", err)
		}
		out = append(out, *k)
	}
	return out, rows.Err()
}

// OpenConflictCount is how many conflicts wait for a person.
func (db *DB) OpenConflictCount(ctx context.Context) (int, error) {
	var n int
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_conflicts WHERE resolved_ms = 0`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count conflicts: %w", err)
	}
	return n, nil
}

// ResolveSyncConflict resolves an open conflict: apply changes the contact
// (it is stored as the actor in ctx, so the result goes to Google), and the
// conflict is marked resolved with the given resolution, in one
// transaction.
func (db *DB) ResolveSyncConflict(ctx context.Context, id int64, resolution string, apply func(k *SyncConflict, c *contacts.Contact) error) (*SyncConflict, error) {
	var out *SyncConflict
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		k, err := scanConflict(tx.QueryRowContext(ctx, `SELECT `+conflictColumns+` FROM sync_conflicts k LEFT JOIN contacts c ON c.id = k.contact_id WHERE k.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return contacts.Errorf(contacts.ENotFound, "conflict %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("read conflict: %w", err)
		}
		if !k.ResolvedAt.IsZero() {
			return contacts.Errorf(contacts.EConflict, "conflict %d was already resolved (%s)", id, k.Resolution)
		}
		now := db.Now()
		c, err := contactByID(ctx, tx, k.ContactID)
		switch {
		case err == nil:
			old := *c
			if err := apply(k, c); err != nil {
				return err
			}
			if err := db.norm.NormalizeContact(c); err != nil {
				return err
			}
			if err := c.Validate(); err != nil {
				return err
			}
			c.UpdatedAt = now
			if err := saveContact(ctx, tx, c); err != nil {
				return err
			}
			if err := audit(ctx, tx, now, "contact.update", c.ID, ChangedFields(&old, c)); err != nil {
				return err
			}
		case contacts.ErrorCode(err) != contacts.ENotFound:
			return err
		}
		by := contacts.ActorFrom(ctx).Name
		if _, err := tx.ExecContext(ctx, `UPDATE sync_conflicts SET resolved_ms = ?, resolution = ?, resolved_by = ? WHERE id = ?`, ms(now), resolution, by, id); err != nil {
			return fmt.Errorf("resolve conflict: %w", err)
		}
		k.ResolvedAt, k.Resolution, k.ResolvedBy = fromMS(ms(now)), resolution, by
		out = k
		return audit(ctx, tx, now, "sync.conflict.resolve", k.ContactID, k.Field+": "+resolution)
	})
	if err != nil {
		return nil, fmt.Errorf("resolve conflict %d: %w", id, err)
	}
	return out, nil
}
