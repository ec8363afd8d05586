package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/web"
)

// signer posts sign-in forms as one browser, optionally claiming an address
// through a trusted proxy's X-Forwarded-For.
type signer struct {
	t    *testing.T
	c    *http.Client
	base string
	csrf string
}

func newSigner(t *testing.T, base string) *signer {
	s := &signer{t: t, c: httpClient(t), base: base}
	s.loadForm()
	return s
}

// loadForm gets the sign-in form's token, as a browser opening the page.
func (s *signer) loadForm() {
	resp, err := s.c.Get(s.base + "/signin")
	if err != nil {
		s.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		s.t.Fatal("sign-in page has no csrf field")
	}
	s.csrf = string(m[1])
}

// try posts one sign-in; it returns the status and Retry-After (0 if none).
func (s *signer) try(login, password, from string) (int, time.Duration) {
	s.t.Helper()
	form := url.Values{"login": {login}, "password": {password}, "csrf": {s.csrf}}
	req, _ := http.NewRequest(http.MethodPost, s.base+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if from != "" {
		req.Header.Set("X-Forwarded-For", from)
	}
	resp, err := s.c.Do(req)
	if err != nil {
		s.t.Fatalf("post signin: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var wait time.Duration
	if v := resp.Header.Get("Retry-After"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			s.t.Fatalf("Retry-After %q", v)
		}
		wait = time.Duration(n) * time.Second
	}
	if resp.StatusCode == http.StatusTooManyRequests && (wait == 0 || !strings.Contains(string(body), `id="signin-wait"`)) {
		s.t.Fatalf("429 without Retry-After or the page saying how long to wait")
	}
	if resp.StatusCode == http.StatusSeeOther { // signed in: sign out again, keeping the device cookie
		s.signout()
	}
	return resp.StatusCode, wait
}

func (s *signer) signout() {
	resp, err := s.c.Get(s.base + "/settings")
	if err != nil {
		s.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		s.t.Fatalf("settings page has no csrf field (status %d)", resp.StatusCode)
	}
	resp, err = s.c.PostForm(s.base+"/signout", url.Values{"csrf": {string(m[1])}})
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	s.loadForm() // the sign-in cookie was cleared
	if u, _ := url.Parse(s.base); len(s.c.Jar.Cookies(u)) == 0 {
		s.t.Fatal("no cookies kept after sign-out")
	}
}

func defaultPolicy() web.Policy {
	cfg := config.Default()
	cfg.DB = "x.db"
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	return web.Policy{Free: cfg.Web.LockoutAttempts, Delay: cfg.Web.LockoutDelay.D(), MaxDelay: cfg.Web.LockoutWindow.D()}
}

// guessFor drives an attacker for d of the test clock: each wrong password
// as soon as the server allows, waiting exactly what Retry-After says. It
// returns how many passwords were checked (401), and fails if the server
// ever refuses once the wait it gave is over (a hard lock).
func guessFor(t *testing.T, clk *clock, d time.Duration, try func(i int) (int, time.Duration)) int {
	t.Helper()
	end := clk.Now().Add(d)
	guesses, refusedInARow := 0, 0
	for i := 0; clk.Now().Before(end); i++ {
		st, wait := try(i)
		switch st {
		case http.StatusUnauthorized:
			guesses++
			refusedInARow = 0
		case http.StatusTooManyRequests:
			if refusedInARow++; refusedInARow > 1 {
				t.Fatalf("attempt %d refused again after waiting the %s the server asked: a hard lock", i, wait)
			}
			clk.Advance(wait)
		default:
			t.Fatalf("attempt %d: status %d", i, st)
		}
	}
	return guesses
}

// An attacker gets as many guesses per hour as the policy says, from one
// address and from as many addresses as they like (the account's own
// counter slows them down then), and is never locked out for good.
func TestSigninGuessesPerHour(t *testing.T) {
	p := defaultPolicy()
	want := p.GuessesIn(time.Hour)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if says := fmt.Sprintf("**%d guesses in the first hour, then %d an hour**", want, int(time.Hour/p.MaxDelay)); !strings.Contains(string(readme), says) {
		t.Errorf("README.md (### Sign-in protection) does not say %q", says)
	}
	t.Run("one address", func(t *testing.T) {
		clk := &clock{}
		e := newEnvAt(t, clk)
		s := newSigner(t, e.URL)
		got := guessFor(t, clk, time.Hour, func(int) (int, time.Duration) { return s.try(testLogin, "wrong", "") })
		if got != want {
			t.Errorf("guesses in an hour from one address = %d, want %d (policy %+v)", got, want, p)
		}
	})
	t.Run("many addresses", func(t *testing.T) {
		clk := &clock{}
		e := newEnvAt(t, clk, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.1"} })
		s := newSigner(t, e.URL)
		got := guessFor(t, clk, time.Hour, func(i int) (int, time.Duration) {
			return s.try(testLogin, "wrong", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		})
		if got != want {
			t.Errorf("guesses in an hour from a new address each time = %d, want %d", got, want)
		}
	})
}

// Wrong passwords from one address never stop the admin signing in from a
// PC that signed in before, even from that same address; a browser that
// never did waits; the admin's Unlock button (pressed from that PC during
// the attack) and a password reset let it in at once.
func TestKnownBrowserSignsInDuringAttack(t *testing.T) {
	clk := &clock{}
	e := newEnvAt(t, clk)
	ctx := context.Background()
	pc := newSigner(t, e.URL)
	if st, _ := pc.try(testLogin, testPassword, ""); st != http.StatusSeeOther {
		t.Fatalf("first sign-in from the PC: status %d", st)
	}
	attacker := newSigner(t, e.URL)
	for i := 0; i < 40; i++ {
		attacker.try(testLogin, fmt.Sprintf("guess %d", i), "")
	}
	st, wait := attacker.try(testLogin, testPassword, "")
	if st != http.StatusTooManyRequests || wait <= 0 {
		t.Fatalf("an unknown browser with the right password during the attack: status %d, want 429 with Retry-After", st)
	}
	for i := 0; i < 3; i++ {
		if st, _ := pc.try(testLogin, testPassword, ""); st != http.StatusSeeOther {
			t.Fatalf("the PC that signed in before, during the attack (try %d): status %d, want 303", i, st)
		}
	}

	// The admin, from the known PC, presses Unlock: the unknown browser
	// gets in at once.
	st, csrf := signIn(t, pc.c, e.URL, testLogin, testPassword)
	if st != http.StatusSeeOther {
		t.Fatalf("the admin signs in on the known PC: %d", st)
	}
	if st, _ := postForm(t, pc.c, e.URL+"/settings/users/"+testLogin+"/unlock", url.Values{"csrf": {csrf}}); st != http.StatusSeeOther {
		t.Fatalf("Unlock: status %d", st)
	}
	pc.signout()
	if st, _ := attacker.try(testLogin, testPassword, ""); st != http.StatusSeeOther {
		t.Fatalf("after unlock: status %d, want 303", st)
	}

	// A password reset clears the counters too.
	other := newSigner(t, e.URL)
	for i := 0; i < 10; i++ {
		other.try(testLogin, "nope", "")
	}
	if st, _ := other.try(testLogin, testPassword, ""); st != http.StatusTooManyRequests {
		t.Fatalf("locked again: status %d, want 429", st)
	}
	hash, _ := web.HashPassword("a new password 7", 8)
	if err := e.DB.SetUserPassword(ctx, testLogin, hash, ""); err != nil {
		t.Fatal(err)
	}
	if st, _ := other.try(testLogin, "a new password 7", ""); st != http.StatusSeeOther {
		t.Fatalf("after a password reset: status %d, want 303", st)
	}

	// Every attempt is in the audit log, with the address and login tried.
	entries, err := e.DB.Audit(ctx, sqlite.AuditFilter{Action: "signin.", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, a := range entries {
		count[a.Action]++
		if a.Actor.Address != "127.0.0.1" || a.Actor.ID != testLogin {
			t.Fatalf("audit %+v: want address 127.0.0.1 and login %s", a, testLogin)
		}
	}
	if count["signin.ok"] != 7 || count["signin.bad_password"] != 10 || count["signin.throttled"] != 42 {
		t.Errorf("audited sign-ins: %v", count)
	}
}

// A new password ends the account's other sessions and makes the device
// cookies its browsers were given worthless: during an attack, a browser
// that signed in with the old password waits like any other. The admin
// setting their own keeps the session doing it, and that browser stays
// known. An admin resetting another account's password ends its sessions
// and its browsers' cookies too.
func TestNewPasswordEndsSessionsAndDeviceCookies(t *testing.T) {
	e := newEnvAt(t, &clock{})
	e.addUser(t, "marco", sqlite.RoleStaff)
	signedIn := func(c *http.Client) bool {
		t.Helper()
		resp, err := c.Get(e.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	pcA, pcB, marcoPC := newSigner(t, e.URL), newSigner(t, e.URL), newSigner(t, e.URL)
	var csrf string
	for _, b := range []struct {
		s     *signer
		login string
	}{{pcA, testLogin}, {marcoPC, "marco"}, {pcB, testLogin}} {
		st, token := signIn(t, b.s.c, e.URL, b.login, testPassword)
		if st != http.StatusSeeOther || !signedIn(b.s.c) {
			t.Fatalf("%s signs in: status %d", b.login, st)
		}
		csrf = token // pcB's, the last
	}

	const annaNew, marcoNew = "a new password 7", "marco's new one 9"
	if st, body := postForm(t, pcB.c, e.URL+"/settings/users/marco/password", url.Values{"csrf": {csrf}, "password": {marcoNew}}); st != http.StatusSeeOther {
		t.Fatalf("admin sets marco's password: %d %s", st, body)
	}
	if signedIn(marcoPC.c) {
		t.Error("marco's session outlived the password the admin set")
	}
	if st, body := postForm(t, pcB.c, e.URL+"/settings/users/"+testLogin+"/password", url.Values{"csrf": {csrf}, "password": {annaNew}}); st != http.StatusSeeOther {
		t.Fatalf("admin sets own password: %d %s", st, body)
	}
	if !signedIn(pcB.c) {
		t.Error("the session that set its own password was ended")
	}
	if signedIn(pcA.c) {
		t.Error("the admin's other session outlived the new password")
	}

	attacker := newSigner(t, e.URL)
	for i := 0; i < 8; i++ {
		attacker.try(testLogin, fmt.Sprintf("guess %d", i), "")
	}
	if st, _ := attacker.try(testLogin, annaNew, ""); st != http.StatusTooManyRequests {
		t.Fatalf("unknown browser during the attack: status %d, want 429", st)
	}
	pcA.loadForm() // signed out by the new password: the sign-in form again
	marcoPC.loadForm()
	if st, _ := pcA.try(testLogin, annaNew, ""); st != http.StatusTooManyRequests {
		t.Errorf("browser known under the old password, during the attack: status %d, want 429 (its device cookie must no longer count)", st)
	}
	if st, _ := marcoPC.try("marco", marcoNew, ""); st != http.StatusTooManyRequests {
		t.Errorf("marco's browser known under the old password, during the attack: status %d, want 429", st)
	}
	pcB.signout()
	if st, _ := pcB.try(testLogin, annaNew, ""); st != http.StatusSeeOther {
		t.Errorf("the browser that set the new password, during the attack: status %d, want 303 (it stays known)", st)
	}
}

// Sign-in attempts, and refused ones in the audit log, are pruned by the
// server's periodic tick once older than signin_retention (30 days by
// default); successful sign-ins stay in the audit log, and so does a
// refusal made since.
func TestOldSigninRowsArePruned(t *testing.T) {
	clk := &clock{}
	e := newEnvAt(t, clk)
	ctx := context.Background()
	count := func(q string) int {
		t.Helper()
		var n int
		if err := e.DB.QueryRowForTest(ctx, q, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	s := newSigner(t, e.URL)
	for i := 0; i < 3; i++ {
		if st, _ := s.try(testLogin, "wrong", ""); st != http.StatusUnauthorized {
			t.Fatalf("wrong password: status %d", st)
		}
	}
	if st, _ := s.try(testLogin, testPassword, ""); st != http.StatusSeeOther {
		t.Fatalf("sign-in: status %d", st)
	}
	const refused = `SELECT COUNT(*) FROM audit_log WHERE action = 'signin.bad_password'`
	if a, r := count(`SELECT COUNT(*) FROM login_attempts WHERE outcome <> 'reset'`), count(refused); a != 4 || r != 3 {
		t.Fatalf("stored: %d attempts, %d refusals in the audit log; want 4 and 3", a, r)
	}

	clk.Advance(31 * 24 * time.Hour)
	if st, _ := s.try(testLogin, "wrong again", ""); st != http.StatusUnauthorized {
		t.Fatalf("wrong password a month on: status %d", st)
	}
	tick, stop := context.WithCancel(ctx)
	defer stop()
	e.Srv.StartFollowups(tick) // its first tick runs at once
	deadline := time.Now().Add(20 * time.Second)
	for count(`SELECT COUNT(*) FROM login_attempts`) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("sign-in attempts left after pruning: %d, want 1 (the recent one)", count(`SELECT COUNT(*) FROM login_attempts`))
		}
		time.Sleep(20 * time.Millisecond)
	}
	for count(refused) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("refused sign-ins left in the audit log: %d, want 1 (the recent one)", count(refused))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := count(`SELECT COUNT(*) FROM audit_log WHERE action = 'signin.ok'`); n != 1 {
		t.Errorf("successful sign-ins in the audit log = %d, want 1 (kept a year)", n)
	}
}
