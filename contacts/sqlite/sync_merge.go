package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// maxMergeChain bounds how far MergedInto follows a contact merged into
// one that was itself merged away later.
const maxMergeChain = 10

// MergedInto returns the live contact that the tombstone goneID was merged
// into, following later merges of the kept contact; ok is false when
// goneID was not merged away (deleted, or its merge undone). The sync uses
// it to bring a Google edit of a merged-away contact into the contact that
// now holds its data.
func (db *DB) MergedInto(ctx context.Context, goneID string) (keepID string, ok bool, err error) {
	return mergedInto(ctx, db.reader(ctx), goneID)
}

// MergedInto is DB.MergedInto inside the sync's transaction.
func (t *SyncTx) MergedInto(goneID string) (keepID string, ok bool, err error) {
	return mergedInto(t.ctx, t.tx, goneID)
}

func mergedInto(ctx context.Context, q queryer, goneID string) (string, bool, error) {
	id, found := goneID, false
	for range maxMergeChain {
		var keep string
		var deleted bool
		err := q.QueryRowContext(ctx, `SELECT m.keep_id, c.deleted FROM merges m JOIN contacts c ON c.id = m.keep_id
			WHERE m.gone_id = ? AND m.undone_ms = 0 ORDER BY m.id DESC LIMIT 1`, id).Scan(&keep, &deleted)
		if errors.Is(err, sql.ErrNoRows) {
			return "", false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("read merge of %s: %w", id, err)
		}
		id, found = keep, true
		if !deleted {
			return id, found, nil
		}
	}
	return "", false, nil
}
