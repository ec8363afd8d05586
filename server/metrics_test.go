package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/backup"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/push/fcmstub"
	"github.com/ringcard/ringcard/server/web"
	"github.com/ringcard/ringcard/sync/peoplestub"
)

const metricsToken = "0123456789abcdef0123456789abcdef"

func withMetricsToken(c *config.Config) { c.Metrics.Token = metricsToken }

// scrape GETs /metrics through the real server (from loopback) and returns
// the status and body.
func scrape(t *testing.T, base string, hdr http.Header) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metric is the value of one series ("name" or `name{label="v"}`) in a
// Prometheus text exposition, and whether it is there.
func metric(body, series string) (float64, bool) {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f, err == nil
		}
	}
	return 0, false
}

func mustMetric(t *testing.T, body, series string) float64 {
	t.Helper()
	v, ok := metric(body, series)
	if !ok {
		t.Fatalf("no series %s in /metrics", series)
	}
	return v
}

// TestMetricsMove scrapes /metrics from loopback and checks each
// instrument moves after the call that should move it: cards and their
// latency, sockets, events waiting per phone, sign-in failures, FCM sends,
// backups.
func TestMetricsMove(t *testing.T) {
	stub := fcmstub.New()
	fcm := httptest.NewServer(stub)
	defer fcm.Close()
	e := newEnv(t, true, withFCM(fcm))
	ctx := context.Background()
	st, body := scrape(t, e.URL, nil)
	if st != http.StatusOK {
		t.Fatalf("/metrics from loopback: %d %s", st, body)
	}
	for _, s := range []string{`ringcard_cards_answered_total{via="http"}`, "ringcard_card_seconds_count", "ringcard_sockets_open",
		"ringcard_sync_outbox_depth", "ringcard_sync_conflicts_open", "ringcard_backups", "ringcard_scrape_errors", "go_goroutines"} {
		mustMetric(t, body, s)
	}
	if _, ok := metric(body, "ringcard_backup_age_seconds"); ok {
		t.Errorf("backup age reported with no backup")
	}

	marco := e.phone("Marco")
	_, giuliaID := e.pairWithToken("Giulia", "tok-giulia") // never connects: reached by FCM
	if _, err := marco.StartCall(ctx, callReq("+39 380 296 0981", time.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := marco.Lookup(ctx, "+39 06 4281 1822"); err != nil {
		t.Fatal(err)
	}
	sock, err := marco.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	if _, err := sock.Resume(0); err != nil {
		t.Fatal(err)
	}
	id, err := sock.Send(protocol.TypeCallStarted, callReq("+39 06 4281 1822", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if env, err := sock.Await(id, 5*time.Second, nil); err != nil || env.Type != protocol.TypeCard {
		t.Fatalf("card over the socket: %+v %v", env, err)
	}
	if _, err := marco.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0016", Text: "Wants 20 boxes"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an FCM send to Giulia", 5*time.Second, func() bool { return len(stub.MessagesFor("tok-giulia")) > 0 })
	if _, _, err := backup.Run(ctx, e.DB, e.Cfg, time.Now().Add(-90*time.Second)); err != nil {
		t.Fatal(err)
	}
	failSignin(t, e.URL)

	waitFor(t, "the metrics to move", 5*time.Second, func() bool {
		_, body = scrape(t, e.URL, nil)
		v, _ := metric(body, `ringcard_fcm_sends_total{result="ok"}`)
		w, _ := metric(body, `ringcard_events_waiting{device="`+giuliaID+`"}`)
		return v >= 1 && w >= 1
	})
	for series, want := range map[string]float64{
		`ringcard_cards_answered_total{via="http"}`:             1,
		`ringcard_cards_answered_total{via="websocket"}`:        1,
		`ringcard_cards_answered_total{via="lookup"}`:           1,
		"ringcard_card_seconds_count":                           3,
		"ringcard_sockets_open":                                 1,
		"ringcard_backups":                                      1,
		`ringcard_signin_failures_total{reason="unknown_user"}`: 1,
		"ringcard_scrape_errors":                                0,
	} {
		if got := mustMetric(t, body, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if age := mustMetric(t, body, "ringcard_backup_age_seconds"); age < 90 || age > 600 {
		t.Errorf("backup age %vs, want about 90s", age)
	}
	if sum := mustMetric(t, body, "ringcard_card_seconds_sum"); sum <= 0 {
		t.Errorf("card latency sum %v, want > 0", sum)
	}
}

// failSignin posts a wrong sign-in as a browser would.
func failSignin(t *testing.T, base string) {
	t.Helper()
	c, csrf := browserClient(t, base)
	resp, err := c.PostForm(base+"/signin", url.Values{"login": {"nobody"}, "password": {"wrong password"}, "csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong sign-in: %d", resp.StatusCode)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// browserClient is a cookie-keeping client that has loaded the sign-in
// page; it returns the form's CSRF token.
func browserClient(t *testing.T, base string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(b)
	if m == nil {
		t.Fatal("sign-in page has no csrf field")
	}
	return c, string(m[1])
}

// signedIn is the session cookie of an account with role signed in through
// the sign-in form.
func signedIn(t *testing.T, e *testEnv, login, role string) *http.Cookie {
	t.Helper()
	hash, err := web.HashPassword("correct horse 42", 8)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.DB.AddUser(context.Background(), &sqlite.User{Login: login, PasswordHash: hash, Role: role}); err != nil {
		t.Fatal(err)
	}
	c, csrf := browserClient(t, e.URL)
	resp, err := c.PostForm(e.URL+"/signin", url.Values{"login": {login}, "password": {"correct horse 42"}, "csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	u, _ := url.Parse(e.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "rc_session" {
			return ck
		}
	}
	t.Fatalf("sign-in gave no session (status %d)", resp.StatusCode)
	return nil
}

// TestMetricsAccess: /metrics answers a scraper on this machine, the
// configured bearer token and an admin's session; another machine with no
// credentials, a wrong token or a forged X-Forwarded-For gets 401 in the
// protocol's error shape, and a staff member's browser 403.
func TestMetricsAccess(t *testing.T) {
	e := newEnv(t, false, withMetricsToken, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.2"} })
	session := signedIn(t, e, "boss", sqlite.RoleAdmin)
	staff := signedIn(t, e, "sam", sqlite.RoleStaff)
	// Another machine: the real handler with a non-loopback peer address.
	peer := "192.0.2.10:40000"
	remote := func(hdr map[string]string, cookie *http.Cookie) (int, string) {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.RemoteAddr = peer
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		w := httptest.NewRecorder()
		e.Srv.Handler().ServeHTTP(w, req)
		return w.Code, w.Body.String()
	}
	for _, c := range []struct {
		name   string
		status int
		do     func() (int, string)
	}{
		{"loopback", 200, func() (int, string) { return scrape(t, e.URL, nil) }},
		{"loopback behind an unlisted proxy", 401, func() (int, string) {
			return scrape(t, e.URL, http.Header{"X-Forwarded-For": {"203.0.113.7"}})
		}},
		{"remote, nothing", 401, func() (int, string) { return remote(nil, nil) }},
		{"remote, wrong token", 401, func() (int, string) {
			return remote(map[string]string{"Authorization": "Bearer " + strings.Repeat("x", len(metricsToken))}, nil)
		}},
		{"remote, forged X-Forwarded-For 127.0.0.1", 401, func() (int, string) {
			return remote(map[string]string{"X-Forwarded-For": "127.0.0.1"}, nil)
		}},
		{"remote, token", 200, func() (int, string) {
			return remote(map[string]string{"Authorization": "Bearer " + metricsToken}, nil)
		}},
		{"remote, an admin's session", 200, func() (int, string) { return remote(nil, session) }},
		{"remote, a staff member's session", 403, func() (int, string) { return remote(nil, staff) }},
		{"a remote client through a trusted proxy on this machine", 401, func() (int, string) {
			peer = "127.0.0.2:40000"
			return remote(map[string]string{"X-Forwarded-For": "203.0.113.7"}, nil)
		}},
		{"a local client through a trusted proxy", 200, func() (int, string) {
			peer = "127.0.0.2:40000"
			return remote(map[string]string{"X-Forwarded-For": "127.0.0.1"}, nil)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, body := c.do()
			if st != c.status {
				t.Fatalf("status %d, want %d: %.200s", st, c.status, body)
			}
			if st == 200 && !strings.Contains(body, "ringcard_cards_answered_total") {
				t.Errorf("no ringcard metrics in %.200s", body)
			}
			if st == 403 && (strings.Contains(body, "ringcard_") || !strings.Contains(body, web.T("en", "error.adminonly"))) {
				// A staff member's browser: the page that says an admin must do it.
				t.Errorf("refusal = %.300s, want the admin-only page and no metrics", body)
			}
			if st == 401 {
				var er protocol.ErrorResponse
				if err := json.Unmarshal([]byte(body), &er); err != nil || er.Error.Code != "unauthorized" || strings.Contains(body, "ringcard_") {
					t.Errorf("refusal = %s (%v), want the protocol's error shape and no metrics", body, err)
				}
			}
		})
	}
}

// TestHealthzDetails: /healthz tells anyone (staff included) only that the
// process is up; the details go to the metrics token and an admin.
func TestHealthzDetails(t *testing.T) {
	e := newEnv(t, true, withMetricsToken)
	get := func(hdr map[string]string, cookie *http.Cookie) map[string]any {
		req, _ := http.NewRequest(http.MethodGet, e.URL+"/healthz", nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
			t.Fatalf("healthz: %d %v", resp.StatusCode, err)
		}
		return out
	}
	if got := get(nil, nil); len(got) != 1 || got["status"] != "ok" {
		t.Errorf("healthz to anyone = %v, want only status ok", got)
	}
	if got := get(map[string]string{"Authorization": "Bearer wrong-" + metricsToken}, nil); len(got) != 1 {
		t.Errorf("healthz with a wrong token = %v, want only status ok", got)
	}
	admin := signedIn(t, e, "boss", sqlite.RoleAdmin)
	if got := get(nil, signedIn(t, e, "sam", sqlite.RoleStaff)); len(got) != 1 {
		t.Errorf("healthz for staff = %v, want only status ok", got)
	}
	for name, d := range map[string]map[string]any{
		"token": get(map[string]string{"Authorization": "Bearer " + metricsToken}, nil),
		"admin": get(nil, admin),
	} {
		if d["status"] != "ok" || d["contacts"] != float64(343) || d["db"] == nil || d["sync"] == nil || d["backups"] == nil {
			t.Errorf("healthz details for %s = %v", name, d)
		}
	}
}

// TestMetricsSyncRuns: each Google sync run is counted by result.
func TestMetricsSyncRuns(t *testing.T) {
	gs := httptest.NewServer(peoplestub.New(peoplestub.Options{}))
	defer gs.Close()
	e := newEnv(t, false, func(c *config.Config) { c.Google.Endpoint, c.Google.NoAuth = gs.URL, true })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.Srv.StartGoogle(ctx)
	waitFor(t, "a sync run counted", 10*time.Second, func() bool {
		_, body := scrape(t, e.URL, nil)
		v, _ := metric(body, `ringcard_sync_runs_total{result="ok"}`)
		return v >= 1
	})
}

// TestMetricsSyncQueue: /metrics shows what waits for Google in each lane
// and about when it will be done, then how fast it drained.
func TestMetricsSyncQueue(t *testing.T) {
	stub := peoplestub.New(peoplestub.Options{QuotaPerMinute: 90})
	stub.SetDown(peoplestub.Down503)
	gs := httptest.NewServer(stub)
	defer gs.Close()
	e := newEnv(t, false, func(c *config.Config) { c.Google.Endpoint, c.Google.NoAuth = gs.URL, true })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := e.DB.SetSyncEnabled(ctx, true); err != nil {
		t.Fatal(err)
	}
	var ops []sqlite.ImportOp
	for i := range 300 {
		ops = append(ops, sqlite.ImportOp{Contact: &contacts.Contact{DisplayName: "Imported " + strconv.Itoa(i)}, Source: "row " + strconv.Itoa(i)})
	}
	if _, err := e.DB.ApplyImport(ctx, ops); err != nil {
		t.Fatal(err)
	}
	staff := contacts.WithActor(ctx, contacts.Actor{Kind: contacts.ActorUser, Name: "Anna"})
	if _, err := e.DB.CreateContact(staff, &contacts.Contact{DisplayName: "By hand"}, ""); err != nil {
		t.Fatal(err)
	}
	_, body := scrape(t, e.URL, nil)
	if b, s := mustMetric(t, body, `ringcard_sync_waiting_contacts{lane="bulk"}`), mustMetric(t, body, `ringcard_sync_waiting_contacts{lane="staff"}`); b != 300 || s != 1 {
		t.Errorf("waiting: bulk %v, staff %v; want 300 and 1", b, s)
	}
	if d := mustMetric(t, body, "ringcard_sync_done_in_seconds"); d <= 0 {
		t.Errorf("done in %v s, want an estimate", d)
	}
	if p := mustMetric(t, body, "ringcard_sync_pace_requests_per_minute"); p != 60 {
		t.Errorf("pace %v, want the default 60", p)
	}
	stub.SetDown(peoplestub.Up)
	e.Srv.StartGoogle(ctx)
	waitFor(t, "the queue drained", 30*time.Second, func() bool {
		_, body := scrape(t, e.URL, nil)
		b, _ := metric(body, `ringcard_sync_waiting_contacts{lane="bulk"}`)
		r, _ := metric(body, "ringcard_sync_requests_last_minute")
		d, _ := metric(body, "ringcard_sync_drain_contacts_per_minute")
		return b == 0 && r > 0 && d > 0
	})
	if n := stub.Len(); n != 301 {
		t.Errorf("google has %d contacts, want 301", n)
	}
}
