package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ringcard/ringcard"
	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/config"
)

// testEnv is a real server on a loopback port with a real SQLite file.
type testEnv struct {
	t    testing.TB
	URL  string
	DB   *sqlite.DB
	Srv  *server.Server
	Cfg  config.Config
	stop func()
}

type serverConfig = config.Config

type envOpt func(*config.Config)

func newEnv(t testing.TB, demo bool, opts ...envOpt) *testEnv {
	t.Helper()
	cfg := config.Default()
	cfg.DB = filepath.Join(t.TempDir(), "ringcard.db")
	cfg.Addr = "127.0.0.1:0"
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	db, err := server.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	if demo {
		if _, err := server.LoadDemo(ctx, db, ringcard.DemoData); err != nil {
			t.Fatalf("load demo: %v", err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv, err := server.New(ctx, cfg, db, log)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	scheme := "http://"
	if srv.Transport().Encrypted() {
		scheme = "https://"
	}
	e := &testEnv{t: t, URL: scheme + ln.Addr().String(), DB: db, Srv: srv, Cfg: cfg}
	var once sync.Once
	stop := func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("server did not stop")
		}
		db.Close()
	}
	e.stop = func() { once.Do(stop) }
	t.Cleanup(e.stop)
	return e
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// phone pairs a new simulated phone carried by name.
func (e *testEnv) phone(name string) *client.Client {
	e.t.Helper()
	ctx := context.Background()
	pc, err := server.CreatePairCode(ctx, e.DB, name, e.URL, 10*time.Minute)
	if err != nil {
		e.t.Fatalf("pair code: %v", err)
	}
	c := client.New(e.URL, "")
	_, err = c.Pair(ctx, protocol.PairRequest{Code: pc.Code, DeviceName: name + "'s phone", Platform: "android", AppVersion: "1.0.0",
		SIMs: []protocol.SIM{{Slot: 1, Label: "Sales line", Carrier: "TIM"}, {Slot: 2, Label: "Second line"}}})
	if err != nil {
		e.t.Fatalf("pair: %v", err)
	}
	return c
}

// raw sends a request with a raw body and returns status, error body and headers.
func (e *testEnv) raw(c *client.Client, method, path, body string) (int, protocol.ErrorResponse, http.Header) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	if c != nil && c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var er protocol.ErrorResponse
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &er)
	return resp.StatusCode, er, resp.Header
}

func callReq(number string, at time.Time) protocol.CallStart {
	return protocol.CallStart{CallID: contacts.NewID(), Direction: "incoming", Number: &number, SIMSlot: 1, StartedAt: at.Format(time.RFC3339)}
}

func apiCode(err error) string {
	if e, ok := err.(*client.APIError); ok {
		return e.Code
	}
	return ""
}

func apiStatus(err error) int {
	if e, ok := err.(*client.APIError); ok {
		return e.Status
	}
	return 0
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func serverCreatePairCode(e *testEnv, name string) (string, error) {
	pc, err := server.CreatePairCode(context.Background(), e.DB, name, e.URL, 10*time.Minute)
	return pc.Code, err
}
