package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/web"
)

// identity is who a request comes from in the route walk.
type identity struct {
	name  string
	c     *http.Client
	csrf  string // office session's form token
	token string // a phone's bearer token
}

func (id identity) do(t *testing.T, base, method, path string) (int, string, http.Header) {
	t.Helper()
	var body io.Reader
	if method != http.MethodGet {
		body = strings.NewReader("{}")
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if id.csrf != "" {
		req.Header.Set("X-CSRF-Token", id.csrf)
	}
	if id.token != "" {
		req.Header.Set("Authorization", "Bearer "+id.token)
	}
	resp, err := id.c.Do(req)
	if err != nil {
		t.Fatalf("%s %s as %s: %v", method, path, id.name, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b), resp.Header
}

// fillParams puts values in a route's :params (none that exists: the walk
// must change nothing that matters).
func fillParams(route string) string {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "nosuch"
			if p == ":slot" {
				parts[i] = "1"
			}
		}
	}
	return strings.Join(parts, "/")
}

// TestEveryRouteHasItsRole walks every route the server registers (pages,
// office JSON, the live socket, the phone API, /healthz) as no one, as a
// phone, as staff and as an admin, and checks each gets what the access
// table says; a route without a rule fails the test. A staff member gets
// 403 on every admin action (the protocol's error for JSON, a page saying
// an admin must do it) and the audit log says who tried.
func TestEveryRouteHasItsRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "sam", sqlite.RoleStaff)
	phone := e.phone(t, "Giulia")
	none := identity{name: "no one", c: httpClient(t)}
	dev := identity{name: "a phone", c: httpClient(t), token: phone.Token}
	staff := identity{name: "staff", c: httpClient(t)}
	admin := identity{name: "admin", c: httpClient(t)}
	var st int
	if st, staff.csrf = signIn(t, staff.c, e.URL, "sam", testPassword); st != http.StatusSeeOther {
		t.Fatalf("staff sign-in: %d", st)
	}
	if st, admin.csrf = signIn(t, admin.c, e.URL, testLogin, testPassword); st != http.StatusSeeOther {
		t.Fatalf("admin sign-in: %d", st)
	}

	rules := map[string]server.Access{}
	for _, r := range server.AccessRules() {
		rules[r.Method+" "+r.Path] = r.Access
	}
	routes := e.Srv.Routes()
	slices.SortStableFunc(routes, func(a, b ginRoute) int { return strings.Compare(a.Method+a.Path, b.Method+b.Path) })
	// Signing out ends the session the rest of the walk uses: last.
	slices.SortStableFunc(routes, func(a, b ginRoute) int { return boolInt(a.Path == "/signout") - boolInt(b.Path == "/signout") })
	seen := map[string]bool{}
	kinds := map[server.Access]int{}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		seen[key] = true
		rule, ok := rules[key]
		if !ok {
			t.Errorf("%s has no rule in the access table (server/access.go)", key)
			continue
		}
		kinds[rule]++
		path := fillParams(r.Path)
		refusedAnon := func(id identity) {
			st, _, h := id.do(t, e.URL, r.Method, path)
			if st != http.StatusUnauthorized && !(st == http.StatusSeeOther && strings.HasPrefix(h.Get("Location"), "/signin")) {
				t.Errorf("%s as %s: status %d, want 401 or a redirect to sign in", key, id.name, st)
			}
		}
		allowed := func(id identity) {
			st, body, _ := id.do(t, e.URL, r.Method, path)
			if st == http.StatusUnauthorized || st == http.StatusForbidden || st >= 500 {
				t.Errorf("%s as %s: status %d, want it let through (%.200s)", key, id.name, st, body)
			}
		}
		switch rule {
		case server.Public:
			for _, id := range []identity{none, dev, staff, admin} {
				if st, _, _ := id.do(t, e.URL, r.Method, path); st == http.StatusUnauthorized || st >= 500 {
					t.Errorf("%s (public) as %s: status %d", key, id.name, st)
				}
			}
		case server.Device:
			for _, id := range []identity{none, staff, admin} {
				if st, _, _ := id.do(t, e.URL, r.Method, path); st != http.StatusUnauthorized {
					t.Errorf("%s (phones) as %s: status %d, want 401", key, id.name, st)
				}
			}
			allowed(dev)
		case server.Staff:
			refusedAnon(none)
			refusedAnon(dev)
			allowed(staff)
			allowed(admin)
		case server.Admin:
			refusedAnon(none)
			refusedAnon(dev)
			st, body, _ := staff.do(t, e.URL, r.Method, path)
			switch {
			case st != http.StatusForbidden:
				t.Errorf("%s (admins) as staff: status %d, want 403", key, st)
			case strings.HasPrefix(r.Path, "/api/"):
				var out struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal([]byte(body), &out); err != nil || out.Error.Code != "forbidden" || out.Error.Message == "" {
					t.Errorf("%s as staff: body %s, want the protocol's forbidden error", key, body)
				}
			case !strings.Contains(body, web.T("en", "error.adminonly")):
				t.Errorf("%s as staff: the page does not say an admin must do it: %.300s", key, body)
			}
			entries, err := e.DB.Audit(ctx, sqlite.AuditFilter{Action: "access.denied", Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) == 0 || entries[0].Actor.ID != "sam" || entries[0].Actor.Kind != "user" || entries[0].Actor.Address == "" ||
				entries[0].Detail != r.Method+" "+path+": needs an admin" {
				t.Errorf("%s as staff: last refusal audited as %+v", key, entries)
			}
			allowed(admin)
		case server.Monitor:
			// The walk runs on this machine, which may always scrape; the
			// refusals (another machine, a wrong token, staff) are
			// checked in server/metrics_test.go.
			for _, id := range []identity{none, dev, staff, admin} {
				allowed(id)
			}
		default:
			t.Errorf("%s: access %q is not one the walk knows", key, rule)
		}
	}
	for k := range rules {
		if !seen[k] {
			t.Errorf("the access table has a rule for %s, which is not a route", k)
		}
	}
	for _, k := range []server.Access{server.Public, server.Device, server.Staff, server.Admin} {
		if kinds[k] == 0 {
			t.Errorf("no %s route walked: the walk is not seeing the routes", k)
		}
	}
	t.Logf("walked %d routes: %v", len(routes), kinds)
}

