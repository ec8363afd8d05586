package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// SyncActor is who the Google sync writes as: its changes are audited as
// the sync's and never queued back for Google.
var SyncActor = contacts.Actor{Kind: contacts.ActorSync, Name: "Google sync"}

// SyncTx is a write transaction of the Google sync engine: it applies what
// Google sent, links contacts and keeps the sync's bookkeeping, all in one
// commit. Never call the network while holding one.
type SyncTx struct {
	db  *DB
	tx  *sql.Tx
	ctx context.Context
	now time.Time
}

// SyncTx runs fn in one write transaction acting as the sync. The sync is
// a background job: waiting foreground writers go first.
func (db *DB) SyncTx(ctx context.Context, fn func(tx *SyncTx) error) error {
	ctx = contacts.WithActor(ctx, SyncActor)
	return db.inBackgroundTx(ctx, func(tx *sql.Tx) error {
		return fn(&SyncTx{db: db, tx: tx, ctx: ctx, now: db.Now()})
	})
}

// SyncBatch runs fn(tx, i) for i = 0, 1, ... n-1 acting as the sync, in one
// transaction of at most about maxTime, ended early (after at least one)
// when a phone's write waits. It returns how many ran.
func (db *DB) SyncBatch(ctx context.Context, n int, maxTime time.Duration, fn func(tx *SyncTx, i int) error) (int, error) {
	ctx = contacts.WithActor(ctx, SyncActor)
	var st *SyncTx
	return db.backgroundBatch(ctx, n, maxTime, func(tx *sql.Tx, i int) error {
		if st == nil || st.tx != tx {
			st = &SyncTx{db: db, tx: tx, ctx: ctx, now: db.Now()}
		}
		return fn(st, i)
	})
}

// Now is the transaction's clock.
func (t *SyncTx) Now() time.Time { return t.now }

// Contact returns a contact by ID, tombstones included.
func (t *SyncTx) Contact(id string) (*contacts.Contact, error) {
	return anyContactByID(t.ctx, t.tx, id)
}

// ContactByResource returns the live contact linked to a Google resource
// name (ENotFound if none).
func (t *SyncTx) ContactByResource(name string) (*contacts.Contact, error) {
	b, err := baseByResource(t.ctx, t.tx, name)
	if err == nil {
		c, err := anyContactByID(t.ctx, t.tx, b.ContactID)
		if err == nil && !c.Deleted {
			return c, nil
		}
		if err != nil && contacts.ErrorCode(err) != contacts.ENotFound {
			return nil, err
		}
	} else if contacts.ErrorCode(err) != contacts.ENotFound {
		return nil, err
	}
	return scanContact(t.tx.QueryRowContext(t.ctx, `SELECT data, rev, deleted FROM contacts WHERE resource_name = ? AND deleted = 0`, name), "contact "+name)
}

// Base returns a contact's base (ENotFound if it is not linked).
func (t *SyncTx) Base(contactID string) (*SyncBase, error) {
	return baseByContact(t.ctx, t.tx, contactID)
}

