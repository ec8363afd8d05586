package contactsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Defaults for Options.
const (
	DefaultInterval     = 5 * time.Minute
	DefaultFlushEvery   = 5 * time.Second
	DefaultNoteLogLimit = 1024
	DefaultNotesInLog   = 20
	DefaultMaxAttempts  = 6
	DefaultBackoffBase  = time.Second
	DefaultBackoffMax   = 5 * time.Minute
	DefaultMaxTxTime    = 2 * time.Millisecond
)

// Options tunes an Engine. Zero values take the defaults.
type Options struct {
	Log          *slog.Logger
	Now          func() time.Time
	Sleep        func(ctx context.Context, d time.Duration) error // waits between retries (tests inject a fake)
	Jitter       func() float64                                   // in [0,1); nil is math/rand
	Interval     time.Duration                                    // between incremental syncs
	FlushEvery   time.Duration                                    // how often Run looks at the outbox
	NoteLogLimit int                                              // characters of the Google note, free text plus call-note log
	NotesInLog   int                                              // at most this many call notes in the log
	MaxAttempts  int                                              // tries per request on 429/5xx/network errors
	BackoffBase  time.Duration
	BackoffMax   time.Duration
	Location     *time.Location  // time zone of the dates in the call-note log
	MaxTxTime    time.Duration   // how long one sync transaction may hold the store's write connection
	OnRun        func(err error) // told every run's outcome (the server's metrics); nil: nobody
	// RequestsPerMinute is the budget of requests to Google a minute
	// (the server's google.requests_per_minute, DefaultRequestsPerMinute
	// unless set). Zero paces nothing: only 429s slow the sync down.
	RequestsPerMinute int
}

func (o *Options) defaults() {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.FlushEvery <= 0 {
		o.FlushEvery = DefaultFlushEvery
	}
	if o.NoteLogLimit <= 0 {
		o.NoteLogLimit = DefaultNoteLogLimit
	}
	if o.NotesInLog <= 0 {
		o.NotesInLog = DefaultNotesInLog
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = DefaultBackoffBase
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = DefaultBackoffMax
	}
	if o.MaxTxTime <= 0 {
		o.MaxTxTime = DefaultMaxTxTime
	}
	if o.Location == nil {
		o.Location = time.Local
	}
}

// Engine syncs one store with one Google account. RunOnce is safe to call
// from several goroutines: cycles never overlap, and a lease in the store
// keeps other processes from writing to Google at the same time.
type Engine struct {
	db      *sqlite.DB
	p       People
	o       Options
	mu      sync.Mutex // one cycle at a time in this process
	trigger chan struct{}
	pace    *pacer
	prog    *progress
}

// New returns an engine; Run or RunOnce start syncing.
func New(db *sqlite.DB, p People, o Options) *Engine {
	o.defaults()
	return &Engine{db: db, p: p, o: o, trigger: make(chan struct{}, 1),
		pace: newPacer(o.RequestsPerMinute, o.Now), prog: newProgress(o.Now)}
}

// Counts is what one cycle changed.
type Counts struct {
	PulledCreated int `json:"pulled_created"`
	PulledUpdated int `json:"pulled_updated"`
	PulledDeleted int `json:"pulled_deleted"`
	PushedCreated int `json:"pushed_created"`
	PushedUpdated int `json:"pushed_updated"`
	PushedDeleted int `json:"pushed_deleted"`
	GroupsChanged int `json:"groups_changed"`
	Matched       int `json:"matched"` // unlinked contacts linked to the same person on the other side
	Held          int `json:"held"`    // ringcard contacts newly held: several contacts could be the same person
	Conflicts     int `json:"conflicts"`
	EtagRetries   int `json:"etag_retries"`
	Retries       int `json:"retries"` // requests sent again after 429/5xx/network errors
}

// Report is the outcome of one cycle.
type Report struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Full     bool      `json:"full"` // a full listing (first sync or expired token)
	Counts
	Error string `json:"error,omitempty"`
}

// Sync state keys.
const (
	keyPeopleToken = "people_token"
	keyGroupsToken = "groups_token"
	keyLastRun     = "last_run"
	keyLastSuccess = "last_success"
	keyLastError   = "last_error"
)

// ErrBusy means another process holds the sync lease.
var ErrBusy = errors.New("another ringcard process is syncing with Google")

// RunOnce runs one cycle: pull Google's changes, then replay the outbox.
// Pulling first lets a contact created just before a crash be recognised
// (by the ringcard ID in its clientData) instead of created twice.
func (e *Engine) RunOnce(ctx context.Context) (Report, error) {
	rep, err := e.runOnce(ctx)
	if e.o.OnRun != nil {
		e.o.OnRun(err)
	}
	return rep, err
}

