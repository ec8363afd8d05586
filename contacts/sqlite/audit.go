package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// audit records a change in the same transaction as the change itself, with
// the actor the context carries.
func audit(ctx context.Context, tx *sql.Tx, now time.Time, action, contactID, detail string) error {
	a := contacts.ActorFrom(ctx)
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at_ms, actor_kind, actor_id, actor_name, address, action, contact_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		ms(now), a.Kind, a.ID, a.Name, a.Address, action, contactID, contacts.Truncate(detail, 500))
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// RecordAudit records an action that changes nothing stored (a refused
// request, say) with the actor the context carries.
func (db *DB) RecordAudit(ctx context.Context, action, detail string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return audit(ctx, tx, db.Now(), action, "", detail) })
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At        time.Time
	Actor     contacts.Actor
	Action    string
	ContactID string
	Detail    string
}

// AuditFilter narrows the audit log; zero fields match everything.
type AuditFilter struct {
	ContactID string
	ActorKind string
	ActorName string
	Action    string
	Since     time.Time
	Until     time.Time
	Limit     int
}

// Audit returns audit entries, newest first.
func (db *DB) Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	q := `SELECT at_ms, actor_kind, actor_id, actor_name, address, action, contact_id, detail FROM audit_log WHERE 1 = 1`
	var args []any
	add := func(cond string, v any) { q += " AND " + cond; args = append(args, v) }
	if f.ContactID != "" {
		add("contact_id = ?", f.ContactID)
	}
	if f.ActorKind != "" {
		add("actor_kind = ?", f.ActorKind)
	}
	if f.ActorName != "" {
		add("actor_name = ?", f.ActorName)
	}
	if f.Action != "" {
		add(`action LIKE ? ESCAPE '\'`, likePrefix(f.Action))
	}
	if !f.Since.IsZero() {
		add("at_ms >= ?", ms(f.Since))
	}
	if !f.Until.IsZero() {
		add("at_ms < ?", ms(f.Until))
	}
	q += " ORDER BY at_ms DESC, id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.Actor.Kind, &e.Actor.ID, &e.Actor.Name, &e.Actor.Address, &e.Action, &e.ContactID, &e.Detail); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// likePrefix is a LIKE pattern matching values that start with s, taken
// literally (its % and _ escaped).
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}
