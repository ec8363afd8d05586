package officeapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/ringcard/ringcard"
	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/web"
)

const testPassword = "correct horse battery staple"

type env struct {
	t   *testing.T
	URL string
	DB  *sqlite.DB
}

// newEnv serves the real server on loopback over a demo database, with a
// staff account (anna) and an admin (boss).
func newEnv(t *testing.T) *env {
	t.Helper()
	cfg := config.Default()
	cfg.DB = filepath.Join(t.TempDir(), "ringcard.db")
	cfg.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	db, err := server.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.LoadDemo(ctx, db, ringcard.DemoData); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(ctx, cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
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
	for _, u := range []struct{ login, role string }{{"anna", "staff"}, {"boss", "admin"}} {
		hash, err := web.HashPassword(testPassword, 8)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AddUser(ctx, &sqlite.User{Login: u.login, Name: u.login, PasswordHash: hash, Lang: "en", Role: u.role}); err != nil {
			t.Fatal(err)
		}
	}
	return &env{t: t, URL: "http://" + ln.Addr().String(), DB: db}
}

// office is a signed-in browser session talking to the office JSON API.
type office struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (e *env) signIn(login string) *office {
	t := e.t
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrfOf := func(path string) string {
		resp, err := c.Get(e.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfRE.FindSubmatch(b)
		if m == nil {
			t.Fatalf("%s has no csrf field", path)
		}
		return string(m[1])
	}
	resp, err := c.PostForm(e.URL+"/signin", url.Values{"login": {login}, "password": {testPassword}, "csrf": {csrfOf("/signin")}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %v %v", login, resp.StatusCode, err)
	}
	resp.Body.Close()
	return &office{t: t, base: e.URL, c: c, csrf: csrfOf("/settings")}
}

// do sends in as JSON (a string is sent as it is) and decodes the answer
// into out, or on an error status the protocol's error shape into the
// returned body.
func (o *office) do(method, path string, in, out any) (int, protocol.ErrorResponse) {
	o.t.Helper()
	var body io.Reader
	switch v := in.(type) {
	case nil:
	case string:
		body = bytes.NewReader([]byte(v))
	default:
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, o.base+path, body)
	req.Header.Set("X-CSRF-Token", o.csrf)
	req.Header.Set("Content-Type", "application/json")
	resp, err := o.c.Do(req)
	if err != nil {
		o.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var er protocol.ErrorResponse
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(b, &er); err != nil {
			o.t.Errorf("%s %s: status %d, body %q is not the error shape", method, path, resp.StatusCode, b)
		}
		return resp.StatusCode, er
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			o.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode, er
}

// want checks one request's status and, for an error, its code and message.
func (o *office) want(method, path string, in, out any, status int, code, message string) {
	o.t.Helper()
	got, er := o.do(method, path, in, out)
	if got != status {
		o.t.Errorf("%s %s: status %d (%+v), want %d", method, path, got, er, status)
		return
	}
	if code != "" && (er.Error.Code != code || (message != "" && er.Error.Message != message)) {
		o.t.Errorf("%s %s: error %q %q, want %q %q", method, path, er.Error.Code, er.Error.Message, code, message)
	}
}

// TestDataRoutes: the pipeline's settings and figures, the lists, and
// duplicates merged and unmerged, with the roles access.go gives them and
// the protocol's error shape for bad input.
func TestDataRoutes(t *testing.T) {
	e := newEnv(t)
	staff, admin := e.signIn("anna"), e.signIn("boss")
	ctx := context.Background()

	var p sqlite.Pipeline
	staff.want("GET", "/api/v1/office/pipeline", nil, &p, http.StatusOK, "", "")
	if len(p.Stages) == 0 {
		t.Fatalf("pipeline = %+v, want the default stages", p)
	}
	staff.want("PUT", "/api/v1/office/pipeline", p, nil, http.StatusForbidden, contacts.EForbidden, "")
	var put sqlite.Pipeline
	admin.want("PUT", "/api/v1/office/pipeline", p, &put, http.StatusOK, "", "")
	if len(put.Stages) != len(p.Stages) {
		t.Errorf("PUT pipeline answered %+v, want %+v", put, p)
	}
	admin.want("PUT", "/api/v1/office/pipeline", `{"stages":["a"],"colour":"red"}`, nil, http.StatusBadRequest, contacts.EInvalid, "")

	staff.want("GET", "/api/v1/office/pipeline/stats?days=7", nil, nil, http.StatusOK, "", "")
	for _, path := range []string{"/api/v1/office/pipeline/stats?days=0", "/api/v1/office/lists/interested?days=abc", "/api/v1/office/lists/missed?days=3651"} {
		staff.want("GET", path, nil, nil, http.StatusBadRequest, contacts.EInvalid, "days: a number of days from 1 to 3650")
	}
	var leads struct {
		Stages   []string            `json:"stages"`
		Contacts []*contacts.Contact `json:"contacts"`
	}
	staff.want("GET", "/api/v1/office/lists/leads", nil, &leads, http.StatusOK, "", "")
	if len(leads.Stages) == 0 {
		t.Errorf("leads = %+v, want the stages in progress", leads)
	}
	var interested struct {
		Days int `json:"days"`
	}
	staff.want("GET", "/api/v1/office/lists/interested", nil, &interested, http.StatusOK, "", "")
	var missed struct {
		Days  int               `json:"days"`
		Calls []json.RawMessage `json:"calls"`
	}
	staff.want("GET", "/api/v1/office/lists/missed", nil, &missed, http.StatusOK, "", "")
	if interested.Days != 14 || missed.Days != 7 || missed.Calls == nil {
		t.Errorf("default days: interested %d, missed %d (calls %v), want 14 and 7 and a list", interested.Days, missed.Days, missed.Calls)
	}

	keep := &contacts.Contact{DisplayName: "Ottavio Zanetti", Emails: []contacts.Email{{Address: "oz@example.it"}}}
	gone := &contacts.Contact{DisplayName: "Studio Quercia", Emails: []contacts.Email{{Address: "OZ@example.it"}}}
	for _, c := range []*contacts.Contact{keep, gone} {
		if _, err := e.DB.CreateContact(ctx, c, ""); err != nil {
			t.Fatal(err)
		}
	}
	type pair struct {
		A, B    contacts.Contact
		Reasons []string
	}
	pairOf := func() *pair {
		var dups struct {
			Pairs []pair `json:"pairs"`
		}
		staff.want("GET", "/api/v1/office/duplicates", nil, &dups, http.StatusOK, "", "")
		for _, p := range dups.Pairs {
			if (p.A.ID == keep.ID && p.B.ID == gone.ID) || (p.A.ID == gone.ID && p.B.ID == keep.ID) {
				return &p
			}
		}
		return nil
	}
	if p := pairOf(); p == nil || len(p.Reasons) == 0 {
		t.Fatalf("duplicates: no pair %s/%s with a reason: %+v", keep.ID, gone.ID, p)
	}
	var merged struct {
		MergeID int64  `json:"merge_id"`
		KeepID  string `json:"keep_id"`
	}
	staff.want("POST", "/api/v1/office/duplicates/merge", map[string]string{"keep_id": keep.ID, "gone_id": gone.ID}, &merged, http.StatusOK, "", "")
	if merged.MergeID == 0 || merged.KeepID != keep.ID {
		t.Fatalf("merge answered %+v", merged)
	}
	if pairOf() != nil {
		t.Errorf("the merged pair is still listed as duplicates")
	}
	staff.want("POST", "/api/v1/office/merges/x/undo", nil, nil, http.StatusBadRequest, contacts.EInvalid, "merge_id: a number")
	var undone struct {
		Undone bool `json:"undone"`
	}
	staff.want("POST", "/api/v1/office/merges/"+jsonInt(merged.MergeID)+"/undo", nil, &undone, http.StatusOK, "", "")
	if !undone.Undone || pairOf() == nil {
		t.Errorf("undo: answered %+v; the pair listed again: %v", undone, pairOf() != nil)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestSyncRoutesWithoutGoogle: with no Google account connected the status
// says so, a run is refused with a conflict that says what to do, and only
// admins reach the runs and the conflicts.
func TestSyncRoutesWithoutGoogle(t *testing.T) {
	e := newEnv(t)
	staff, admin := e.signIn("anna"), e.signIn("boss")
	var st struct {
		Connected bool `json:"connected"`
		Running   bool `json:"running"`
	}
	staff.want("GET", "/api/v1/office/sync/status", nil, &st, http.StatusOK, "", "")
	if st.Connected || st.Running {
		t.Errorf("status = %+v, want neither connected nor running", st)
	}
	staff.want("POST", "/api/v1/office/sync/run", nil, nil, http.StatusForbidden, contacts.EForbidden, "")
	staff.want("GET", "/api/v1/office/sync/conflicts", nil, nil, http.StatusForbidden, contacts.EForbidden, "")
	admin.want("POST", "/api/v1/office/sync/run?wait=true", nil, nil, http.StatusConflict, contacts.EConflict,
		"Google Contacts is not connected: run `ringcard google connect`")
	var ks struct {
		Conflicts []json.RawMessage `json:"conflicts"`
	}
	admin.want("GET", "/api/v1/office/sync/conflicts?all=true", nil, &ks, http.StatusOK, "", "")
	if len(ks.Conflicts) != 0 {
		t.Errorf("conflicts = %s, want none", ks.Conflicts)
	}
	admin.want("POST", "/api/v1/office/sync/conflicts/abc/resolve", `{"choice":"local"}`, nil, http.StatusBadRequest, contacts.EInvalid, `id: "abc" is not a conflict id`)
	admin.want("POST", "/api/v1/office/sync/conflicts/1/resolve", `{"choice":"local","extra":1}`, nil, http.StatusBadRequest, contacts.EInvalid, "")
}
