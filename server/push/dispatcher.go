package push

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"
)

// Errors reported by Dispatcher.
var (
	// ErrQueueFull is returned by Enqueue when the queue is full and no
	// sync tickle could be evicted to make room.
	ErrQueueFull = errors.New("push: queue full")
	// ErrClosed is returned by Enqueue after Close.
	ErrClosed = errors.New("push: dispatcher closed")
	// ErrExpired is reported to OnResult when a message's TTL ran out
	// before it could be delivered.
	ErrExpired = errors.New("push: message expired")
)

// Stats counts what a Dispatcher did since it started.
type Stats struct {
	Enqueued  uint64 // accepted by Enqueue as new queue entries
	Coalesced uint64 // sync tickles merged into a queued one
	Dropped   uint64 // evicted or rejected for room, or purged after unregistered
	Sent      uint64 // delivered
	Failed    uint64 // given up: unregistered, permanent, expired, attempts exhausted
	Retried   uint64 // retries scheduled
	Abandoned uint64 // still pending when Close's context ended
}

// Dispatcher queues wake-ups and sends them from a few worker goroutines,
// so Enqueue never blocks on the network.
//
// Queueing: messages wait in a bounded queue, dial and urgent events ahead
// of the rest. A sync tickle for a token that already has one queued is
// merged into it (the newer Data wins). When the queue is full, Enqueue
// evicts the oldest queued sync tickle (it only says "something changed",
// and the next tickle or socket connect catches up) and counts it in
// Stats.Dropped; if there is none to evict the new message is rejected
// with ErrQueueFull.
//
// Failures: unregistered tokens call OnUnregistered and are not retried;
// a *RetryableError is retried with exponential backoff and jitter, or
// after its RetryAfter; QUOTA_EXCEEDED pauses all workers until the retry
// time; messages are abandoned when their TTL runs out or after
// MaxAttempts sends.
type Dispatcher struct {
	cfg     Config
	ctx     context.Context // canceled when Close gives up; bounds sends
	cancel  context.CancelFunc
	wake    chan struct{}
	closing chan struct{}
	wg      sync.WaitGroup

	mu          sync.Mutex
	q           *queue
	pausedUntil time.Time
	closed      bool
	stats       Stats
}

// NewDispatcher starts a Dispatcher with cfg's workers. Call Close to stop.
func NewDispatcher(cfg Config) (*Dispatcher, error) {
	if cfg.Sender == nil {
		return nil, errors.New("push: Config.Sender is required")
	}
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{
		cfg:     cfg,
		ctx:     ctx,
		cancel:  cancel,
		wake:    make(chan struct{}, 1),
		closing: make(chan struct{}),
		q:       newQueue(),
	}
	d.wg.Add(cfg.Workers)
	for range cfg.Workers {
		go d.worker()
	}
	return d, nil
}

// Enqueue queues m and returns at once. It returns an error wrapping
// ErrInvalidMessage for a malformed message, ErrClosed after Close, or
// ErrQueueFull (see Dispatcher for the overflow policy). m.Data is copied.
func (d *Dispatcher) Enqueue(m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	m.Data = maps.Clone(m.Data)
	now := d.cfg.Clock.Now()
	expires := now.Add(d.cfg.TTLs.For(m))
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return ErrClosed
	}
	if m.Kind == KindSync {
		if it := d.q.syncs[m.Token]; it != nil {
			it.msg.Data, it.expires = m.Data, expires
			d.stats.Coalesced++
			d.mu.Unlock()
			return nil
		}
	}
	if d.q.len() >= d.cfg.QueueSize {
		victim := d.q.oldestSync()
		d.stats.Dropped++
		if victim == nil {
			d.mu.Unlock()
			d.cfg.Logger.Warn("push: queue full, message dropped", "kind", m.Kind)
			return ErrQueueFull
		}
		d.q.remove(victim)
		d.cfg.Logger.Warn("push: queue full, oldest sync tickle evicted")
	}
	d.q.pushFresh(&item{msg: m, expires: expires})
	d.stats.Enqueued++
	d.mu.Unlock()
	d.signal()
	return nil
}

// Len returns the number of queued messages, retries included.
func (d *Dispatcher) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.q.len()
}

// Stats returns a snapshot of the counters.
func (d *Dispatcher) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// PausedUntil returns the end of the current quota pause, or the zero
// time if sending is not paused.
func (d *Dispatcher) PausedUntil() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cfg.Clock.Now().Before(d.pausedUntil) {
		return d.pausedUntil
	}
	return time.Time{}
}

// Close stops accepting messages and waits until the queue is drained,
// retries included, or ctx ends. In the latter case in-flight sends are
// canceled, the remaining messages are abandoned and an error wrapping
// ctx.Err() is returned.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		close(d.closing)
	}
	d.mu.Unlock()
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		d.cancel()
		return nil
	case <-ctx.Done():
		d.cancel()
		<-done
	}
	d.mu.Lock()
	n := d.q.len()
	d.stats.Abandoned += uint64(n)
	d.q = newQueue()
	d.mu.Unlock()
	return fmt.Errorf("push: close: %d messages not sent: %w", n, ctx.Err())
}

// signal wakes one idle worker, if any.
func (d *Dispatcher) signal() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}
