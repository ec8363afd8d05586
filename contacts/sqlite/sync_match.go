package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ringcard/ringcard/contacts"
)

// ConflictMatch is the conflict field of a ringcard contact held because
// it could be the same person as more than one Google contact (or one of
// several ringcard contacts that could be the same Google contact).
const ConflictMatch = "match"

// Decisions a person can take on a held contact (besides a resource name:
// link to that Google contact).
const (
	// HoldApart pushes the held contact to Google as a new contact.
	HoldApart = "apart"
)

// MatchHolds is what the matching holds back: ringcard contacts (ID ->
// decision) and Google contacts (resource name -> people.Person JSON).
type MatchHolds struct {
	Local  map[string]string
	Google map[string]string
}

// UnlinkedContacts returns every live contact not linked to a Google
// contact: the ones the sync may match to the same person in Google.
func (db *DB) UnlinkedContacts(ctx context.Context) ([]*contacts.Contact, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT data, rev, deleted FROM contacts
		WHERE deleted = 0 AND id NOT IN (SELECT contact_id FROM sync_base) ORDER BY created_ms, id`)
	if err != nil {
		return nil, fmt.Errorf("list unlinked contacts: %w", err)
	}
	defer rows.Close()
	var out []*contacts.Contact
	for rows.Next() {
		var data string
		var rev int64
		var deleted bool
		if err := rows.Scan(&data, &rev, &deleted); err != nil {
			return nil, fmt.Errorf("list unlinked contacts: %w", err)
		}
		c, err := decodeContact(data, rev, deleted)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MatchHolds reads what the matching holds back.
func (db *DB) MatchHolds(ctx context.Context) (MatchHolds, error) {
	return readHolds(ctx, db.reader(ctx))
}

// HeldCount is how many ringcard and Google contacts wait for a person to
// say who is who.
func (db *DB) HeldCount(ctx context.Context) (local, google int, err error) {
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM sync_hold_local), (SELECT COUNT(*) FROM sync_hold_google)`).Scan(&local, &google)
	if err != nil {
		return 0, 0, fmt.Errorf("count held contacts: %w", err)
	}
	return local, google, nil
}

func readHolds(ctx context.Context, q queryer) (MatchHolds, error) {
	h := MatchHolds{Local: map[string]string{}, Google: map[string]string{}}
	for _, s := range []struct {
		q string
		m map[string]string
	}{
		{`SELECT contact_id, decision FROM sync_hold_local`, h.Local},
		{`SELECT resource_name, person FROM sync_hold_google`, h.Google},
	} {
		rows, err := q.QueryContext(ctx, s.q)
		if err != nil {
			return h, fmt.Errorf("read held contacts: %w", err)
		}
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				rows.Close()
				return h, fmt.Errorf("read held contacts: %w", err)
			}
			s.m[k] = v
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return h, fmt.Errorf("read held contacts: %w", err)
		}
	}
	return h, nil
}

// SetHolds replaces what is held: the ringcard contacts in local (their
// decisions are kept) and the Google contacts in google (resource name ->
// people.Person JSON). Anything else held before is released.
func (t *SyncTx) SetHolds(local []string, google map[string]string) error {
	cur, err := readHolds(t.ctx, t.tx)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, id := range local {
		keep[id] = true
		if _, err := t.tx.ExecContext(t.ctx, `INSERT OR IGNORE INTO sync_hold_local (contact_id, since_ms) VALUES (?, ?)`, id, ms(t.now)); err != nil {
			return fmt.Errorf("hold contact %s: %w", id, err)
		}
	}
	for id := range cur.Local {
		if !keep[id] {
			if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM sync_hold_local WHERE contact_id = ?`, id); err != nil {
				return fmt.Errorf("release contact %s: %w", id, err)
			}
		}
	}
	for rn, person := range google {
		_, err := t.tx.ExecContext(t.ctx, `INSERT INTO sync_hold_google (resource_name, person, since_ms) VALUES (?, ?, ?)
			ON CONFLICT(resource_name) DO UPDATE SET person = excluded.person`, rn, person, ms(t.now))
		if err != nil {
			return fmt.Errorf("hold google contact %s: %w", rn, err)
		}
	}
	for rn := range cur.Google {
		if _, ok := google[rn]; !ok {
			if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM sync_hold_google WHERE resource_name = ?`, rn); err != nil {
				return fmt.Errorf("release google contact %s: %w", rn, err)
			}
		}
	}
	return nil
}

// Holds reads what is held, in the transaction.
func (t *SyncTx) Holds() (MatchHolds, error) { return readHolds(t.ctx, t.tx) }

// CloseConflicts marks a contact's open conflicts on field resolved by the
// sync itself (the reason is the resolution), e.g. a held contact that was
// linked once the data stopped being ambiguous.
func (t *SyncTx) CloseConflicts(contactID, field, resolution string) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE sync_conflicts SET resolved_ms = ?, resolution = ?, resolved_by = ?
		WHERE contact_id = ? AND field = ? AND resolved_ms = 0`, ms(t.now), resolution, SyncActor.Name, contactID, field)
	if err != nil {
		return fmt.Errorf("close conflicts: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return audit(t.ctx, t.tx, t.now, "sync.conflict.resolve", contactID, field+": "+resolution)
	}
	return nil
}

// ResolveMatchConflict records a person's answer to a "match" conflict:
// decision is HoldApart or the resource name of the Google contact to link
// the held contact to. The next sync acts on it.
func (db *DB) ResolveMatchConflict(ctx context.Context, id int64, resolution, decision string) (*SyncConflict, error) {
	var out *SyncConflict
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		k, err := scanConflict(tx.QueryRowContext(ctx, `SELECT `+conflictColumns+` FROM sync_conflicts k LEFT JOIN contacts c ON c.id = k.contact_id WHERE k.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return contacts.Errorf(contacts.ENotFound, "conflict %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("read conflict: %w", err)
		}
		if k.Field != ConflictMatch {
			return contacts.Errorf(contacts.EInvalid, "conflict %d is about %q, not a match", id, k.Field)
		}
		if !k.ResolvedAt.IsZero() {
			return contacts.Errorf(contacts.EConflict, "conflict %d was already resolved (%s)", id, k.Resolution)
		}
		now := db.Now()
		res, err := tx.ExecContext(ctx, `UPDATE sync_hold_local SET decision = ? WHERE contact_id = ?`, decision, k.ContactID)
		if err != nil {
			return fmt.Errorf("record decision: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return contacts.Errorf(contacts.EConflict, "contact %s is no longer held", k.ContactID)
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

// SyncConflict returns one conflict by ID.
func (db *DB) SyncConflict(ctx context.Context, id int64) (*SyncConflict, error) {
	k, err := scanConflict(db.reader(ctx).QueryRowContext(ctx, `SELECT `+conflictColumns+` FROM sync_conflicts k LEFT JOIN contacts c ON c.id = k.contact_id WHERE k.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contacts.Errorf(contacts.ENotFound, "conflict %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read conflict %d: %w", id, err)
	}
	return k, nil
}
