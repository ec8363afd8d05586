package push_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/server/push"
)

func TestBuildMessage(t *testing.T) {
	ttls := push.TTLs{Sync: 2 * time.Hour} // others default
	tests := []struct {
		name     string
		in       push.Message
		priority string
		collapse string
		ttl      time.Duration
	}{
		{"sync", push.Message{Token: "t", Kind: push.KindSync, Data: map[string]string{"cursor": "c"}}, "normal", "sync", 2 * time.Hour},
		{"sync urgent ignored", push.Message{Token: "t", Kind: push.KindSync, Urgent: true}, "normal", "sync", 2 * time.Hour},
		{"dial", push.Message{Token: "t", Kind: push.KindDial, Data: map[string]string{"number": "+15551234", "sim_slot": "1"}}, "high", "", 60 * time.Second},
		{"event", push.Message{Token: "t", Kind: push.KindEvent, Data: map[string]string{"seq": "9"}}, "normal", "", 10 * time.Minute},
		{"event urgent", push.Message{Token: "t", Kind: push.KindEvent, Urgent: true}, "high", "", 10 * time.Minute},
		{"ttl override", push.Message{Token: "t", Kind: push.KindDial, TTL: 5 * time.Second}, "high", "", 5 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := push.BuildMessage(tc.in, ttls)
			if err != nil {
				t.Fatalf("BuildMessage: %v", err)
			}
			if m.Token != tc.in.Token || m.Notification != nil || m.Android.Notification != nil ||
				m.APNS != nil || m.Webpush != nil || m.Topic != "" || m.Condition != "" {
				t.Errorf("not a data-only token message: %+v", m)
			}
			if m.Data["type"] != string(tc.in.Kind) {
				t.Errorf("type = %q", m.Data["type"])
			}
			for k, v := range tc.in.Data {
				if m.Data[k] != v {
					t.Errorf("data[%q] = %q, want %q", k, m.Data[k], v)
				}
			}
			if m.Android.Priority != tc.priority || m.Android.CollapseKey != tc.collapse || *m.Android.TTL != tc.ttl {
				t.Errorf("android = %+v ttl %v", m.Android, *m.Android.TTL)
			}
			if _, ok := tc.in.Data["type"]; ok {
				t.Error("input Data was modified")
			}
		})
	}
}

func TestBuildMessageInvalid(t *testing.T) {
	tests := []struct {
		name string
		in   push.Message
	}{
		{"no token", push.Message{Kind: push.KindSync}},
		{"bad kind", push.Message{Token: "t", Kind: "ring"}},
		{"type key", push.Message{Token: "t", Kind: push.KindSync, Data: map[string]string{"type": "x"}}},
		{"google key", push.Message{Token: "t", Kind: push.KindSync, Data: map[string]string{"google.x": "x"}}},
		{"too big", push.Message{Token: "t", Kind: push.KindSync, Data: map[string]string{"k": strings.Repeat("x", 4096)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := push.BuildMessage(tc.in, push.DefaultTTLs()); !errors.Is(err, push.ErrInvalidMessage) {
				t.Fatalf("err = %v, want ErrInvalidMessage", err)
			}
		})
	}
}