func (e *Engine) runOnce(ctx context.Context) (Report, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rep := Report{Started: e.o.Now()}
	if err := e.db.SetSyncEnabled(ctx, true); err != nil {
		return rep, err
	}
	release, err := e.acquire(ctx)
	if err != nil {
		return rep, err
	}
	defer release()
	err = e.pull(ctx, &rep)
	switch {
	case err == nil:
		err = e.flush(ctx, &rep, false)
	case isFullSyncQuota(err):
		// The full listing waits for its own quota (the next cycle tries
		// again); changes to contacts Google has do not wait for it. New
		// contacts do: they must be matched against the listing first.
		e.o.Log.Info("google's full-sync quota is spent: sending changes to linked contacts, the listing waits")
		if ferr := e.flush(ctx, &rep, true); ferr != nil {
			err = ferr
		}
	}
	rep.Finished = e.o.Now()
	if err != nil {
		rep.Error = err.Error()
		e.o.Log.Warn("google sync failed", "err", err)
	} else if rep.Counts != (Counts{}) {
		e.o.Log.Info("google sync", "full", rep.Full, "pulled", rep.PulledCreated+rep.PulledUpdated+rep.PulledDeleted,
			"pushed", rep.PushedCreated+rep.PushedUpdated+rep.PushedDeleted, "conflicts", rep.Conflicts, "took", rep.Finished.Sub(rep.Started))
	}
	if serr := e.saveReport(context.WithoutCancel(ctx), rep, err); serr != nil && err == nil {
		err = serr
	}
	return rep, err
}

func (e *Engine) saveReport(ctx context.Context, rep Report, runErr error) error {
	return e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error {
		if err := tx.SetState(keyLastRun, rep); err != nil {
			return err
		}
		if runErr != nil {
			return tx.SetState(keyLastError, lastError{At: rep.Finished, Error: runErr.Error()})
		}
		if err := tx.SetState(keyLastSuccess, rep.Finished); err != nil {
			return err
		}
		return tx.SetState(keyLastError, nil)
	})
}

type lastError struct {
	At    time.Time `json:"at"`
	Error string    `json:"error"`
}

// Trigger asks Run for a cycle now (coalesced, never blocks).
func (e *Engine) Trigger() {
	select {
	case e.trigger <- struct{}{}:
	default:
	}
}

// Run syncs until ctx is done: at once, then every Interval, whenever the
// outbox has changes not tried yet (checked every FlushEvery: one Google
// refused waits for the next regular sync, so it does not spend the
// quota every few seconds) and on Trigger. After a
// failure it waits longer each time (up to Interval) before trying again;
// nothing local waits for it.
func (e *Engine) Run(ctx context.Context) {
	tick := time.NewTicker(e.o.FlushEvery)
	defer tick.Stop()
	var next time.Time // the next cycle is due then at the latest (zero: now)
	failures := 0
	for {
		if !e.o.Now().Before(next) {
			if _, err := e.RunOnce(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				failures++
				next = e.o.Now().Add(min(backoff(failures, e.o.FlushEvery, e.o.Interval, e.o.Jitter(), 0), e.o.Interval))
			} else {
				failures = 0
				next = e.o.Now().Add(e.o.Interval)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-e.trigger:
			next = time.Time{}
		case <-tick.C:
			if failures == 0 {
				if n, err := e.db.OutboxUntried(ctx); err == nil && n > 0 {
					next = time.Time{}
				}
			}
		}
	}
}

// firstFullPage names the first page of a full listing: Google gives it an
// extra quota of its own (fixed, it cannot be raised), so its 429s do not
// slow the rest down, and are not retried within the cycle: the writes go
// first (fullSyncQuota).
const firstFullPage = "list contacts (first page of a full sync)"

// fullSyncQuota is a 429 on the first page of a full listing.
type fullSyncQuota struct{ err error }

func (f fullSyncQuota) Error() string { return f.err.Error() }
func (f fullSyncQuota) Unwrap() error { return f.err }

func isFullSyncQuota(err error) bool {
	var f fullSyncQuota
	return errors.As(err, &f)
}

// call sends one request when the pace allows, again on 429, 5xx and
// network errors, with exponential backoff and jitter, honouring
// Retry-After; a 429 also slows the pace of every later request.
func (e *Engine) call(ctx context.Context, rep *Report, what string, fn func() error) error {
	for attempt := 1; ; attempt++ {
		if err := e.pace.wait(ctx); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		err := fn()
		e.prog.request()
		if isQuota(err) && what == firstFullPage && !isUserQuota(err) {
			return fullSyncQuota{fmt.Errorf("%s: %w", what, err)}
		}
		if isQuota(err) {
			e.pace.throttled(retryAfter(err, e.o.Now()))
		}
		if err == nil || !retryable(err) || isUnclear(err) || attempt >= e.o.MaxAttempts || ctx.Err() != nil {
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		}
		d := backoff(attempt, e.o.BackoffBase, e.o.BackoffMax, e.o.Jitter(), retryAfter(err, e.o.Now()))
		rep.Retries++
		e.o.Log.Debug("google request failed, retrying", "what", what, "attempt", attempt, "wait", d, "err", err)
		if err := e.o.Sleep(ctx, d); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
}
