package sqlite

import (
	"context"
	"fmt"
)

// ReasonCount is how many of a send's messages failed for one reason.
type ReasonCount struct {
	Reason string
	N      int
}

// SendFailures counts a group send's failed messages by reason, the most
// frequent first (at most limit reasons): the progress page says why.
func (db *DB) SendFailures(ctx context.Context, sendID string, limit int) ([]ReasonCount, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT reason, COUNT(*) FROM messages WHERE send_id = ? AND status = 'failed'
		GROUP BY reason ORDER BY 2 DESC, 1 LIMIT ?`, sendID, limit)
	if err != nil {
		return nil, fmt.Errorf("send failures: %w", err)
	}
	defer rows.Close()
	var out []ReasonCount
	for rows.Next() {
		var r ReasonCount
		if err := rows.Scan(&r.Reason, &r.N); err != nil {
			return nil, fmt.Errorf("send failures: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
