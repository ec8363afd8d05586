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
	rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
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

// refusedSignins is the audit log's refused sign-ins: kept as long as the
// sign-in attempts, not as the rest of the log (the partial index
// audit_log_refused_signins names the same list).
const refusedSignins = `action IN ('signin.bad_password', 'signin.unknown_user', 'signin.disabled', 'signin.throttled', 'signin.locked')`

// Retention is how long the audit log and the sign-in attempts are kept;
// zero keeps them for ever.
type Retention struct {
	Audit   time.Duration // the audit log, but refused sign-ins
	Signins time.Duration // sign-in attempts, and the audit log's refused sign-ins
}

// pruneSets are the three sets of rows PruneLogs deletes: the table and
// the oldest rows past the cutoff (each read by an index, never a scan).
var pruneSets = []struct {
	table, oldest string
	signins       bool // kept for Retention.Signins, else Retention.Audit
}{
	{"login_attempts", `SELECT id FROM login_attempts WHERE at_ms < ? ORDER BY at_ms LIMIT ?`, true},
	{"audit_log", `SELECT id FROM audit_log WHERE ` + refusedSignins + ` AND at_ms < ? ORDER BY at_ms LIMIT ?`, true},
	{"audit_log", `SELECT id FROM audit_log WHERE at_ms < ? ORDER BY at_ms LIMIT ?`, false},
}

// PruneLogs deletes, oldest first, at most batch rows of each of the
// sign-in attempts, the audit log's refused sign-ins and the rest of the
// audit log that are older than r keeps them, each in its own short
// background transaction (foreground writers go first). It returns how
// many rows went: a caller calls again while rows are left.
func (db *DB) PruneLogs(ctx context.Context, now time.Time, r Retention, batch int) (int64, error) {
	var total int64
	for _, p := range pruneSets {
		keep := r.Audit
		if p.signins {
			keep = r.Signins
		}
		if keep <= 0 {
			continue
		}
		err := db.inBackgroundTx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM `+p.table+` WHERE id IN (`+p.oldest+`)`, ms(now.Add(-keep)), batch)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += n
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("prune %s: %w", p.table, err)
		}
	}
	return total, nil
}
