package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	st, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	if st != http.StatusSeeOther || csrf == "" {
		t.Fatalf("sign in: status %d", st)
	}
	post := func(token string) int {
		form := url.Values{"text": {"a note"}}
		if token != "" {
			form.Set("csrf", token)
		}
		resp, err := c.PostForm(e.URL+"/contacts/demo-0001/notes", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		name  string
		token string
		want  int
	}{
		{"no token", "", http.StatusForbidden},
		{"wrong token", "x" + csrf, http.StatusForbidden},
		{"right token", csrf, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := post(tc.token); got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
		})
	}
	// The sign-in form itself needs its token too.
	resp, err := httpClient(t).PostForm(e.URL+"/signin", url.Values{"login": {testLogin}, "password": {testPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in without token: status %d, want 403", resp.StatusCode)
	}
}

// TestEveryRouteNeedsSession walks every route of the real server without a
// session: each must redirect to sign-in or answer 401, except sign-in,
// pairing, health, the pages' script and stylesheet, and /metrics (which a
// scraper on this machine may read: its own test checks it refuses others).
func TestEveryRouteNeedsSession(t *testing.T) {
	e := newEnv(t)
	engine := e.Srv.Handler().(*gin.Engine)
	open := map[string]bool{"GET /signin": true, "POST /signin": true, "POST /api/v1/pair": true, "GET /healthz": true,
		"GET /static/app.css": true, "GET /static/app.js": true, "GET /metrics": true}
	n := 0
	for _, r := range engine.Routes() {
		key := r.Method + " " + r.Path
		if open[key] {
			continue
		}
		n++
		path := r.Path
		for _, seg := range strings.Split(r.Path, "/") {
			if strings.HasPrefix(seg, ":") || strings.HasPrefix(seg, "*") {
				path = strings.Replace(path, seg, "demo-0001", 1)
			}
		}
		t.Run(key, func(t *testing.T) {
			req, _ := http.NewRequest(r.Method, e.URL+path, strings.NewReader("{}"))
			resp, err := httpClient(t).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusUnauthorized:
			case resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/signin"):
			default:
				t.Errorf("status %d (Location %q), want 401 or a redirect to /signin", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
	if n < 25 {
		t.Errorf("walked %d routes, want the web view's and the phone API's", n)
	}
}

func TestSessionCookie(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	resp, _ := c.Get(e.URL + "/signin")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(body)
	resp, err := c.PostForm(e.URL+"/signin", url.Values{"login": {testLogin}, "password": {testPassword}, "csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var found bool
	for _, ck := range resp.Cookies() {
		if ck.Name == "rc_session" {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie %+v: want HttpOnly and SameSite=Lax", ck)
			}
			if ck.Secure {
				t.Errorf("session cookie is Secure on plain HTTP with secure_cookies=auto")
			}
		}
	}
	if !found {
		t.Fatalf("no session cookie set")
	}
}
