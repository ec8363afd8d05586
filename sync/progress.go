package contactsync

import (
	"context"
	"sync"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// keyDrain is the sync state key of the latest Drain.
const keyDrain = "drain"

// Drain is how fast the outbox empties, as the engine last saw it: what
// `ringcard google status`, the web view and /metrics show.
type Drain struct {
	At                 time.Time `json:"at"`                   // when this was measured
	RequestsLastMinute int       `json:"requests_last_minute"` // requests sent to Google in the minute before At
	PushedLastMinute   int       `json:"pushed_last_minute"`   // contacts created, changed or deleted in Google in that minute
	PerMinute          float64   `json:"contacts_per_minute"`  // drain rate (contacts a minute)
	PacePerMinute      int       `json:"pace_requests_per_minute,omitempty"`
	PausedUntil        time.Time `json:"paused_until,omitzero"` // after a 429: nothing is sent before then
}

// progress counts requests and pushed contacts over the last minute.
type progress struct {
	now func() time.Time

	mu     sync.Mutex
	reqs   []time.Time
	pushes []stamp
}

type stamp struct {
	at time.Time
	n  int
}

func newProgress(now func() time.Time) *progress { return &progress{now: now} }

func (p *progress) request() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.reqs = append(trimTimes(p.reqs, now), now)
}

func (p *progress) pushed(n int) {
	if n == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.pushes = append(trimStamps(p.pushes, now), stamp{now, n})
}

// snapshot measures the last minute.
func (p *progress) snapshot(pace *pacer) Drain {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.reqs, p.pushes = trimTimes(p.reqs, now), trimStamps(p.pushes, now)
	d := Drain{At: now, RequestsLastMinute: len(p.reqs)}
	for _, s := range p.pushes {
		d.PushedLastMinute += s.n
	}
	if len(p.pushes) > 0 {
		// over the time actually spent pushing (at least 10 s, so the
		// first batch of 200 does not read as 12,000 a minute)
		window := min(time.Minute, max(10*time.Second, now.Sub(p.pushes[0].at)))
		d.PerMinute = float64(d.PushedLastMinute) / window.Minutes()
	}
	d.PacePerMinute, d.PausedUntil = pace.state()
	return d
}

func trimTimes(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > time.Minute {
		i++
	}
	return ts[i:]
}

func trimStamps(ss []stamp, now time.Time) []stamp {
	i := 0
	for i < len(ss) && now.Sub(ss[i].at) > time.Minute {
		i++
	}
	return ss[i:]
}

// saveDrain stores the drain for the status readers (other processes).
func (e *Engine) saveDrain(ctx context.Context) {
	d := e.prog.snapshot(e.pace)
	err := e.db.SyncTx(context.WithoutCancel(ctx), func(tx *sqlite.SyncTx) error { return tx.SetState(keyDrain, d) })
	if err != nil {
		e.o.Log.Debug("save sync progress", "err", err)
	}
}
