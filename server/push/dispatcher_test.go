package push_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ringcard/ringcard/server/push"
	"github.com/ringcard/ringcard/server/push/fcmstub"
)

func dial(token string) push.Message {
	return push.Message{Token: token, Kind: push.KindDial, Data: map[string]string{"number": "+15550100", "sim_slot": "0"}}
}

func syncMsg(token, cursor string) push.Message {
	return push.Message{Token: token, Kind: push.KindSync, Data: map[string]string{"cursor": cursor}}
}

func TestDispatcherDelivers(t *testing.T) {
	stub, sender := newStubSender(t)
	d, rec := newDispatcher(t, sender, nil, push.Config{})
	if err := d.Enqueue(syncMsg("a", "c1")); err != nil {
		t.Fatal(err)
	}
	if err := d.Enqueue(dial("b")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two results", func() bool { return rec.count() == 2 })
	res, _ := rec.snapshot()
	for _, r := range res {
		if r.err != nil {
			t.Errorf("%s: %v", r.token, r.err)
		}
	}
	s := stub.MessagesFor("a")[0]
	if s.Android.Priority != "normal" || s.Android.CollapseKey != "sync" || s.Android.TTL != time.Hour || s.Notification {
		t.Errorf("sync = %+v %+v", s, *s.Android)
	}
	if b := stub.MessagesFor("b")[0]; b.Android.Priority != "high" || b.Android.TTL != time.Minute {
		t.Errorf("dial = %+v", *b.Android)
	}
}

func TestDispatcherUnregisteredOnce(t *testing.T) {
	stub, sender := newStubSender(t)
	stub.Unregister("dead")
	release := stub.Hold()
	d, rec := newDispatcher(t, sender, nil, push.Config{Workers: 1, BaseBackoff: time.Millisecond})
	if err := d.Enqueue(dial("dead")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "first request at the stub", func() bool { return len(stub.Attempts()) == 1 })
	// Queued behind the in-flight send; purged once the token is known dead.
	for _, m := range []push.Message{syncMsg("dead", "1"), {Token: "dead", Kind: push.KindEvent, Data: map[string]string{"seq": "2"}}} {
		if err := d.Enqueue(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Enqueue(dial("alive")); err != nil {
		t.Fatal(err)
	}
	release()
	waitFor(t, "both tokens settled", func() bool { return rec.count() == 2 })
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, unreg := rec.snapshot()
	if len(unreg) != 1 || unreg[0] != "dead" {
		t.Errorf("OnUnregistered calls = %v, want exactly [dead]", unreg)
	}
	for _, r := range res {
		if r.token == "dead" && !errors.Is(r.err, push.ErrUnregistered) {
			t.Errorf("dead result = %v", r.err)
		}
		if r.token == "alive" && r.err != nil {
			t.Errorf("alive result = %v", r.err)
		}
	}
	dead := 0
	for _, a := range stub.Attempts() {
		if a.Token == "dead" {
			dead++
		}
	}
	if dead != 1 {
		t.Errorf("requests for dead token = %d, want 1 (no retry)", dead)
	}
	if st := d.Stats(); st.Retried != 0 || st.Dropped != 2 {
		t.Errorf("stats = %+v, want no retries and 2 purged", st)
	}
}

func TestDispatcherQuotaPausesEverything(t *testing.T) {
	stub, sender := newStubSender(t)
	clock := newFakeClock()
	t0 := clock.Now()
	stub.FailNext(1, fcmstub.QuotaExceeded, 30*time.Second)
	d, rec := newDispatcher(t, sender, clock, push.Config{Workers: 1})
	if err := d.Enqueue(dial("a")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "quota pause", func() bool { return !d.PausedUntil().IsZero() })
	if got := d.PausedUntil(); !got.Equal(t0.Add(30 * time.Second)) {
		t.Errorf("paused until %v, want t0+30s", got.Sub(t0))
	}
	if err := d.Enqueue(dial("b")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both delivered", func() bool {
		if rec.count() == 2 {
			return true
		}
		clock.AdvanceToNext() // the single worker waits out the pause, and nothing else
		return false
	})
	res, _ := rec.snapshot()
	for _, r := range res {
		if r.err != nil {
			t.Errorf("%s: %v", r.token, r.err)
		}
		if r.at.Before(t0.Add(30 * time.Second)) {
			t.Errorf("%s sent %v after the 429, during the 30s pause", r.token, r.at.Sub(t0))
		}
	}
	if at := stub.Attempts(); len(at) != 3 || at[0].Status != 429 || at[1].Token != "a" {
		t.Errorf("attempts = %+v, want a:429, a:200, b:200", at)
	}
	// The retry carries the remaining lifetime, not the full minute.
	if m := stub.MessagesFor("a")[0]; m.Android.TTL > 30*time.Second {
		t.Errorf("retry TTL = %v, want <= 30s left of 60s", m.Android.TTL)
	}
}

func TestDispatcherRetries(t *testing.T) {
	tests := []struct {
		name       string
		kind       fcmstub.ErrorKind
		n          int
		retryAfter time.Duration
		requests   int // at the stub, failures included
	}{
		// A bare 503 is retried inside the SDK; the dispatcher sees success.
		{"503 retried by SDK", fcmstub.Unavailable, 1, 0, 2},
		// Retry-After beyond the SDK's 2-minute cap: the dispatcher retries.
		{"503 with long Retry-After", fcmstub.Unavailable, 1, 3 * time.Minute, 2},
		{"500 twice", fcmstub.Internal, 2, 0, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stub, sender := newStubSender(t)
			stub.FailNext(tc.n, tc.kind, tc.retryAfter)
			clock := newFakeClock()
			t0 := clock.Now()
			d, rec := newDispatcher(t, sender, clock, push.Config{Workers: 1})
			msg := push.Message{Token: "t", Kind: push.KindEvent, Urgent: true, Data: map[string]string{"seq": "7"}}
			if err := d.Enqueue(msg); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "delivery", func() bool {
				if rec.count() == 1 {
					return true
				}
				clock.Advance(time.Second)
				return false
			})
			res, _ := rec.snapshot()
			if res[0].err != nil {
				t.Fatalf("result = %v", res[0].err)
			}
			if n := len(stub.Attempts()); n != tc.requests {
				t.Errorf("requests = %d, want %d", n, tc.requests)
			}
			if tc.retryAfter > 0 && res[0].at.Before(t0.Add(tc.retryAfter)) {
				t.Errorf("delivered at %v, before Retry-After %v", res[0].at, tc.retryAfter)
			}
		})
	}
}

