package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// Event types the store writes for phones.
const (
	EventCardUpdated    = "card.updated"
	EventContactRemoved = "contact.removed"
	EventDial           = "dial"
)

// CreateContact stores a new contact. A non-empty clientID makes the call
// idempotent: the same clientID again returns the stored contact (created
// false), unless the contact sent differs (a conflict). Calls and notes kept
// against the contact's numbers join its history.
func (db *DB) CreateContact(ctx context.Context, c *contacts.Contact, clientID string) (created bool, err error) {
	if err := db.norm.NormalizeContact(c); err != nil {
		return false, err
	}
	if err := c.Validate(); err != nil {
		return false, err
	}
	now := db.Now()
	if c.ID == "" {
		c.ID = contacts.NewID()
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.UpdatedAt = now
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if clientID != "" {
			existing, err := contactByClientID(ctx, tx, clientID)
			if err == nil {
				if !sameCreate(existing, c) {
					return contacts.Errorf(contacts.EConflict, "client_id: %s was already used for another contact", clientID)
				}
				*c = *existing
				return nil
			}
			if contacts.ErrorCode(err) != contacts.ENotFound {
				return err
			}
		}
		if err := insertContact(ctx, tx, c, clientID); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, "contact.create", c.ID, c.Name()); err != nil {
			return err
		}
		created = true
		return adoptOrphans(ctx, tx, c)
	})
	if err != nil {
		return false, fmt.Errorf("create contact: %w", err)
	}
	return created, nil
}

// sameCreate compares what a phone sends when it creates a contact.
func sameCreate(a, b *contacts.Contact) bool {
	key := func(c *contacts.Contact) string {
		var nums []string
		for _, n := range c.Numbers {
			nums = append(nums, n.Key+"/"+n.Type)
		}
		return strings.Join([]string{c.DisplayName, c.Company, c.JobTitle, c.Note, strings.Join(c.Groups, ","), strings.Join(nums, ",")}, "\x00")
	}
	return key(a) == key(b)
}

func insertContact(ctx context.Context, tx *sql.Tx, c *contacts.Contact, clientID string) error {
	rev, err := nextRev(ctx, tx)
	if err != nil {
		return err
	}
	c.Rev = rev
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode contact: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO contacts (id, rev, client_id, resource_name, display_name, search, stage, data, created_ms, updated_ms, deleted)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
		c.ID, rev, nullStr(clientID), nullStr(c.ResourceName), c.Name(), SearchText(c), c.Stage, string(data), ms(c.CreatedAt), ms(c.UpdatedAt))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return contacts.Errorf(contacts.EConflict, "contact %s already exists", c.ID)
		}
		return fmt.Errorf("insert contact: %w", err)
	}
	if err := indexNumbers(ctx, tx, c); err != nil {
		return err
	}
	if err := enqueueOutbox(ctx, tx, c.ID); err != nil {
		return err
	}
	return insertEvent(ctx, tx, "", EventCardUpdated, c.ID, "", ms(c.UpdatedAt))
}

// UpdateContact saves c (every field) and moves it after the change cursor.
// A c read from the store carries when its fields last changed
// (UpdatedAt): when someone else changed them since, nothing is written
// and the error is a conflict, checked in the same transaction as the
// write. (Calls and notes move a contact's rev but not its fields: they
// are no conflict.) A c never read (rev 0) overwrites unconditionally.
func (db *DB) UpdateContact(ctx context.Context, c *contacts.Contact) error {
	if err := db.norm.NormalizeContact(c); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	readAt := c.UpdatedAt
	c.UpdatedAt = db.Now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		old, err := contactByID(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if c.Rev != 0 && !old.UpdatedAt.Equal(readAt) {
			return contacts.Errorf(contacts.EConflict, "contact %s was changed by someone else meanwhile: reload it and apply the change again", c.ID)
		}
		if !c.UpdatedAt.After(old.UpdatedAt) { // two saves in one millisecond still tell apart
			c.UpdatedAt = old.UpdatedAt.Add(time.Millisecond)
		}
		c.CreatedAt = old.CreatedAt
		if err := saveContact(ctx, tx, c); err != nil {
			return err
		}
		if err := audit(ctx, tx, c.UpdatedAt, "contact.update", c.ID, ChangedFields(old, c)); err != nil {
			return err
		}
		return adoptOrphans(ctx, tx, c)
	})
	if err != nil {
		return fmt.Errorf("update contact %s: %w", c.ID, err)
	}
	return nil
}