// The README shows the access table as it is in the code.
func TestReadmeShowsTheAccessTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := server.AccessMarkdown(); !strings.Contains(string(readme), want) {
		t.Errorf("README.md (### Roles) does not show the access table as server/access.go has it; paste:\n%s", want)
	}
}

type ginRoute = gin.RouteInfo

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The scenario: a staff member can neither add an account, nor
// disable the admin, nor set the admin's password; what staff do is
// audited as them (login, name and address), never as the admin.
func TestStaffCannotTakeOverTheAdmin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "sam", sqlite.RoleStaff)
	c := httpClient(t)
	_, csrf := signIn(t, c, e.URL, "sam", testPassword)
	for _, try := range []struct {
		path string
		form url.Values
	}{
		{"/settings/users", url.Values{"login": {"mallory"}, "password": {"mallory pass 1"}, "role": {"admin"}}},
		{"/settings/users/" + testLogin + "/disable", nil},
		{"/settings/users/" + testLogin + "/password", url.Values{"password": {"taken over 123"}}},
		{"/settings/users/sam/role", url.Values{"role": {"admin"}}},
	} {
		form := url.Values{"csrf": {csrf}}
		for k, v := range try.form {
			form[k] = v
		}
		if st, page := postForm(t, c, e.URL+try.path, form); st != http.StatusForbidden || !strings.Contains(page, "Only an admin can do this") {
			t.Errorf("staff POST %s: status %d, want 403 with the admin-only page", try.path, st)
		}
	}
	if _, err := e.DB.UserByLogin(ctx, "mallory"); err == nil {
		t.Errorf("staff added an account")
	}
	if st, _ := signIn(t, httpClient(t), e.URL, testLogin, testPassword); st != http.StatusSeeOther {
		t.Errorf("the admin signs in after staff's tries: status %d", st)
	}
	if u, _ := e.DB.UserByLogin(ctx, "sam"); u.Role != sqlite.RoleStaff {
		t.Errorf("sam made himself %s", u.Role)
	}

	// Staff's own work is audited as staff.
	hits, err := e.DB.Search(ctx, sqlite.SearchQuery{Text: "Santoro"})
	if err != nil || len(hits) == 0 {
		t.Fatalf("search: %v %d", err, len(hits))
	}
	id := hits[0].Contact.ID
	if st, _ := postForm(t, c, e.URL+"/contacts/"+id+"/notes", url.Values{"csrf": {csrf}, "text": {"Called back, wants a quote"}}); st != http.StatusSeeOther {
		t.Fatalf("staff note: status %d", st)
	}
	entries, err := e.DB.Audit(ctx, sqlite.AuditFilter{ContactID: id, Limit: 1})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit: %v %d", err, len(entries))
	}
	if a := entries[0].Actor; a.Kind != "user" || a.ID != "sam" || a.Name != "sam" || a.Address != "127.0.0.1" {
		t.Errorf("staff's note audited as %+v, want sam from 127.0.0.1", a)
	}
	denied, err := e.DB.Audit(ctx, sqlite.AuditFilter{Action: "access.denied", Limit: 10})
	if err != nil || len(denied) != 4 {
		t.Fatalf("refusals audited: %v %d, want 4", err, len(denied))
	}
	for _, d := range denied {
		if d.Actor.ID != "sam" {
			t.Errorf("refusal audited as %+v", d.Actor)
		}
	}
}