func TestDispatcherGivesUp(t *testing.T) {
	tests := []struct {
		name string
		cfg  push.Config
		msg  push.Message
		want error
	}{
		{"attempts exhausted", push.Config{MaxAttempts: 3}, dial("t"), nil},
		{"ttl runs out", push.Config{BaseBackoff: 40 * time.Second}, dial("t"), push.ErrExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stub, sender := newStubSender(t)
			stub.FailNext(100, fcmstub.Internal, 0)
			clock := newFakeClock()
			tc.cfg.Workers = 1
			d, rec := newDispatcher(t, sender, clock, tc.cfg)
			if err := d.Enqueue(tc.msg); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "final result", func() bool {
				if rec.count() == 1 {
					return true
				}
				clock.Advance(time.Second)
				return false
			})
			res, _ := rec.snapshot()
			err := res[0].err
			if !push.IsRetryable(err) {
				t.Fatalf("result = %v, want the last retryable error", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("result = %v, want %v", err, tc.want)
			}
			if tc.cfg.MaxAttempts > 0 && len(stub.Attempts()) != tc.cfg.MaxAttempts {
				t.Errorf("requests = %d, want %d", len(stub.Attempts()), tc.cfg.MaxAttempts)
			}
		})
	}
}

// TestEnqueueDoesNotBlock holds the only worker inside the stub and shows
// that 1,000 enqueues still return, then that Close drains them all.
func TestEnqueueDoesNotBlock(t *testing.T) {
	stub, sender := newStubSender(t)
	release := stub.Hold()
	d, rec := newDispatcher(t, sender, nil, push.Config{Workers: 1, QueueSize: 2000})
	if err := d.Enqueue(dial("first")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "worker blocked in the stub", func() bool { return len(stub.Attempts()) == 1 })

	done := make(chan error, 1)
	go func() {
		for i := range 1000 {
			if err := d.Enqueue(syncMsg(fmt.Sprintf("tok-%d", i), "c")); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Enqueue: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Enqueue blocked while the worker was stuck in a send")
	}
	if n := len(stub.Attempts()); n != 1 {
		t.Errorf("stub saw %d requests while held, want 1", n)
	}
	if got := d.Len(); got != 1000 {
		t.Errorf("Len = %d, want 1000", got)
	}
	release()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := len(stub.Messages()); n != 1001 {
		t.Errorf("delivered %d, want 1001", n)
	}
	if n := rec.count(); n != 1001 {
		t.Errorf("results %d, want 1001", n)
	}
	if err := d.Enqueue(dial("late")); !errors.Is(err, push.ErrClosed) {
		t.Errorf("Enqueue after Close = %v, want ErrClosed", err)
	}
}

func TestSyncCoalescing(t *testing.T) {
	bs := newBlockingSender()
	d, _ := newDispatcher(t, bs, nil, push.Config{Workers: 1})
	if err := d.Enqueue(dial("other")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "worker busy", func() bool { return bs.startedCount() == 1 })
	for i := range 5 {
		if err := d.Enqueue(syncMsg("t", fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if got := d.Len(); got != 1 {
		t.Errorf("Len = %d, want 1 coalesced tickle", got)
	}
	close(bs.release)
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var syncs []push.Message
	for _, m := range bs.messages() {
		if m.Token == "t" {
			syncs = append(syncs, m)
		}
	}
	if len(syncs) != 1 || syncs[0].Data["cursor"] != "4" {
		t.Errorf("syncs sent = %+v, want one with the latest cursor", syncs)
	}
	if st := d.Stats(); st.Coalesced != 4 {
		t.Errorf("Coalesced = %d, want 4", st.Coalesced)
	}
}

func TestQueueFullPolicy(t *testing.T) {
	bs := newBlockingSender()
	d, _ := newDispatcher(t, bs, nil, push.Config{Workers: 1, QueueSize: 3})
	if err := d.Enqueue(dial("busy")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "worker busy", func() bool { return bs.startedCount() == 1 })
	steps := []struct {
		msg  push.Message
		want error
	}{
		{syncMsg("s1", "a"), nil},
		{dial("d1"), nil},
		{syncMsg("s2", "a"), nil},
		{dial("d2"), nil},               // full: evicts the oldest sync, s1
		{syncMsg("s2", "b"), nil},       // coalesces, needs no room
		{dial("d3"), nil},               // full: evicts s2
		{dial("d4"), push.ErrQueueFull}, // full of dials: rejected
		{syncMsg("s3", "a"), push.ErrQueueFull},
	}
	for i, s := range steps {
		if err := d.Enqueue(s.msg); !errors.Is(err, s.want) {
			t.Fatalf("step %d (%s): err = %v, want %v", i, s.msg.Token, err, s.want)
		}
	}
	close(bs.release)
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range bs.messages() {
		got = append(got, m.Token)
	}
	want := "[busy d1 d2 d3]"
	if fmt.Sprint(got) != want {
		t.Errorf("sent %v, want %s", got, want)
	}
	if st := d.Stats(); st.Dropped != 4 {
		t.Errorf("Dropped = %d, want 4", st.Dropped)
	}
}

func TestHighPriorityFirst(t *testing.T) {
	bs := newBlockingSender()
	d, _ := newDispatcher(t, bs, nil, push.Config{Workers: 1})
	if err := d.Enqueue(dial("busy")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "worker busy", func() bool { return bs.startedCount() == 1 })
	for _, m := range []push.Message{syncMsg("s", "1"), {Token: "e", Kind: push.KindEvent}, dial("d"),
		{Token: "u", Kind: push.KindEvent, Urgent: true}} {
		if err := d.Enqueue(m); err != nil {
			t.Fatal(err)
		}
	}
	close(bs.release)
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range bs.messages() {
		got = append(got, m.Token)
	}
	if want := "[busy d u s e]"; fmt.Sprint(got) != want {
		t.Errorf("order %v, want %s", got, want)
	}
}

func TestCloseTimeout(t *testing.T) {
	bs := newBlockingSender() // never released
	d, _ := newDispatcher(t, bs, nil, push.Config{Workers: 1})
	for _, tok := range []string{"a", "b"} {
		if err := d.Enqueue(dial(tok)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "worker busy", func() bool { return bs.startedCount() == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := d.Close(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Close = %v, want context.Canceled", err)
	}
	if st := d.Stats(); st.Abandoned != 2 {
		t.Errorf("Abandoned = %d, want 2 (one in flight, one queued)", st.Abandoned)
	}
}

func TestEnqueueRejectsInvalid(t *testing.T) {
	d, _ := newDispatcher(t, newBlockingSender(), nil, push.Config{})
	if err := d.Enqueue(push.Message{Kind: push.KindDial}); !errors.Is(err, push.ErrInvalidMessage) {
		t.Errorf("err = %v", err)
	}
	if _, err := push.NewDispatcher(push.Config{}); err == nil {
		t.Error("NewDispatcher without Sender succeeded")
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A 429 on a dial whose TTL is shorter than the pause: the dial is dropped
// (and the log says so), but the pause holds for the sends behind it.
func TestDispatcherQuotaOnExpiringDialStillPauses(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter time.Duration // 0: no header, QuotaPause applies
		pause      time.Duration
	}{
		{"Retry-After longer than the dial's TTL", 90 * time.Second, 90 * time.Second},
		{"no Retry-After, QuotaPause equal to the TTL", 0, time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stub, sender := newStubSender(t)
			clock := newFakeClock()
			t0 := clock.Now()
			stub.FailNext(1, fcmstub.QuotaExceeded, tc.retryAfter)
			logs := &syncBuffer{}
			rec := &recorder{clock: clock}
			d, err := push.NewDispatcher(push.Config{
				Sender: sender, Clock: clock, Workers: 2,
				Logger:   slog.New(slog.NewTextHandler(logs, nil)),
				OnResult: rec.onResult, OnUnregistered: rec.onUnregistered,
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				_ = d.Close(ctx)
			})
			if err := d.Enqueue(dial("a")); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the dial's result", func() bool { return rec.count() == 1 })
			res, _ := rec.snapshot()
			if !errors.Is(res[0].err, push.ErrExpired) {
				t.Fatalf("dial result = %v, want ErrExpired", res[0].err)
			}
			if got := d.PausedUntil(); !got.Equal(t0.Add(tc.pause)) {
				t.Fatalf("paused until t0+%v, want t0+%v", got.Sub(t0), tc.pause)
			}
			if l := logs.String(); !strings.Contains(l, "message dropped") || !strings.Contains(l, "kind=dial") || !strings.Contains(l, "pausing") {
				t.Errorf("log does not say the dial was dropped and sending paused:\n%s", l)
			}
			// An event (10 min TTL) and a sync tickle outlive the pause.
			for _, m := range []push.Message{{Token: "b", Kind: push.KindEvent, Data: map[string]string{"seq": "7"}}, syncMsg("c", "1")} {
				if err := d.Enqueue(m); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, "b and c delivered", func() bool {
				if rec.count() == 3 {
					return true
				}
				clock.Advance(5 * time.Second)
				return false
			})
			res, _ = rec.snapshot()
			for _, r := range res[1:] {
				if r.err != nil {
					t.Errorf("%s: %v", r.token, r.err)
				}
				if r.at.Before(t0.Add(tc.pause)) {
					t.Errorf("%s sent %v after the 429, during the %v pause", r.token, r.at.Sub(t0), tc.pause)
				}
			}
			if n := len(stub.Attempts()); n != 3 {
				t.Errorf("requests = %d, want 3 (a:429, b, c; the expired dial not resent)", n)
			}
		})
	}
}