// saveContact rewrites a stored contact with a new rev and an event.
func saveContact(ctx context.Context, tx *sql.Tx, c *contacts.Contact) error {
	rev, err := nextRev(ctx, tx)
	if err != nil {
		return err
	}
	c.Rev = rev
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode contact: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE contacts SET rev = ?, resource_name = ?, display_name = ?, search = ?, stage = ?, data = ?, updated_ms = ? WHERE id = ? AND deleted = 0`,
		rev, nullStr(c.ResourceName), c.Name(), SearchText(c), c.Stage, string(data), ms(c.UpdatedAt), c.ID)
	if err != nil {
		return fmt.Errorf("save contact: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return contacts.Errorf(contacts.ENotFound, "contact %s not found", c.ID)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_numbers WHERE contact_id = ?`, c.ID); err != nil {
		return fmt.Errorf("clear numbers: %w", err)
	}
	if err := indexNumbers(ctx, tx, c); err != nil {
		return err
	}
	if err := enqueueOutbox(ctx, tx, c.ID); err != nil {
		return err
	}
	return insertEvent(ctx, tx, "", EventCardUpdated, c.ID, "", ms(c.UpdatedAt))
}

// DeleteContact removes a contact: its row stays as a tombstone so phones
// and the sync learn of it; its history stays too.
func (db *DB) DeleteContact(ctx context.Context, id string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if err := tombstone(ctx, tx, id, now); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, "contact.delete", id, ""); err != nil {
			return err
		}
		return enqueueOutbox(ctx, tx, id)
	})
	if err != nil {
		return fmt.Errorf("delete contact %s: %w", id, err)
	}
	return nil
}

// touchContact moves a contact after the change cursor because its card
// changed (a call, a note, a stage) and stores the card.updated event.
func touchContact(ctx context.Context, tx *sql.Tx, id string, atMS int64) error {
	return touch(ctx, tx, id, atMS, false)
}

// touchLiveContact is touchContact for a contact that must be there and
// not deleted (contactExists's ENotFound otherwise), checked by the same
// statement that moves it.
func touchLiveContact(ctx context.Context, tx *sql.Tx, id string, atMS int64) error {
	return touch(ctx, tx, id, atMS, true)
}

func touch(ctx context.Context, tx *sql.Tx, id string, atMS int64, live bool) error {
	q := `UPDATE contacts SET rev = (` + nextRevSQL + `) WHERE id = ?`
	if live {
		q += ` AND deleted = 0`
	}
	res, err := tx.ExecContext(ctx, q, id)
	if err != nil {
		return fmt.Errorf("touch contact: %w", err)
	}
	if live {
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("touch contact: %w", err)
		} else if n == 0 {
			return contacts.Errorf(contacts.ENotFound, "contact %s not found", id)
		}
	}
	return insertEvent(ctx, tx, "", EventCardUpdated, id, "", atMS)
}

// nextRevSQL is the next change cursor position.
const nextRevSQL = `SELECT COALESCE(MAX(rev), 0) + 1 FROM contacts`

func nextRev(ctx context.Context, tx *sql.Tx) (int64, error) {
	var rev int64
	if err := tx.QueryRowContext(ctx, nextRevSQL).Scan(&rev); err != nil {
		return 0, fmt.Errorf("next rev: %w", err)
	}
	return rev, nil
}

func indexNumbers(ctx context.Context, tx *sql.Tx, c *contacts.Contact) error {
	for _, n := range c.Numbers {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO contact_numbers (contact_id, key) VALUES (?, ?)`, c.ID, n.Key); err != nil {
			return fmt.Errorf("index number: %w", err)
		}
	}
	return nil
}

// adoptOrphans gives a contact the calls and notes kept against its numbers
// while no contact had them.
func adoptOrphans(ctx context.Context, tx *sql.Tx, c *contacts.Contact) error {
	for _, n := range c.Numbers {
		if _, err := tx.ExecContext(ctx, `UPDATE calls SET contact_id = ? WHERE contact_id IS NULL AND number_key = ?`, c.ID, n.Key); err != nil {
			return fmt.Errorf("adopt calls: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notes SET contact_id = ? WHERE contact_id IS NULL AND number_key = ?`, c.ID, n.Key); err != nil {
			return fmt.Errorf("adopt notes: %w", err)
		}
	}
	return nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Contact returns a live contact by ID.
func (db *DB) Contact(ctx context.Context, id string) (*contacts.Contact, error) {
	c, err := contactByID(ctx, db.reader(ctx), id)
	if err != nil {
		return nil, fmt.Errorf("get contact: %w", err)
	}
	return c, nil
}

func contactByID(ctx context.Context, q queryer, id string) (*contacts.Contact, error) {
	return scanContact(q.QueryRowContext(ctx, `SELECT data, rev, deleted FROM contacts WHERE id = ? AND deleted = 0`, id), "contact "+id)
}

