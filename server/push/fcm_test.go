package push_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ringcard/ringcard/server/push"
	"github.com/ringcard/ringcard/server/push/fcmstub"
)

// TestFCMSenderWire checks what arrives at the stand-in through the SDK.
func TestFCMSenderWire(t *testing.T) {
	tests := []struct {
		name     string
		in       push.Message
		priority string
		collapse string
		ttl      time.Duration
		data     map[string]string
	}{
		{"sync tickle", push.Message{Token: "t1", Kind: push.KindSync, Data: map[string]string{"cursor": "abc"}},
			"normal", "sync", time.Hour, map[string]string{"type": "sync", "cursor": "abc"}},
		{"dial", push.Message{Token: "t2", Kind: push.KindDial, Data: map[string]string{"number": "+4930123", "sim_slot": "0"}},
			"high", "", time.Minute, map[string]string{"type": "dial", "number": "+4930123", "sim_slot": "0"}},
		{"event someone waits for", push.Message{Token: "t3", Kind: push.KindEvent, Urgent: true, Data: map[string]string{"seq": "42"}},
			"high", "", 10 * time.Minute, map[string]string{"type": "event", "seq": "42"}},
		{"background event", push.Message{Token: "t4", Kind: push.KindEvent, Data: map[string]string{"seq": "43"}},
			"normal", "", 10 * time.Minute, map[string]string{"type": "event", "seq": "43"}},
	}
	stub, sender := newStubSender(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := sender.Send(context.Background(), tc.in); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := stub.MessagesFor(tc.in.Token)
			if len(got) != 1 {
				t.Fatalf("stub got %d messages, want 1", len(got))
			}
			m := got[0]
			if m.Notification || m.Android == nil || m.Android.Notification {
				t.Fatalf("not data-only: %s", m.Raw)
			}
			if m.Android.Priority != tc.priority || m.Android.CollapseKey != tc.collapse || !m.Android.HasTTL || m.Android.TTL != tc.ttl {
				t.Errorf("android = %+v, want priority %q collapse %q ttl %v", *m.Android, tc.priority, tc.collapse, tc.ttl)
			}
			if len(m.Data) != len(tc.data) {
				t.Errorf("data = %v, want %v", m.Data, tc.data)
			}
			for k, v := range tc.data {
				if m.Data[k] != v {
					t.Errorf("data[%q] = %q, want %q", k, m.Data[k], v)
				}
			}
		})
	}
}

func TestFCMSenderClassifies(t *testing.T) {
	tests := []struct {
		name       string
		kind       fcmstub.ErrorKind
		retryAfter time.Duration
		check      func(error) bool
		wantAfter  time.Duration
		wantQuota  bool
	}{
		{"unregistered", fcmstub.Unregistered, 0, func(err error) bool { return errors.Is(err, push.ErrUnregistered) }, 0, false},
		{"quota", fcmstub.QuotaExceeded, 7 * time.Second, push.IsRetryable, 7 * time.Second, true},
		{"quota no header", fcmstub.QuotaExceeded, 0, push.IsRetryable, 0, true},
		{"internal", fcmstub.Internal, 0, push.IsRetryable, 0, false},
		{"unavailable long retry-after", fcmstub.Unavailable, 3 * time.Minute, push.IsRetryable, 3 * time.Minute, false},
		{"sender mismatch", fcmstub.SenderIDMismatch, 0, func(err error) bool {
			return errors.Is(err, push.ErrSenderIDMismatch) && errors.Is(err, push.ErrPermanent) && !push.IsRetryable(err)
		}, 0, false},
		{"invalid argument", fcmstub.InvalidArgument, 0, func(err error) bool {
			return errors.Is(err, push.ErrPermanent) && !push.IsRetryable(err)
		}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stub, sender := newStubSender(t)
			stub.FailNext(1, tc.kind, tc.retryAfter)
			err := sender.Send(context.Background(), push.Message{Token: "t", Kind: push.KindSync})
			if err == nil || !tc.check(err) {
				t.Fatalf("err = %v", err)
			}
			var re *push.RetryableError
			if errors.As(err, &re) && (re.RetryAfter != tc.wantAfter || re.Quota != tc.wantQuota) {
				t.Errorf("retryable = %+v, want after %v quota %v", re, tc.wantAfter, tc.wantQuota)
			}
		})
	}
}

func TestFCMSenderPlain503RetriedBySDK(t *testing.T) {
	stub, sender := newStubSender(t)
	stub.FailNext(1, fcmstub.Unavailable, 0)
	if err := sender.Send(context.Background(), push.Message{Token: "t", Kind: push.KindDial}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if n := len(stub.Attempts()); n != 2 {
		t.Errorf("attempts = %d, want 2 (the SDK retries 503 itself)", n)
	}
}

func TestFCMSenderInvalidMessage(t *testing.T) {
	stub, sender := newStubSender(t)
	err := sender.Send(context.Background(), push.Message{Kind: push.KindSync})
	if !errors.Is(err, push.ErrInvalidMessage) {
		t.Fatalf("err = %v", err)
	}
	if n := len(stub.Attempts()); n != 0 {
		t.Errorf("invalid message reached the server (%d attempts)", n)
	}
}
