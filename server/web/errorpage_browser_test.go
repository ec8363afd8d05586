package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server/web"
)

// A staff member opening an admin's page sees it headed "You don't have
// access to this page" with who can help; a record or an address that
// doesn't exist is headed "Page not found" (an unknown address too, as a
// page, not JSON): in English, Russian and Italian, at a PC's width and a
// phone's, with the menu and the way back on the first screen.
func TestBrowserNoAccessAndNotFoundPages(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "marco", sqlite.RoleStaff)
	ctx := browser(t)
	bg := context.Background()
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), "marco"), chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#q"))); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	english := englishWords()
	needs := []need{{"#error-title", true, false}, {"#error-message", true, false}, {"#error-home", true, true}}
	for _, lang := range web.Langs {
		if err := e.DB.SetUserLang(bg, "marco", lang); err != nil {
			t.Fatal(err)
		}
		for _, width := range []int64{1280, 390} {
			t.Run(lang+"/"+itoa(int(width)), func(t *testing.T) {
				phone := width < 800
				opts := []chromedp.EmulateViewportOption{}
				if phone {
					opts = append(opts, chromedp.EmulateMobile)
				}
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 860, opts...)); err != nil {
					t.Fatal(err)
				}
				for _, p := range []struct{ name, path, title, message string }{
					{"no-access", "/devices", "error.title.403", "error.adminonly"},
					{"no-record", "/contacts/no-such-contact", "error.title.404", "error.code.not_found"},
					{"no-page", "/no-such-page", "error.title.404", "error.code.not_found"},
				} {
					if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+p.path), chromedp.WaitVisible(chromedp.CSS("#error-title"))); err != nil {
						t.Fatalf("open %s: %v", p.path, err)
					}
					title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#error-title"), chromedp.NodeVisible))
					if err != nil {
						t.Fatal(err)
					}
					msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#error-message"), chromedp.NodeVisible))
					if err != nil {
						t.Fatal(err)
					}
					if want := web.T(lang, p.title); strings.TrimSpace(title) != want {
						t.Errorf("%s: heading %q, want %q", p.name, title, want)
					}
					if want := web.T(lang, p.message); strings.TrimSpace(msg) != want {
						t.Errorf("%s: message %q, want %q", p.name, msg, want)
					}
					doc, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.title"))
					if err != nil || !strings.HasPrefix(doc, web.T(lang, p.title)) {
						t.Errorf("%s: window title %q (%v), want it to start with the heading", p.name, doc, err)
					}
					checkLayout(t, ctx, p.name, needs, phone)
					checkMenu(t, ctx, p.name, phone)
					if lang != "en" {
						checkNoEnglish(t, ctx, p.name, lang, english)
					}
					screenshot(t, ctx, "error-"+lang+"-"+itoa(int(width))+"-"+p.name)
				}
			})
		}
	}

	// The statuses are still 403 and 404; an API client still gets JSON.
	c := httpClient(t)
	signIn(t, c, e.URL, "marco", testPassword)
	for _, tc := range []struct {
		path, accept string
		status       int
		ctype        string
	}{
		{"/devices", "text/html", http.StatusForbidden, "text/html"},
		{"/no-such-page", "text/html,application/xhtml+xml", http.StatusNotFound, "text/html"},
		{"/no-such-page", "", http.StatusNotFound, "application/json"},
		{"/api/v1/no-such-route", "text/html", http.StatusNotFound, "application/json"},
	} {
		req, _ := http.NewRequest(http.MethodGet, e.URL+tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("GET %s (Accept %q): %d %s, want %d %s", tc.path, tc.accept, resp.StatusCode, resp.Header.Get("Content-Type"), tc.status, tc.ctype)
		}
	}
}