// contactExists returns contactByID's error for a contact that is not there,
// without reading (and decoding) the contact.
func contactExists(ctx context.Context, q queryer, id string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM contacts WHERE id = ? AND deleted = 0`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return contacts.Errorf(contacts.ENotFound, "contact %s not found", id)
	}
	if err != nil {
		return fmt.Errorf("read contact %s: %w", id, err)
	}
	return nil
}

func contactByClientID(ctx context.Context, q queryer, clientID string) (*contacts.Contact, error) {
	return scanContact(q.QueryRowContext(ctx, `SELECT data, rev, deleted FROM contacts WHERE client_id = ?`, clientID), "client_id "+clientID)
}

func scanContact(row *sql.Row, what string) (*contacts.Contact, error) {
	var data string
	var rev int64
	var deleted bool
	if err := row.Scan(&data, &rev, &deleted); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, contacts.Errorf(contacts.ENotFound, "%s not found", what)
		}
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	return decodeContact(data, rev, deleted)
}

// ContactsByNumber returns the live contacts that have the number key,
// oldest first: the first is the card's contact, the rest other_matches.
func (db *DB) ContactsByNumber(ctx context.Context, key string) ([]*contacts.Contact, error) {
	out, err := db.queryContacts(ctx, `SELECT c.data, c.rev, c.deleted FROM contact_numbers n JOIN contacts c ON c.id = n.contact_id
		WHERE n.key = ? AND c.deleted = 0 ORDER BY c.created_ms, c.id LIMIT 20`, key)
	if err != nil {
		return nil, fmt.Errorf("look up number: %w", err)
	}
	return out, nil
}

// OtherContactsByNumber is ContactsByNumber without the contact exceptID:
// the other_matches of that contact's card, read without decoding the
// contact itself again.
func (db *DB) OtherContactsByNumber(ctx context.Context, key, exceptID string) ([]*contacts.Contact, error) {
	out, err := db.queryContacts(ctx, `SELECT c.data, c.rev, c.deleted FROM contact_numbers n JOIN contacts c ON c.id = n.contact_id
		WHERE n.key = ? AND c.deleted = 0 AND c.id != ? ORDER BY c.created_ms, c.id LIMIT 19`, key, exceptID)
	if err != nil {
		return nil, fmt.Errorf("look up number: %w", err)
	}
	return out, nil
}

// ContactCount is the number of live contacts.
func (db *DB) ContactCount(ctx context.Context) (int, error) {
	var n int
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM contacts WHERE deleted = 0`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count contacts: %w", err)
	}
	return n, nil
}

// Changes returns contacts (deleted ones included) changed after rev, in
// change order: the phones' offline directory.
func (db *DB) Changes(ctx context.Context, afterRev int64, limit int) ([]*contacts.Contact, error) {
	out, err := db.queryContacts(ctx, `SELECT data, rev, deleted FROM contacts WHERE rev > ? ORDER BY rev LIMIT ?`, afterRev, limit)
	if err != nil {
		return nil, fmt.Errorf("list changes: %w", err)
	}
	return out, nil
}

// SearchText is the folded text search matches against: names, company,
// e-mails, numbers (raw and normalized) and the note.
func SearchText(c *contacts.Contact) string {
	parts := []string{c.DisplayName, c.GivenName, c.FamilyName, c.Nickname, c.Company, c.JobTitle, c.Department, c.Note}
	for _, n := range c.Numbers {
		parts = append(parts, n.Raw, n.Key)
	}
	for _, e := range c.Emails {
		parts = append(parts, e.Address)
	}
	for _, f := range c.Custom {
		parts = append(parts, f.Value)
	}
	return contacts.Fold(strings.Join(parts, " "))
}

// fingerprint is a stable hash of a request's meaningful fields.
func fingerprint(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(h[:16])
}

// ChangedFields names the fields that differ between two versions of a
// contact ("company, note"), for the audit log.
func ChangedFields(a, b *contacts.Contact) string {
	var out []string
	eq := func(x, y any) bool {
		bx, _ := json.Marshal(x)
		by, _ := json.Marshal(y)
		return string(bx) == string(by)
	}
	check := func(name string, x, y any) {
		if !eq(x, y) {
			out = append(out, name)
		}
	}
	check("name", []string{a.DisplayName, a.GivenName, a.FamilyName, a.Nickname}, []string{b.DisplayName, b.GivenName, b.FamilyName, b.Nickname})
	check("company", []string{a.Company, a.JobTitle, a.Department}, []string{b.Company, b.JobTitle, b.Department})
	check("numbers", a.Numbers, b.Numbers)
	check("emails", a.Emails, b.Emails)
	check("addresses", a.Addresses, b.Addresses)
	check("websites", a.Websites, b.Websites)
	check("birthday", a.Birthday, b.Birthday)
	check("groups", a.Groups, b.Groups)
	check("note", a.Note, b.Note)
	check("custom", a.Custom, b.Custom)
	check("photo", a.PhotoURL, b.PhotoURL)
	check("stage", a.Stage, b.Stage)
	return strings.Join(out, ", ")
}

// SomeNumbers returns up to limit raw numbers of live contacts (load tests
// call them).
func (db *DB) SomeNumbers(ctx context.Context, limit int) ([]string, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT key FROM contact_numbers LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list numbers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("list numbers: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
