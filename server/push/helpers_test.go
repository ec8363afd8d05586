package push_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ringcard/ringcard/server/push"
	"github.com/ringcard/ringcard/server/push/fcmstub"
)

// newStubSender starts an fcmstub server and an FCMSender that reaches it
// through the official SDK.
func newStubSender(t *testing.T) (*fcmstub.Server, *push.FCMSender) {
	t.Helper()
	stub := fcmstub.New()
	srv := httptest.NewServer(stub)
	t.Cleanup(srv.Close)
	s, err := push.NewFCMSender(context.Background(), "p", "", srv.URL+"/v1")
	if err != nil {
		t.Fatalf("NewFCMSender: %v", err)
	}
	return stub, s
}

// waitFor polls cond until it holds or a generous deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// result is one OnResult call.
type result struct {
	token string
	err   error
	at    time.Time
}

// recorder collects dispatcher callbacks.
type recorder struct {
	mu           sync.Mutex
	clock        push.Clock
	results      []result
	unregistered []string
}

func (r *recorder) onResult(token string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, result{token: token, err: err, at: r.clock.Now()})
}

func (r *recorder) onUnregistered(token string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.unregistered = append(r.unregistered, token)
}

func (r *recorder) snapshot() ([]result, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]result(nil), r.results...), append([]string(nil), r.unregistered...)
}

func (r *recorder) count() int {
	res, _ := r.snapshot()
	return len(res)
}

// newDispatcher wires a dispatcher to sender with a recorder; fields of
// cfg other than callbacks, logger and clock are kept.
func newDispatcher(t *testing.T, sender push.Sender, clock push.Clock, cfg push.Config) (*push.Dispatcher, *recorder) {
	t.Helper()
	if clock == nil {
		clock = push.SystemClock{}
	}
	rec := &recorder{clock: clock}
	cfg.Sender, cfg.Clock, cfg.Logger = sender, clock, quietLogger()
	cfg.OnResult, cfg.OnUnregistered = rec.onResult, rec.onUnregistered
	d, err := push.NewDispatcher(cfg)
	if err != nil {
		t.Fatalf("NewDispatcher: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = d.Close(ctx)
	})
	return d, rec
}

// fakeClock is a manually advanced push.Clock.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{at: c.now.Add(d), ch: ch})
	return ch
}

// AdvanceToNext moves time to the earliest pending timer and fires it;
// it reports false when no one waits. With one worker, a waiter means the
// worker is idle, so time never runs ahead of a send in progress.
func (c *fakeClock) AdvanceToNext() bool {
	c.mu.Lock()
	if len(c.waiters) == 0 {
		c.mu.Unlock()
		return false
	}
	next := c.waiters[0].at
	for _, w := range c.waiters[1:] {
		if w.at.Before(next) {
			next = w.at
		}
	}
	d := next.Sub(c.now)
	c.mu.Unlock()
	c.Advance(d)
	return true
}

// Advance moves time forward and fires the timers that came due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

// blockingSender blocks every Send until release is closed, then
// succeeds. It counts sends per token.
type blockingSender struct {
	release chan struct{}
	mu      sync.Mutex
	sent    []push.Message
	started int
}

func newBlockingSender() *blockingSender { return &blockingSender{release: make(chan struct{})} }

func (b *blockingSender) Send(ctx context.Context, m push.Message) error {
	b.mu.Lock()
	b.started++
	b.mu.Unlock()
	select {
	case <-b.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent = append(b.sent, m)
	return nil
}

func (b *blockingSender) startedCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.started
}

func (b *blockingSender) messages() []push.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]push.Message(nil), b.sent...)
}
