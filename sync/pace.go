package contactsync

import (
	"context"
	"sync"
	"time"
)

// DefaultRequestsPerMinute is the request budget the server gives the
// sync when the installer sets none: two thirds of the 90 requests a
// minute Google allows each user of the People API by default ("Critical
// read requests (Contact and Profile Reads) per minute per user", which
// writes spend too), so other clients of the account keep some room.
const DefaultRequestsPerMinute = 60

// pacer spaces the requests sent to Google so that no minute holds more
// than the budget: a token bucket holding a tenth of the budget (a lone
// change goes out at once) refilled at the rest of it, so any 60 seconds
// see at most burst + refill = budget requests. A 429 halves the pace
// and stops every request until Retry-After (or one token's time) has
// passed; each quiet minute after that gives back a tenth of the budget.
// A zero budget paces nothing (tests; Google's own 429s still slow the
// retries through call's backoff).
type pacer struct {
	now   func() time.Time
	limit float64 // the installer's budget, requests a minute

	mu     sync.Mutex
	rate   float64 // current budget, lowered after a 429
	tokens float64
	last   time.Time // when tokens were last counted
	until  time.Time // nothing is sent before this (after a 429)
	cut    time.Time // the latest 429 or step back up
}

func newPacer(perMinute int, now func() time.Time) *pacer {
	p := &pacer{now: now, limit: float64(perMinute), rate: float64(perMinute)}
	p.tokens = p.burst()
	p.last = now()
	return p
}

func (p *pacer) burst() float64 { return max(1, float64(int(p.rate/10))) }

// refillPerSecond is what the bucket gains a second at the current rate.
func (p *pacer) refillPerSecond() float64 { return max(p.rate-p.burst(), 1) / 60 }

// reserve takes a token, or says how long to wait for one.
func (p *pacer) reserve() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if now.Before(p.until) {
		return p.until.Sub(now)
	}
	if el := now.Sub(p.last); el > 0 {
		p.tokens = min(p.burst(), p.tokens+el.Seconds()*p.refillPerSecond())
		p.last = now
	}
	if p.rate < p.limit && now.Sub(p.cut) >= time.Minute {
		p.rate = min(p.limit, p.rate+max(1, p.limit/10))
		p.cut = now
	}
	if p.tokens >= 1-1e-6 { // (float rounding must not leave a request waiting 0s forever)
		p.tokens = max(0, p.tokens-1)
		return 0
	}
	return max(time.Millisecond, time.Duration((1-p.tokens)/p.refillPerSecond()*float64(time.Second)))
}

// wait blocks until a request may be sent.
func (p *pacer) wait(ctx context.Context) error {
	if p == nil || p.limit <= 0 {
		return ctx.Err()
	}
	for {
		d := p.reserve()
		if d <= 0 {
			return nil
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// throttled records a 429: half the pace, and nothing sent until after
// Retry-After or one request's share of the new pace.
func (p *pacer) throttled(retryAfter time.Duration) {
	if p == nil || p.limit <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.rate = max(1, p.rate/2)
	p.tokens = 0
	p.last, p.cut = now, now
	pause := max(retryAfter, time.Duration(float64(time.Minute)/p.rate))
	if u := now.Add(pause); u.After(p.until) {
		p.until = u
	}
}

// state is the pace now, for the status: requests a minute, and until
// when nothing is sent (zero: not paused).
func (p *pacer) state() (perMinute int, pausedUntil time.Time) {
	if p == nil {
		return 0, time.Time{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.now().Before(p.until) {
		pausedUntil = p.until
	}
	return int(p.rate), pausedUntil
}
