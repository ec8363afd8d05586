package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// SyncGroup is a Google contact group as last seen.
type SyncGroup struct {
	ResourceName string
	Name         string
	Etag         string
	System       bool // Google's built-in groups (myContacts, starred...) are not ringcard groups
}

// GroupArg is the argument of a queued group rename.
type GroupArg struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// RenameGroup renames a group on every contact that has it and queues the
// rename for Google. It returns how many contacts changed.
func (db *DB) RenameGroup(ctx context.Context, old, new string) (int, error) {
	old, new = strings.TrimSpace(old), strings.TrimSpace(new)
	if old == "" || new == "" {
		return 0, contacts.Errorf(contacts.EInvalid, "group: old and new names are required")
	}
	return db.changeGroup(ctx, old, new)
}

// DeleteGroup removes a group from every contact that has it and queues
// its deletion in Google (the contacts stay).
func (db *DB) DeleteGroup(ctx context.Context, name string) (int, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, contacts.Errorf(contacts.EInvalid, "group: a name is required")
	}
	return db.changeGroup(ctx, name, "")
}

func (db *DB) changeGroup(ctx context.Context, old, new string) (n int, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		op, arg := OutboxGroupDelete, old
		if new != "" {
			op = OutboxGroupRename
			b, _ := json.Marshal(GroupArg{Old: old, New: new})
			arg = string(b)
		}
		if contacts.ActorFrom(ctx).Kind != contacts.ActorSync {
			if err := addOutbox(ctx, tx, op, "", arg); err != nil {
				return err
			}
		}
		n, err = regroupContacts(ctx, tx, db.Now(), old, new)
		if err != nil {
			return err
		}
		return audit(ctx, tx, db.Now(), "group."+strings.TrimPrefix(op, "group."), "", old+" → "+new)
	})
	if err != nil {
		return 0, fmt.Errorf("change group %s: %w", old, err)
	}
	return n, nil
}

// regroupContacts renames (or, with new "", removes) a group on every live
// contact that has it.
func regroupContacts(ctx context.Context, tx *sql.Tx, now time.Time, old, new string) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT c.data, c.rev, c.deleted FROM contacts c, json_each(c.data, '$.groups') g
		WHERE c.deleted = 0 AND lower(g.value) = lower(?)`, old)
	if err != nil {
		return 0, fmt.Errorf("find group members: %w", err)
	}
	var members []*contacts.Contact
	for rows.Next() {
		var data string
		var rev int64
		var deleted bool
		if err := rows.Scan(&data, &rev, &deleted); err != nil {
			rows.Close()
			return 0, fmt.Errorf("find group members: %w", err)
		}
		c, err := decodeContact(data, rev, deleted)
		if err != nil {
			rows.Close()
			return 0, err
		}
		members = append(members, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("find group members: %w", err)
	}
	for _, c := range members {
		var groups []string
		seen := map[string]bool{}
		for _, g := range c.Groups {
			if strings.EqualFold(g, old) {
				g = new
			}
			if g != "" && !seen[strings.ToLower(g)] {
				seen[strings.ToLower(g)] = true
				groups = append(groups, g)
			}
		}
		c.Groups, c.UpdatedAt = groups, now
		if err := saveContact(ctx, tx, c); err != nil {
			return 0, err
		}
	}
	return len(members), nil
}

// RegroupContacts renames (new != "") or removes a group on local contacts
// because Google renamed or deleted it; nothing is queued back.
func (t *SyncTx) RegroupContacts(old, new string) (int, error) {
	return regroupContacts(t.ctx, t.tx, t.now, old, new)
}

// Groups returns the Google groups as last seen, by resource name.
func (t *SyncTx) Groups() (map[string]SyncGroup, error) {
	return groups(t.ctx, t.tx)
}

// SyncGroups returns the Google groups as last seen, by resource name.
func (db *DB) SyncGroups(ctx context.Context) (map[string]SyncGroup, error) {
	return groups(ctx, db.reader(ctx))
}

func groups(ctx context.Context, q queryer) (map[string]SyncGroup, error) {
	rows, err := q.QueryContext(ctx, `SELECT resource_name, name, etag, system FROM sync_groups`)
	if err != nil {
		return nil, fmt.Errorf("read groups: %w", err)
	}
	defer rows.Close()
	out := map[string]SyncGroup{}
	for rows.Next() {
		var g SyncGroup
		if err := rows.Scan(&g.ResourceName, &g.Name, &g.Etag, &g.System); err != nil {
			return nil, fmt.Errorf("read groups: %w", err)
		}
		out[g.ResourceName] = g
	}
	return out, rows.Err()
}

// PutGroup stores a Google group as seen.
func (t *SyncTx) PutGroup(g SyncGroup) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO sync_groups (resource_name, name, etag, system) VALUES (?, ?, ?, ?)
		ON CONFLICT(resource_name) DO UPDATE SET name = excluded.name, etag = excluded.etag, system = excluded.system`,
		g.ResourceName, g.Name, g.Etag, g.System)
	if err != nil {
		return fmt.Errorf("store group: %w", err)
	}
	return nil
}

// DropGroup forgets a Google group.
func (t *SyncTx) DropGroup(resourceName string) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM sync_groups WHERE resource_name = ?`, resourceName); err != nil {
		return fmt.Errorf("drop group: %w", err)
	}
	return nil
}
