package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// CallsSince returns calls started at or after since, newest first.
func (db *DB) CallsSince(ctx context.Context, since time.Time, limit int) ([]*contacts.Call, error) {
	return db.queryCalls(ctx, `SELECT `+callColumns+` FROM calls WHERE started_ms >= ? ORDER BY started_ms DESC LIMIT ?`, ms(since), limit)
}

// ActiveCalls returns calls with no outcome yet that started at or after
// since: ringing or in progress. A call the server closed because its
// phone never reported the end (EndNotReported) is not active.
func (db *DB) ActiveCalls(ctx context.Context, since time.Time) ([]*contacts.Call, error) {
	return db.queryCalls(ctx, `SELECT `+callColumns+` FROM calls WHERE started_ms >= ? AND outcome = '' AND ended_ms = 0 ORDER BY started_ms DESC LIMIT 200`, ms(since))
}

// MissedNotReturned returns, per number, the latest incoming call since
// `since` that was not answered, when nobody called the number back and it
// did not get through later.
func (db *DB) MissedNotReturned(ctx context.Context, since time.Time, limit int) ([]*contacts.Call, error) {
	calls, err := db.queryCalls(ctx, `SELECT `+callColumns+` FROM calls c
		WHERE c.started_ms >= ? AND c.direction = 'incoming' AND c.outcome IN ('missed', 'rejected', 'busy') AND c.number_key != ''
		AND NOT EXISTS (SELECT 1 FROM calls d WHERE d.number_key = c.number_key AND d.started_ms > c.started_ms
			AND (d.direction = 'outgoing' OR d.outcome = 'answered'))
		ORDER BY c.started_ms DESC LIMIT ?`, ms(since), limit*4)
	return latestPerNumber(calls, limit), err
}

// UnknownCalls returns, per number, the latest call since `since` from or
// to a number no contact has.
func (db *DB) UnknownCalls(ctx context.Context, since time.Time, limit int) ([]*contacts.Call, error) {
	calls, err := db.queryCalls(ctx, `SELECT `+callColumns+` FROM calls
		WHERE started_ms >= ? AND contact_id IS NULL AND number_key != '' ORDER BY started_ms DESC LIMIT ?`, ms(since), limit*4)
	return latestPerNumber(calls, limit), err
}

func latestPerNumber(calls []*contacts.Call, limit int) []*contacts.Call {
	var out []*contacts.Call
	seen := map[string]bool{}
	for _, c := range calls {
		if !seen[c.Number.Key] && len(out) < limit {
			seen[c.Number.Key] = true
			out = append(out, c)
		}
	}
	return out
}

func (db *DB) queryCalls(ctx context.Context, q string, args ...any) ([]*contacts.Call, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list calls: %w", err)
	}
	defer rows.Close()
	var out []*contacts.Call
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return nil, fmt.Errorf("list calls: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ContactNames maps contact IDs to their names (deleted contacts left out).
func (db *DB) ContactNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, display_name FROM contacts WHERE deleted = 0 AND id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("contact names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("contact names: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}

// Groups lists every group live contacts are in, sorted.
func (db *DB) Groups(ctx context.Context) ([]string, error) {
	return db.strings(ctx, `SELECT DISTINCT g.value FROM contacts c, json_each(c.data, '$.groups') g WHERE c.deleted = 0 ORDER BY g.value COLLATE NOCASE`)
}

func (db *DB) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("list: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SampleContact returns the most recently changed live contact in group
// ("" for any contact): the settings page previews card templates on it.
func (db *DB) SampleContact(ctx context.Context, group string) (*contacts.Contact, error) {
	cs, err := db.queryContacts(ctx, `SELECT data, rev, deleted FROM contacts c WHERE deleted = 0
		AND (?1 = '' OR EXISTS (SELECT 1 FROM json_each(c.data, '$.groups') g WHERE g.value = ?1 COLLATE NOCASE))
		ORDER BY updated_ms DESC LIMIT 1`, group)
	if err != nil {
		return nil, fmt.Errorf("sample contact: %w", err)
	}
	if len(cs) == 0 {
		return nil, contacts.Errorf(contacts.ENotFound, "no contact in group %q", group)
	}
	return cs[0], nil
}
