package web_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ringcard/ringcard"
	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/web"
)

const (
	testLogin    = "anna" // the first account: an admin
	testPassword = "correct horse 42"
)

// env is a real server on a loopback port with a real SQLite file holding
// the demo data and one account, an admin (anna).
type env struct {
	t   *testing.T
	URL string
	DB  *sqlite.DB
	Srv *server.Server
}

func newEnv(t testing.TB, opts ...func(*config.Config)) *env {
	t.Helper()
	return newEnvAt(t, nil, opts...)
}

// clock is a test clock: real time moved on by Advance, safe to read from
// every goroutine.
type clock struct{ offset atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// newEnvAt is newEnv with the server and the store on clk (nil: real time).
func newEnvAt(t testing.TB, clk *clock, opts ...func(*config.Config)) *env {
	t.Helper()
	cfg := config.Default()
	cfg.DB = filepath.Join(t.TempDir(), "ringcard.db")
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	db, err := server.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	if clk != nil {
		db.Now = clk.Now
	}
	if _, err := server.LoadDemo(ctx, db, ringcard.DemoData); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	hash, err := web.HashPassword(testPassword, 8)
	if err != nil {
		t.Fatalf("hash: %v", err)
	}
	if err := db.AddUser(ctx, &sqlite.User{Login: testLogin, Name: "Anna Bianchi", PasswordHash: hash, Lang: "en"}); err != nil {
		t.Fatalf("add user: %v", err)
	}
	srv, err := server.New(ctx, cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("server did not stop")
		}
		db.Close()
	})
	scheme := "http://"
	if srv.Transport().Encrypted() {
		scheme = "https://"
	}
	e := &env{URL: scheme + ln.Addr().String(), DB: db, Srv: srv}
	if tt, ok := t.(*testing.T); ok {
		e.t = tt
	}
	return e
}

// addUser adds an account with a role; its password is testPassword.
func (e *env) addUser(t testing.TB, login, role string) {
	t.Helper()
	hash, err := web.HashPassword(testPassword, 8)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.DB.AddUser(context.Background(), &sqlite.User{Login: login, Name: login, PasswordHash: hash, Lang: "en", Role: role}); err != nil {
		t.Fatalf("add user %s: %v", login, err)
	}
}

// phone pairs a simulated phone.
func (e *env) phone(t *testing.T, name string) *client.Client {
	t.Helper()
	ctx := context.Background()
	pc, err := server.CreatePairCode(ctx, e.DB, name, e.URL, 10*time.Minute)
	if err != nil {
		t.Fatalf("pair code: %v", err)
	}
	c := client.New(e.URL, "")
	if _, err := c.Pair(ctx, protocol.PairRequest{Code: pc.Code, DeviceName: name + "'s phone", Platform: "android", AppVersion: "1.0.0",
		SIMs: []protocol.SIM{{Slot: 1, Label: "Sales line"}, {Slot: 2, Label: "Second line"}}}); err != nil {
		t.Fatalf("pair: %v", err)
	}
	return c
}

func incoming(number string) protocol.CallStart {
	return protocol.CallStart{CallID: contacts.NewID(), Direction: "incoming", Number: &number, SIMSlot: 1, StartedAt: time.Now().UTC().Format(time.RFC3339)}
}

// httpClient is a cookie-keeping client that does not follow redirects.
func httpClient(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs c in with a form post, as a browser would; it returns the
// session's CSRF token.
func signIn(t testing.TB, c *http.Client, base, login, password string) (status int, csrf string) {
	t.Helper()
	resp, err := c.Get(base + "/signin")
	if err != nil {
		t.Fatalf("get signin: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		t.Fatalf("sign-in page has no csrf field")
	}
	resp, err = c.PostForm(base+"/signin", url.Values{"login": {login}, "password": {password}, "csrf": {string(m[1])}})
	if err != nil {
		t.Fatalf("post signin: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return resp.StatusCode, ""
	}
	resp, err = c.Get(base + "/settings")
	if err != nil {
		t.Fatalf("get settings: %v", err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if m = csrfRE.FindSubmatch(body); m == nil {
		t.Fatalf("settings page has no csrf field (status %d)", resp.StatusCode)
	}
	return http.StatusSeeOther, string(m[1])
}

// browser starts headless Chromium. It skips when Chromium is missing,
// except in CI, which installs it.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, p := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if p == "" {
			continue
		}
		if lp, err := exec.LookPath(p); err == nil {
			path = lp
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is not installed, and CI must run the browser tests")
		}
		t.Skip("chromium is not installed (apt-get install chromium)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelC(); cancelB(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// waitText polls the page until sel's text contains want.
func waitText(t *testing.T, ctx context.Context, sel, want string, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	var got string
	for time.Since(start) < d {
		tctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		var err error
		got, err = chromedp.Run(tctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		cancel()
		if err == nil && strings.Contains(got, want) {
			return time.Since(start)
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("%s: want text %q within %s, have %q", sel, want, d, got)
	return 0
}

const shotDir = "../../artifacts/screenshots"

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if err := os.MkdirAll(shotDir, 0o755); err != nil {
		t.Fatalf("screenshot dir: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("window.scrollTo(0, 0) === undefined")); err != nil {
		t.Fatalf("scroll to top: %v", err)
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(shotDir, name+".png"), buf, 0o644); err != nil {
		t.Fatalf("save screenshot: %v", err)
	}
}
