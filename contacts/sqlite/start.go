package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// Touched is a client someone worked on lately: the contact and when the
// latest call or note on it was.
type Touched struct {
	Contact *contacts.Contact
	At      time.Time
}

// RecentlyTouched lists the live contacts with the newest calls or notes,
// newest first. It reads only the newest rows of each table (through the
// partial indexes of migration 0013), so it costs the same with a year of
// history as with a day.
func (db *DB) RecentlyTouched(ctx context.Context, limit int) ([]Touched, error) {
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, MAX(at) FROM (
			SELECT * FROM (SELECT contact_id AS id, started_ms AS at FROM calls INDEXED BY calls_contact_started
				WHERE contact_id IS NOT NULL ORDER BY started_ms DESC LIMIT ?1)
			UNION ALL
			SELECT * FROM (SELECT contact_id, at_ms FROM notes INDEXED BY notes_at
				WHERE contact_id IS NOT NULL ORDER BY at_ms DESC LIMIT ?1))
		GROUP BY id ORDER BY 2 DESC`, limit*5)
	if err != nil {
		return nil, fmt.Errorf("recently touched: %w", err)
	}
	var ids []any
	at := map[string]time.Time{}
	for rows.Next() {
		var id string
		var ms int64
		if err := rows.Scan(&id, &ms); err != nil {
			rows.Close()
			return nil, fmt.Errorf("recently touched: %w", err)
		}
		ids = append(ids, id)
		at[id] = fromMS(ms)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recently touched: %w", err)
	}
	if len(ids) == 0 {
		return []Touched{}, nil
	}
	cs, err := db.queryContacts(ctx, `SELECT data, rev, deleted FROM contacts WHERE deleted = 0 AND id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return nil, fmt.Errorf("recently touched: %w", err)
	}
	byID := map[string]*contacts.Contact{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	out := []Touched{}
	for _, id := range ids {
		if c := byID[id.(string)]; c != nil && len(out) < limit {
			out = append(out, Touched{Contact: c, At: at[c.ID]})
		}
	}
	return out, nil
}
