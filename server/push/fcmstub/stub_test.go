package fcmstub_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/errorutils"
	"firebase.google.com/go/v4/messaging"
	"google.golang.org/api/option"

	"github.com/ringcard/ringcard/server/push/fcmstub"
)

// newClient starts a stub and returns an official SDK client pointed at it.
func newClient(t *testing.T) (*fcmstub.Server, *messaging.Client) {
	t.Helper()
	stub := fcmstub.New()
	srv := httptest.NewServer(stub)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: "p"},
		option.WithEndpoint(srv.URL+"/v1"), option.WithoutAuthentication())
	if err != nil {
		t.Fatalf("NewApp: %v", err)
	}
	client, err := app.Messaging(ctx)
	if err != nil {
		t.Fatalf("Messaging: %v", err)
	}
	return stub, client
}

func TestSDKSendRecorded(t *testing.T) {
	stub, client := newClient(t)
	ttl := 3500 * time.Millisecond
	name, err := client.Send(context.Background(), &messaging.Message{
		Token:   "tok",
		Data:    map[string]string{"type": "sync", "cursor": "c1"},
		Android: &messaging.AndroidConfig{Priority: "normal", TTL: &ttl, CollapseKey: "sync"},
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if !strings.HasPrefix(name, "projects/p/messages/") {
		t.Errorf("name = %q", name)
	}
	msgs := stub.Messages()
	if len(msgs) != 1 {
		t.Fatalf("recorded %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Project != "p" || m.Token != "tok" || m.Data["cursor"] != "c1" || m.Notification {
		t.Errorf("message = %+v", m)
	}
	a := m.Android
	if a == nil || a.Priority != "normal" || a.TTLRaw != "3.500000000s" || a.TTL != ttl || a.CollapseKey != "sync" {
		t.Errorf("android = %+v", a)
	}
}

func TestSDKRecognisesErrors(t *testing.T) {
	tests := []struct {
		kind       fcmstub.ErrorKind
		retryAfter time.Duration
		is         func(error) bool
		status     int
	}{
		{fcmstub.Unregistered, 0, messaging.IsUnregistered, 404},
		{fcmstub.QuotaExceeded, 7 * time.Second, messaging.IsQuotaExceeded, 429},
		{fcmstub.Internal, 0, messaging.IsInternal, 500},
		{fcmstub.InvalidArgument, 0, messaging.IsInvalidArgument, 400},
		{fcmstub.SenderIDMismatch, 0, messaging.IsSenderIDMismatch, 403},
		// The SDK retries 503 itself unless Retry-After exceeds 2 minutes.
		{fcmstub.Unavailable, 3 * time.Minute, messaging.IsUnavailable, 503},
	}
	for _, tc := range tests {
		t.Run(string(tc.kind), func(t *testing.T) {
			stub, client := newClient(t)
			stub.FailNext(1, tc.kind, tc.retryAfter)
			_, err := client.Send(context.Background(), &messaging.Message{Token: "tok"})
			if !tc.is(err) {
				t.Fatalf("error %v not recognised as %s", err, tc.kind)
			}
			resp := errorutils.HTTPResponse(err)
			if resp == nil || resp.StatusCode != tc.status {
				t.Fatalf("response = %+v, want status %d", resp, tc.status)
			}
			if tc.retryAfter > 0 && resp.Header.Get("Retry-After") == "" {
				t.Errorf("missing Retry-After header")
			}
			if n := len(stub.Messages()); n != 0 {
				t.Errorf("recorded %d messages after a failure", n)
			}
		})
	}
}

func TestSDKUnavailableRetriedBySDK(t *testing.T) {
	stub, client := newClient(t)
	stub.FailNext(1, fcmstub.Unavailable, 0)
	if _, err := client.Send(context.Background(), &messaging.Message{Token: "tok"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	at := stub.Attempts()
	if len(at) != 2 || at[0].Status != 503 || at[1].Status != 200 {
		t.Fatalf("attempts = %+v, want 503 then 200", at)
	}
}

func TestSDKSendEachUsesSendEndpoint(t *testing.T) {
	stub, client := newClient(t)
	stub.Unregister("dead")
	br, err := client.SendEach(context.Background(), []*messaging.Message{
		{Token: "a"}, {Token: "dead"}, {Token: "b"},
	})
	if err != nil {
		t.Fatalf("SendEach: %v", err)
	}
	if br.SuccessCount != 2 || !messaging.IsUnregistered(br.Responses[1].Error) {
		t.Fatalf("batch = %+v", br)
	}
	if len(stub.Messages()) != 2 {
		t.Errorf("recorded %d, want 2", len(stub.Messages()))
	}
}

// post sends a raw body, bypassing the SDK's own validation.
func post(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("body %q: %v", raw, err)
	}
	return resp.StatusCode, v
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		message    string // substring of error.message
	}{
		{"ok", `{"message":{"token":"t","data":{"k":"v"},"android":{"priority":"high","ttl":"60s"}}}`, 200, ""},
		{"validate only", `{"validate_only":true,"message":{"token":"t"}}`, 200, ""},
		{"no message", `{}`, 400, "Recipient of the message is not set."},
		{"no token", `{"message":{"data":{"k":"v"}}}`, 400, "Recipient of the message is not set."},
		{"empty token", `{"message":{"token":""}}`, 400, "Recipient of the message is not set."},
		{"number value", `{"message":{"token":"t","data":{"k":12}}}`, 400, "Invalid value at 'message.data[0].value' (TYPE_STRING), 12"},
		{"reserved key", `{"message":{"token":"t","data":{"from":"x"}}}`, 400, "Invalid data payload key"},
		{"too big", `{"message":{"token":"t","data":{"k":"` + strings.Repeat("x", 4096) + `"}}}`, 400, "too big"},
		{"bad priority", `{"message":{"token":"t","android":{"priority":"urgent"}}}`, 400, "message.android.priority"},
		{"ttl no unit", `{"message":{"token":"t","android":{"ttl":"60"}}}`, 400, "message.android.ttl"},
		{"ttl negative", `{"message":{"token":"t","android":{"ttl":"-1s"}}}`, 400, "message.android.ttl"},
		{"ttl too many digits", `{"message":{"token":"t","android":{"ttl":"1.0000000001s"}}}`, 400, "message.android.ttl"},
		{"ttl too long", `{"message":{"token":"t","android":{"ttl":"2419201s"}}}`, 400, "at most"},
		{"not json", `{`, 400, "Invalid JSON"},
	}
	stub := fcmstub.New()
	srv := httptest.NewServer(stub)
	defer srv.Close()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, v := post(t, srv.URL+"/v1/projects/p/messages:send", tc.body)
			if status != tc.status {
				t.Fatalf("status = %d, want %d (%v)", status, tc.status, v)
			}
			if tc.status == 200 {
				return
			}
			e, _ := v["error"].(map[string]any)
			if e["status"] != "INVALID_ARGUMENT" || e["code"] != float64(400) {
				t.Errorf("error = %v", e)
			}
			if msg, _ := e["message"].(string); !strings.Contains(msg, tc.message) {
				t.Errorf("message = %q, want it to contain %q", msg, tc.message)
			}
		})
	}
	if got := len(stub.Messages()); got != 2 {
		t.Errorf("recorded %d messages, want the 2 valid ones", got)
	}
}

