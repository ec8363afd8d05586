package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/push"
)

// syncBuffer is a bytes.Buffer safe for the command and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
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

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// start runs the command on a free port and returns its output buffers
// and a stop function that checks it exits cleanly.
func start(t *testing.T, args ...string) (stdout, stderr *syncBuffer, stop func()) {
	t.Helper()
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), stdout, stderr) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not return after its context ended")
		}
	}
	t.Cleanup(stop)
	waitFor(t, "the settings to be printed", func() bool { return strings.Contains(stdout.String(), "logged below") })
	return stdout, stderr, stop
}

var envLine = regexp.MustCompile(`(?m)^  (RINGCARD_FCM_PROJECT_ID=\S+) (RINGCARD_FCM_ENDPOINT=\S+) ringcard serve$`)

// printedEnv reads the environment the command told the user to set.
func printedEnv(t *testing.T, stdout string) map[string]string {
	t.Helper()
	m := envLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no RINGCARD_FCM_* line in:\n%s", stdout)
	}
	env := map[string]string{}
	for _, kv := range m[1:] {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

// TestSendsThroughSDKAreLogged points ringcard's own FCM sender at the
// printed settings and checks each message, and a refused one, is logged
// as a phone would get it.
func TestSendsThroughSDKAreLogged(t *testing.T) {
	stdout, stderr, stop := start(t, "--unregistered", "dead-token, other")
	env := printedEnv(t, stdout.String())
	cfg, err := config.Load("", false, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil || !cfg.FCM.Enabled() || cfg.FCM.ProjectID != "ringcard-try" {
		t.Fatalf("printed settings give fcm %+v (validate: %v), want FCM on for ringcard-try", cfg.FCM, err)
	}
	if !strings.Contains(stdout.String(), "Answered UNREGISTERED: dead-token, other") {
		t.Errorf("stdout does not list the unregistered tokens:\n%s", stdout)
	}
	ctx := context.Background()
	sender, err := push.NewFCMSender(ctx, cfg.FCM.ProjectID, cfg.FCM.CredentialsFile, cfg.FCM.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		msg  push.Message
		want string // a line the log must contain
		err  error
	}{
		{"sync", push.Message{Token: "tok-a", Kind: push.KindSync, Data: map[string]string{"cursor": "c7"}},
			`msg=message token=tok-a type=sync priority=normal ttl=1h0m0s collapse_key=sync data="cursor=c7 type=sync" project=ringcard-try`, nil},
		{"dial", push.Message{Token: "tok-a", Kind: push.KindDial, Data: map[string]string{"number": "+390642811822", "sim_slot": "1"}},
			`msg=message token=tok-a type=dial priority=high ttl=1m0s collapse_key=(none) data="number=+390642811822 sim_slot=1 type=dial"`, nil},
		{"unregistered", push.Message{Token: "dead-token", Kind: push.KindSync},
			"msg=\"send refused\" path=/v1/projects/ringcard-try/messages:send token=dead-token status=404 error=UNREGISTERED\n", push.ErrUnregistered},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := sender.Send(ctx, tc.msg)
			if (tc.err == nil && err != nil) || (tc.err != nil && !errors.Is(err, tc.err)) {
				t.Fatalf("Send = %v, want %v", err, tc.err)
			}
			waitFor(t, "the log line "+tc.want, func() bool { return strings.Contains(stderr.String(), tc.want) })
		})
	}
	stop()
}

// TestFaultFlags checks that --fail and --retry-after reach the stand-in:
// the next sends get QUOTA_EXCEEDED with Retry-After, then sends succeed.
func TestFaultFlags(t *testing.T) {
	stdout, stderr, _ := start(t, "--fail", "quota_exceeded:2", "--retry-after", "30s")
	if want := "The next sends fail: QUOTA_EXCEEDED:2 (Retry-After: 30s)"; !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout does not say %q:\n%s", want, stdout)
	}
	env := printedEnv(t, stdout.String())
	ctx := context.Background()
	sender, err := push.NewFCMSender(ctx, env["RINGCARD_FCM_PROJECT_ID"], "", env["RINGCARD_FCM_ENDPOINT"])
	if err != nil {
		t.Fatal(err)
	}
	m := push.Message{Token: "tok-q", Kind: push.KindSync}
	for i := range 2 {
		err := sender.Send(ctx, m)
		var re *push.RetryableError
		if !errors.As(err, &re) || !re.Quota || re.RetryAfter != 30*time.Second {
			t.Fatalf("send %d = %v, want a quota error with Retry-After 30s", i+1, err)
		}
	}
	if err := sender.Send(ctx, m); err != nil {
		t.Fatalf("third send = %v, want it accepted", err)
	}
	waitFor(t, "the accepted message", func() bool { return strings.Contains(stderr.String(), "msg=message token=tok-q") })
	if got := strings.Count(stderr.String(), "error=QUOTA_EXCEEDED retry_after=30s"); got != 2 {
		t.Errorf("logged %d quota refusals, want 2:\n%s", got, stderr)
	}
}

func TestBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown kind", []string{"--fail", "NOPE"}, `unknown kind "NOPE"`},
		{"bad count", []string{"--fail", "UNAVAILABLE:0"}, `count "0"`},
		{"stray argument", []string{"extra"}, "unexpected arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(context.Background(), tc.args, &bytes.Buffer{}, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
			}
		})
	}
}

func TestPrintedJSONConfigLoads(t *testing.T) {
	stdout, _, _ := start(t, "--addr", "0.0.0.0:0", "--project", "my-try")
	m := regexp.MustCompile(`(?m)^  (\{ "fcm".*\})$`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no ringcard.json snippet in:\n%s", stdout)
	}
	path := filepath.Join(t.TempDir(), "ringcard.json")
	if err := os.WriteFile(path, []byte(m[1]), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, true, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.FCM.ProjectID != "my-try" || !strings.HasPrefix(cfg.FCM.Endpoint, "http://127.0.0.1:") || !strings.HasSuffix(cfg.FCM.Endpoint, "/v1") {
		t.Errorf("fcm = %+v, want project my-try and a loopback endpoint for a wildcard address", cfg.FCM)
	}
}
