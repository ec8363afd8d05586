package push

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// worker sends queued messages until the dispatcher is closed and drained,
// or Close gives up.
func (d *Dispatcher) worker() {
	defer d.wg.Done()
	closing := d.closing
	for {
		it, wait, done := d.take()
		if done {
			return
		}
		if it != nil {
			d.signal() // pass the baton: there may be more work
			d.deliver(it)
			continue
		}
		var timer <-chan time.Time
		if wait > 0 {
			timer = d.cfg.Clock.After(wait)
		}
		select {
		case <-d.wake:
		case <-timer:
		case <-closing:
			closing = nil // seen; drain what is left
		case <-d.ctx.Done():
			return
		}
	}
}

// take returns the next item to send, or how long to wait (0: until
// woken), or done when the dispatcher is closed and empty.
func (d *Dispatcher) take() (it *item, wait time.Duration, done bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx.Err() != nil || (d.closed && d.q.len() == 0) {
		return nil, 0, true
	}
	now := d.cfg.Clock.Now()
	if now.Before(d.pausedUntil) {
		return nil, d.pausedUntil.Sub(now), false
	}
	it, wait = d.q.next(now)
	return it, wait, false
}

// deliver makes one send attempt for it and acts on the outcome.
func (d *Dispatcher) deliver(it *item) {
	now := d.cfg.Clock.Now()
	remaining := it.expires.Sub(now).Round(time.Second)
	if remaining < time.Second {
		d.finish(it, fmt.Errorf("%w after %d attempts", ErrExpired, it.attempt))
		return
	}
	m := it.msg
	m.TTL = remaining
	ctx, cancel := context.WithTimeout(d.ctx, d.cfg.SendTimeout)
	err := d.cfg.Sender.Send(ctx, m)
	cancel()
	it.attempt++
	switch {
	case err == nil:
		d.finish(it, nil)
	case d.ctx.Err() != nil:
		d.mu.Lock()
		d.stats.Abandoned++
		d.mu.Unlock()
	case errors.Is(err, ErrUnregistered):
		d.mu.Lock()
		d.stats.Dropped += uint64(d.q.removeToken(it.msg.Token))
		d.mu.Unlock()
		d.cfg.Logger.Info("push: token unregistered", "kind", it.msg.Kind)
		d.finish(it, err) // the result first: the owner records why before the token goes
		d.cfg.OnUnregistered(it.msg.Token)
	case IsRetryable(err):
		d.retry(it, err)
	default:
		d.cfg.Logger.Warn("push: send failed", "kind", it.msg.Kind, "err", err)
		d.finish(it, err)
	}
}

// retry schedules another attempt for it, or gives up when attempts or
// TTL run out. A quota error pauses everything first, whatever becomes of
// the message that hit it: a dial whose 60 s TTL is shorter than the
// pause is dropped, but the sends behind it still wait out the quota.
func (d *Dispatcher) retry(it *item, err error) {
	var re *RetryableError
	errors.As(err, &re)
	delay := re.RetryAfter
	if delay <= 0 {
		delay = d.backoff(it.attempt)
		if re.Quota {
			delay = max(delay, d.cfg.QuotaPause)
		}
	}
	now := d.cfg.Clock.Now()
	it.due = now.Add(delay)
	if re.Quota {
		d.pause(it.due, delay)
	}
	if it.attempt >= d.cfg.MaxAttempts {
		d.finish(it, fmt.Errorf("push: giving up after %d attempts: %w", it.attempt, err))
		return
	}
	if !it.due.Before(it.expires) {
		d.cfg.Logger.Warn("push: message dropped, it expires before the retry", "kind", it.msg.Kind, "retry_in", delay, "ttl_left", it.expires.Sub(now))
		d.finish(it, fmt.Errorf("%w before retry: %w", ErrExpired, err))
		return
	}
	d.mu.Lock()
	if it.msg.Kind == KindSync && d.q.syncs[it.msg.Token] != nil {
		// A newer tickle for this token is queued; it supersedes this one.
		d.stats.Coalesced++
		d.mu.Unlock()
		return
	}
	d.q.pushRetry(it)
	d.stats.Retried++
	d.mu.Unlock()
	d.signal()
	d.cfg.Logger.Debug("push: retry scheduled", "kind", it.msg.Kind, "in", delay, "err", err)
}

// pause stops all sending until until (FCM throttles the whole project on
// QUOTA_EXCEEDED); an earlier end never shortens a pause already set.
func (d *Dispatcher) pause(until time.Time, delay time.Duration) {
	d.mu.Lock()
	extended := until.After(d.pausedUntil)
	if extended {
		d.pausedUntil = until
	}
	d.mu.Unlock()
	if extended {
		d.cfg.Logger.Warn("push: FCM quota exceeded, pausing", "for", delay)
	}
}

// backoff returns the delay before retry number attempt (1-based):
// BaseBackoff doubled per attempt, capped at MaxBackoff, with the upper
// half jittered.
func (d *Dispatcher) backoff(attempt int) time.Duration {
	b := d.cfg.BaseBackoff
	for i := 1; i < attempt && b < d.cfg.MaxBackoff; i++ {
		b *= 2
	}
	b = min(b, d.cfg.MaxBackoff)
	half := b / 2
	return half + rand.N(b-half+1)
}

// finish records the final outcome of it and reports it to OnResult.
func (d *Dispatcher) finish(it *item, err error) {
	d.mu.Lock()
	if err == nil {
		d.stats.Sent++
	} else {
		d.stats.Failed++
	}
	d.mu.Unlock()
	d.cfg.OnResult(it.msg.Token, err)
}
