package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"golang.org/x/net/html"

	"github.com/ringcard/ringcard/server/web"
)

// TestPagesHaveNoInlineScript walks every page route the server has
// registered, signed in, plus the pages only a form post renders and the
// signed-out ones, and fails on inline script, inline event handlers,
// style attributes or elements and javascript: URLs (the CSP would block
// them: a page that needs one is broken in the browser), and on a missing
// or different Content-Security-Policy or other security header.
func TestPagesHaveNoInlineScript(t *testing.T) {
	e := newEnv(t)
	e.phone(t, "Marco") // the devices page and the dial menus list it
	c := httpClient(t)
	signedOut := []string{"/signin", "/signin?next=/calls"}
	for _, p := range signedOut {
		checkPage(t, c, http.MethodGet, e.URL+p, nil)
	}
	st, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	if st != http.StatusSeeOther {
		t.Fatalf("sign in: %d", st)
	}

	engine, ok := e.Srv.Handler().(*gin.Engine)
	if !ok {
		t.Fatalf("the server's handler is %T, want *gin.Engine", e.Srv.Handler())
	}
	params := strings.NewReplacer(":id", "demo-0001", ":login", testLogin)
	walked := 0
	for _, r := range engine.Routes() {
		if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/static/") ||
			slices.Contains([]string{"/healthz", "/metrics", "/data/export"}, r.Path) {
			continue
		}
		checkPage(t, c, http.MethodGet, e.URL+params.Replace(r.Path), nil)
		walked++
	}
	if walked < 12 {
		t.Errorf("walked %d page routes, want every page (at least 12)", walked)
	}
	// Pages only a form post renders, and an error page.
	checkPage(t, c, http.MethodPost, e.URL+"/devices/pair", url.Values{"csrf": {csrf}, "name": {"Luca"}})
	checkPage(t, c, http.MethodGet, e.URL+"/contacts/no-such-contact", nil)

	// The script and stylesheet the pages load are served to anyone.
	for _, p := range []string{"/static/app.js", "/static/app.css"} {
		resp, err := http.Get(e.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(body) < 100 || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d, %d bytes, nosniff=%q", p, resp.StatusCode, len(body), resp.Header.Get("X-Content-Type-Options"))
		}
	}
}

// checkPage fetches a page and checks its headers and markup.
func checkPage(t *testing.T, c *http.Client, method, u string, form url.Values) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = c.PostForm(u, form)
	} else {
		resp, err = c.Get(u)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		t.Logf("%s %s: %d to %s (not a page)", method, u, resp.StatusCode, resp.Header.Get("Location"))
		return
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("%s %s: %d %s, want a page", method, u, resp.StatusCode, resp.Header.Get("Content-Type"))
		return
	}
	for h, want := range map[string]string{"Content-Security-Policy": web.ContentSecurityPolicy, "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s %s: %s = %q, want %q", method, u, h, got, want)
		}
	}
	if !strings.Contains(web.ContentSecurityPolicy, "script-src 'self';") || strings.Contains(web.ContentSecurityPolicy, "unsafe") {
		t.Fatalf("the CSP allows inline script: %s", web.ContentSecurityPolicy)
	}
	for _, problem := range inlineCode(body) {
		t.Errorf("%s %s: %s", method, u, problem)
	}
}

// inlineCode lists what a strict CSP would block in a page: <script>
// without src (or from elsewhere), <style>, on* handlers, style attributes
// and javascript: URLs.
func inlineCode(page []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(page))
	scripts := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script":
			scripts++
			src := attr(tok, "src")
			if src == "" {
				out = append(out, "inline <script>")
			} else if !strings.HasPrefix(src, "/static/") {
				out = append(out, "script from "+src)
			}
		case "style":
			out = append(out, "inline <style>")
		}
		for _, a := range tok.Attr {
			k, v := strings.ToLower(a.Key), strings.ToLower(strings.TrimSpace(a.Val))
			switch {
			case strings.HasPrefix(k, "on"):
				out = append(out, "<"+tok.Data+" "+a.Key+"=...>: an inline event handler")
			case k == "style":
				out = append(out, "<"+tok.Data+" style=...>: a style attribute")
			case (k == "href" || k == "src" || k == "action" || k == "formaction") && strings.HasPrefix(v, "javascript:"):
				out = append(out, "<"+tok.Data+" "+a.Key+"=javascript:...>")
			}
		}
	}
	if scripts == 0 {
		out = append(out, "no script: the page does not load app.js")
	}
	return out
}

func attr(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
