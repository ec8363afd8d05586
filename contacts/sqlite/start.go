package sqlite

import (
	"context"
	"fmt"
	"time"
)

// Touched is a client someone worked on lately: who, and when the latest
// call or note on them was.
type Touched struct {
	ID, Name, Company, Stage string
	At                       time.Time
}

// RecentlyTouched lists the live contacts with the newest calls or notes,
// newest first. It reads only the newest rows of each table (through the
// partial indexes of migration 0013) and a few columns of each contact, so
// it costs the same with a year of history as with a day.
func (db *DB) RecentlyTouched(ctx context.Context, limit int) ([]Touched, error) {
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT c.id, c.display_name, COALESCE(json_extract(c.data, '$.company'), ''), c.stage, t.at
		FROM (SELECT id, MAX(at) AS at FROM (
				SELECT * FROM (SELECT contact_id AS id, started_ms AS at FROM calls INDEXED BY calls_contact_started
					WHERE contact_id IS NOT NULL ORDER BY started_ms DESC LIMIT ?1)
				UNION ALL
				SELECT * FROM (SELECT contact_id, at_ms FROM notes INDEXED BY notes_at
					WHERE contact_id IS NOT NULL ORDER BY at_ms DESC LIMIT ?1))
			GROUP BY id) t
		JOIN contacts c ON c.id = t.id AND c.deleted = 0
		ORDER BY t.at DESC LIMIT ?2`, limit*5, limit)
	if err != nil {
		return nil, fmt.Errorf("recently touched: %w", err)
	}
	defer rows.Close()
	out := []Touched{}
	for rows.Next() {
		var t Touched
		var at int64
		if err := rows.Scan(&t.ID, &t.Name, &t.Company, &t.Stage, &at); err != nil {
			return nil, fmt.Errorf("recently touched: %w", err)
		}
		t.At = fromMS(at)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recently touched: %w", err)
	}
	return out, nil
}
