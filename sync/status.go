package contactsync

import (
	"context"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Status is what the office sees of the sync: `ringcard google status`
// and GET /api/v1/office/sync/status.
type Status struct {
	Connected     bool      `json:"connected"` // credentials (or a stand-in) are configured
	Enabled       bool      `json:"enabled"`   // local changes are queued for Google
	Running       bool      `json:"running"`   // the server's engine runs in the background
	LastSuccess   time.Time `json:"last_success,omitzero"`
	LastRun       *Report   `json:"last_run,omitempty"` // what the latest cycle changed
	LastError     string    `json:"last_error,omitempty"`
	LastErrorAt   time.Time `json:"last_error_at,omitzero"`
	OutboxLength  int       `json:"outbox_length"`  // local changes waiting for Google
	OpenConflicts int       `json:"open_conflicts"` // fields both sides changed, waiting for a person
	Linked        int       `json:"linked"`         // contacts linked to a Google contact
	FullSyncDue   bool      `json:"full_sync_due"`  // no sync token yet: the next cycle lists everything
	HeldLocal     int       `json:"held_local"`     // ringcard contacts that could be several Google contacts: not pushed until a person decides
	HeldGoogle    int       `json:"held_google"`    // Google contacts held for the same reason: not in ringcard yet
}

// ReadStatus reads the sync's status from the store (it works whether or
// not an engine runs).
func ReadStatus(ctx context.Context, db *sqlite.DB) (Status, error) {
	var st Status
	var err error
	if st.Enabled, err = db.SyncEnabled(ctx); err != nil {
		return st, err
	}
	if _, err := db.SyncState(ctx, keyLastSuccess, &st.LastSuccess); err != nil {
		return st, err
	}
	var rep Report
	if ok, err := db.SyncState(ctx, keyLastRun, &rep); err != nil {
		return st, err
	} else if ok {
		st.LastRun = &rep
	}
	var le lastError
	if ok, err := db.SyncState(ctx, keyLastError, &le); err != nil {
		return st, err
	} else if ok {
		st.LastError, st.LastErrorAt = le.Error, le.At
	}
	var tok string
	if _, err := db.SyncState(ctx, keyPeopleToken, &tok); err != nil {
		return st, err
	}
	st.FullSyncDue = tok == ""
	if st.OutboxLength, err = db.OutboxLen(ctx); err != nil {
		return st, err
	}
	if st.OpenConflicts, err = db.OpenConflictCount(ctx); err != nil {
		return st, err
	}
	if st.Linked, err = db.LinkedCount(ctx); err != nil {
		return st, err
	}
	if st.HeldLocal, st.HeldGoogle, err = db.HeldCount(ctx); err != nil {
		return st, err
	}
	return st, nil
}