// Bases returns every link: resource name -> contact ID.
func (t *SyncTx) Bases() (map[string]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT resource_name, contact_id FROM sync_base`)
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var rn, id string
		if err := rows.Scan(&rn, &id); err != nil {
			return nil, fmt.Errorf("list links: %w", err)
		}
		out[rn] = id
	}
	return out, rows.Err()
}

// CreateContact stores a contact that came from Google. Its numbers must
// be normalized already.
func (t *SyncTx) CreateContact(c *contacts.Contact) error {
	if c.ID == "" {
		c.ID = contacts.NewID()
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = t.now
	}
	c.UpdatedAt = t.now
	if err := insertContact(t.ctx, t.tx, c, ""); err != nil {
		return err
	}
	if err := audit(t.ctx, t.tx, t.now, "contact.create", c.ID, c.Name()); err != nil {
		return err
	}
	return adoptOrphans(t.ctx, t.tx, c)
}

// SaveContact stores a contact changed by Google's side.
func (t *SyncTx) SaveContact(c *contacts.Contact) error {
	old, err := contactByID(t.ctx, t.tx, c.ID)
	if err != nil {
		return err
	}
	c.CreatedAt, c.UpdatedAt = old.CreatedAt, t.now
	if err := saveContact(t.ctx, t.tx, c); err != nil {
		return err
	}
	if err := audit(t.ctx, t.tx, t.now, "contact.update", c.ID, ChangedFields(old, c)); err != nil {
		return err
	}
	return adoptOrphans(t.ctx, t.tx, c)
}

// DeleteContact tombstones a contact deleted in Google and unlinks it.
func (t *SyncTx) DeleteContact(id string) error {
	rev, err := nextRev(t.ctx, t.tx)
	if err != nil {
		return err
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE contacts SET deleted = 1, rev = ?, updated_ms = ?, resource_name = NULL WHERE id = ? AND deleted = 0`, rev, ms(t.now), id)
	if err != nil {
		return fmt.Errorf("mark deleted: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return t.DropBase(id)
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM contact_numbers WHERE contact_id = ?`, id); err != nil {
		return fmt.Errorf("clear numbers: %w", err)
	}
	if err := audit(t.ctx, t.tx, t.now, "contact.delete", id, "deleted in Google"); err != nil {
		return err
	}
	if err := insertEvent(t.ctx, t.tx, "", EventContactRemoved, id, "", ms(t.now)); err != nil {
		return err
	}
	return t.DropBase(id)
}

// SetBase links a contact to a Google contact and stores the version seen,
// keeping the contact's resource_name and etag in step (without a new rev:
// phones do not show them).
func (t *SyncTx) SetBase(b SyncBase) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE contacts SET resource_name = NULL WHERE resource_name = ? AND id != ?`, b.ResourceName, b.ContactID); err != nil {
		return fmt.Errorf("release resource name: %w", err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM sync_base WHERE resource_name = ? AND contact_id != ?`, b.ResourceName, b.ContactID); err != nil {
		return fmt.Errorf("release resource name: %w", err)
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO sync_base (contact_id, resource_name, etag, person, synced_ms) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(contact_id) DO UPDATE SET resource_name = excluded.resource_name, etag = excluded.etag, person = excluded.person, synced_ms = excluded.synced_ms`,
		b.ContactID, b.ResourceName, b.Etag, b.Person, ms(t.now))
	if err != nil {
		return fmt.Errorf("store sync base: %w", err)
	}
	_, err = t.tx.ExecContext(t.ctx, `UPDATE contacts SET resource_name = ?, data = json_set(data, '$.resource_name', ?, '$.etag', ?) WHERE id = ?`,
		b.ResourceName, b.ResourceName, b.Etag, b.ContactID)
	if err != nil {
		return fmt.Errorf("link contact: %w", err)
	}
	return nil
}

// DropBase unlinks a contact from Google.
func (t *SyncTx) DropBase(contactID string) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM sync_base WHERE contact_id = ?`, contactID); err != nil {
		return fmt.Errorf("drop sync base: %w", err)
	}
	_, err := t.tx.ExecContext(t.ctx, `UPDATE contacts SET resource_name = NULL, data = json_remove(data, '$.resource_name', '$.etag') WHERE id = ?`, contactID)
	if err != nil {
		return fmt.Errorf("unlink contact: %w", err)
	}
	return nil
}

// Enqueue queues a push of the contact (the merge left local changes that
// Google has not got yet). Nothing is queued twice.
func (t *SyncTx) Enqueue(contactID string) error {
	var n int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM sync_outbox WHERE op = ? AND contact_id = ?`, OutboxContact, contactID).Scan(&n); err != nil {
		return fmt.Errorf("read outbox: %w", err)
	}
	if n > 0 {
		return nil
	}
	return addOutbox(t.ctx, t.tx, OutboxContact, contactID, "")
}

// DoneContact removes the queued pushes of a contact up to id upto: the
// state pushed covered them.
func (t *SyncTx) DoneContact(contactID string, upto int64) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM sync_outbox WHERE op = ? AND contact_id = ? AND id <= ?`, OutboxContact, contactID, upto); err != nil {
		return fmt.Errorf("clear outbox: %w", err)
	}
	return nil
}

// DoneOutbox removes one outbox entry.
func (t *SyncTx) DoneOutbox(id int64) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM sync_outbox WHERE id = ?`, id); err != nil {
		return fmt.Errorf("clear outbox: %w", err)
	}
	return nil
}

// State reads a sync state value; SetState writes one (nil deletes it).
func (t *SyncTx) State(key string, v any) (bool, error) { return readState(t.ctx, t.tx, key, v) }

// SetState writes a sync state value (nil deletes it).
func (t *SyncTx) SetState(key string, v any) error { return writeState(t.ctx, t.tx, key, v) }

// Normalizer is the store's number normalizer.
func (t *SyncTx) Normalizer() contacts.Normalizer { return t.db.norm }

// EnqueueUnlinked queues a push of every live contact not yet in Google,
// not held by the matching and not queued already (after a full sync:
// what Google lacks), in the bulk lane.
func (t *SyncTx) EnqueueUnlinked() (int, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO sync_outbox (op, contact_id, arg, created_ms, bulk)
		SELECT ?, c.id, '', ?, 1 FROM contacts c
		WHERE c.deleted = 0 AND c.id NOT IN (SELECT contact_id FROM sync_base)
		  AND c.id NOT IN (SELECT contact_id FROM sync_hold_local)
		  AND c.id NOT IN (SELECT contact_id FROM sync_outbox WHERE op = ?)
		ORDER BY c.created_ms, c.id`, OutboxContact, ms(t.now), OutboxContact)
	if err != nil {
		return 0, fmt.Errorf("queue unlinked contacts: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// BaseByResource returns the base linked to a Google resource name
// (ENotFound if none); its contact may be a tombstone.
func (t *SyncTx) BaseByResource(name string) (*SyncBase, error) {
	return baseByResource(t.ctx, t.tx, name)
}