func TestUnregisteredBodyExact(t *testing.T) {
	stub := fcmstub.New()
	stub.Unregister("dead")
	srv := httptest.NewServer(stub)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/v1/projects/p/messages:send", "application/json",
		strings.NewReader(`{"message":{"token":"dead"}}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	want := `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}`
	if strings.TrimSpace(string(raw)) != want {
		t.Errorf("body =\n%s\nwant\n%s", raw, want)
	}
}

func TestUnknownPath(t *testing.T) {
	srv := httptest.NewServer(fcmstub.New())
	defer srv.Close()
	for _, path := range []string{"/batch", "/v1/projects/p/messages", "/v1/projects//messages:send"} {
		status, _ := post(t, srv.URL+path, `{}`)
		if status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, status)
		}
	}
}

func TestHoldAndDelay(t *testing.T) {
	stub, client := newClient(t)
	release := stub.Hold()
	done := make(chan error, 1)
	go func() {
		_, err := client.Send(context.Background(), &messaging.Message{Token: "tok"})
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for len(stub.Attempts()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("request never arrived")
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("send finished while held: %v", err)
	default:
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("Send: %v", err)
	}

	stub.SetDelay(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := client.Send(ctx, &messaging.Message{Token: "tok"}); err == nil {
		t.Fatal("send succeeded despite the delay")
	}
}
