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
	OutboxLength  int       `json:"outbox_length"`       // local changes waiting for Google
	OpenConflicts int       `json:"open_conflicts"`      // fields both sides changed, waiting for a person
	Linked        int       `json:"linked"`              // contacts linked to a Google contact
	FullSyncDue   bool      `json:"full_sync_due"`       // no sync token yet: the next cycle lists everything
	HeldLocal     int       `json:"held_local"`          // ringcard contacts that could be several Google contacts: not pushed until a person decides
	HeldGoogle    int       `json:"held_google"`         // Google contacts held for the same reason: not in ringcard yet
	Waiting       Waiting   `json:"waiting"`             // what waits for Google, lane by lane
	Drain         *Drain    `json:"drain,omitempty"`     // how fast it went out lately (requests, contacts a minute)
	DoneAbout     time.Time `json:"done_about,omitzero"` // about when everything waiting will be in Google
}

// Waiting is what waits for Google in each lane of the outbox: staff's
// single changes go before bulk jobs (imports).
type Waiting struct {
	Staff  int       `json:"staff"`           // contacts (and group changes) changed by staff
	Bulk   int       `json:"bulk"`            // contacts from imports and full syncs
	Oldest time.Time `json:"oldest,omitzero"` // when the oldest waiting change was made
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
	lanes, err := db.OutboxByLane(ctx)
	if err != nil {
		return st, err
	}
	st.Waiting = Waiting{Staff: lanes.StaffContacts, Bulk: lanes.BulkContacts, Oldest: lanes.Oldest}
	var d Drain
	if ok, err := db.SyncState(ctx, keyDrain, &d); err != nil {
		return st, err
	} else if ok {
		st.Drain = &d
	}
	st.DoneAbout = doneAbout(time.Now(), st.Waiting.Staff+st.Waiting.Bulk, st.Drain)
	return st, nil
}

// doneAbout estimates when n waiting contacts will be in Google: at the
// drain rate measured in the last minutes, or else at the pace (a request
// carries up to 200 contacts, plus a pull's two requests).
func doneAbout(now time.Time, n int, d *Drain) time.Time {
	if n == 0 {
		return time.Time{}
	}
	if d != nil && d.PerMinute > 0 && now.Sub(d.At) < 2*time.Minute {
		return now.Add(time.Duration(float64(n) / d.PerMinute * float64(time.Minute)))
	}
	pace := DefaultRequestsPerMinute
	if d != nil && d.PacePerMinute > 0 {
		pace = d.PacePerMinute
	}
	requests := (n+BatchCreateMax-1)/BatchCreateMax + 2
	return now.Add(time.Duration(float64(requests) / float64(pace) * float64(time.Minute)))
}
