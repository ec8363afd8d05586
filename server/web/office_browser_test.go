package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/sync/peoplestub"
)

// TestBrowserOfficeJobs drives the office's phone-facing jobs in headless
// Chromium: click-to-call from the client page and from a missed call,
// resolving Google sync conflicts, a SIM's policy, and silent phones on the
// live board.
func TestBrowserOfficeJobs(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	bg := context.Background()
	do := func(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	do(t, "sign in", chromedp.Navigate(e.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), testLogin), chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#q")))

	giulia := e.phone(t, "Giulia")
	giuliaID := e.deviceID(t, "Giulia")
	sock := connectPhone(t, e, giulia, giuliaID)

	t.Run("click-to-call from the client page reaches the phone", func(t *testing.T) {
		ct, err := e.DB.Contact(bg, "demo-0001")
		if err != nil || len(ct.Numbers) == 0 {
			t.Fatalf("demo-0001: %+v %v", ct, err)
		}
		do(t, "open contact", chromedp.Navigate(e.URL+"/contacts/demo-0001"), chromedp.WaitVisible(chromedp.CSS("#dial-0")))
		waitText(t, ctx, "#dial-from", "Giulia · SIM 1 (Sales line)", 5*time.Second)
		do(t, "call", chromedp.Click(chromedp.CSS("#dial-0")))
		waitText(t, ctx, "#dial-result", "Sent to Giulia's phone.", 5*time.Second)
		screenshot(t, ctx, "contact-dial")
		d := awaitDial(t, sock)
		if d.Number != ct.Numbers[0].E164 || d.SIMSlot != 1 {
			t.Errorf("dial = %+v, want %s on SIM 1", d, ct.Numbers[0].E164)
		}
	})

	var missedID string
	t.Run("call back a missed call on the phone and SIM it came in on", func(t *testing.T) {
		missed := "+39 347 555 0199"
		start := incoming(missed)
		start.SIMSlot = 2
		missedID = start.CallID
		if _, err := giulia.StartCall(bg, start); err != nil {
			t.Fatalf("start call: %v", err)
		}
		zero := 0
		if _, err := giulia.EndCall(bg, start.CallID, protocol.CallEnd{EndedAt: time.Now().UTC().Format(time.RFC3339), DurationS: &zero, Outcome: contacts.OutcomeMissed}); err != nil {
			t.Fatalf("end call: %v", err)
		}
		sel := "#from-" + start.CallID
		do(t, "open calls", chromedp.Navigate(e.URL+"/calls"), chromedp.WaitVisible(chromedp.CSS(sel)))
		chosen, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
		if want := giuliaID + ":2"; err != nil || chosen != want {
			t.Errorf("call back from = %q (%v), want %q: the phone and SIM the call came in on", chosen, err, want)
		}
		do(t, "call back", chromedp.Click(chromedp.CSS(`#missed button.dial-btn[data-from="from-`+start.CallID+`"]`)))
		waitText(t, ctx, "#result-from-"+start.CallID, "Sent to Giulia's phone.", 5*time.Second)
		screenshot(t, ctx, "calls-callback")
		p, _ := e.DB.Normalizer().Parse(missed, "")
		if d := awaitDial(t, sock); d.Number != p.E164 || d.SIMSlot != 2 {
			t.Errorf("dial = %+v, want %s on SIM 2", d, p.E164)
		}
	})

	t.Run("resolve Google sync conflicts", func(t *testing.T) {
		before, err := e.DB.Contact(bg, "demo-0002")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.DB.SyncTx(bg, func(tx *sqlite.SyncTx) error {
			if err := tx.AddConflict(sqlite.SyncConflict{ContactID: "demo-0002", Field: "company", Base: "Old name", Local: before.Company, Google: "Google Trading srl"}); err != nil {
				return err
			}
			return tx.AddConflict(sqlite.SyncConflict{ContactID: "demo-0002", Field: "job title", Local: "Buyer", Google: "Head buyer"})
		}); err != nil {
			t.Fatalf("add conflicts: %v", err)
		}
		open, err := e.DB.SyncConflicts(bg, true, 10)
		if err != nil || len(open) != 2 {
			t.Fatalf("open conflicts = %+v %v", open, err)
		}
		byField := map[string]int64{}
		for _, k := range open {
			byField[k.Field] = k.ID
		}
		company, title := fmt.Sprintf("#conflict-%d", byField["company"]), fmt.Sprintf("#conflict-%d", byField["job title"])
		do(t, "open settings", chromedp.Navigate(e.URL+"/settings#sync"), chromedp.WaitVisible(chromedp.CSS("#conflicts")))
		waitText(t, ctx, "#sync", "not connected", 5*time.Second)
		waitText(t, ctx, company, "Google Trading srl", 5*time.Second)
		waitText(t, ctx, company, before.Company, 5*time.Second)
		screenshot(t, ctx, "settings-conflicts")
		screenshotOf(t, ctx, "settings-sync-panel", "#sync")

		do(t, "keep Google's", chromedp.Click(chromedp.CSS(company+` button[data-choice="google"]`)))
		waitText(t, ctx, company+" .k-result", "Resolved: kept Google's value", 5*time.Second)
		do(t, "type a value", chromedp.Clear(chromedp.CSS(title+" textarea")),
			chromedp.SendKeys(chromedp.CSS(title+" textarea"), "Head of purchasing"),
			chromedp.Click(chromedp.CSS(title+` button[data-choice="value"]`)))
		waitText(t, ctx, title+" .k-result", "Resolved: saved the typed value", 5*time.Second)
		waitText(t, ctx, "#conflict-count", "Conflicts to resolve: 0", 5*time.Second)
		screenshotOf(t, ctx, "settings-conflicts-resolved", "#sync")

		if open, err := e.DB.SyncConflicts(bg, true, 10); err != nil || len(open) != 0 {
			t.Errorf("open conflicts after resolving = %+v %v, want none", open, err)
		}
		all, _ := e.DB.SyncConflicts(bg, false, 10)
		for _, k := range all {
			if k.ResolvedAt.IsZero() || k.ResolvedBy != "Anna Bianchi" {
				t.Errorf("conflict %d (%s): resolved %v by %q, want by Anna Bianchi", k.ID, k.Field, k.ResolvedAt, k.ResolvedBy)
			}
		}
		after, err := e.DB.Contact(bg, "demo-0002")
		if err != nil || after.Company != "Google Trading srl" || after.JobTitle != "Head of purchasing" {
			t.Errorf("contact after resolving: company %q, job title %q (%v)", after.Company, after.JobTitle, err)
		}
		do(t, "reload", chromedp.Navigate(e.URL+"/settings"), chromedp.WaitVisible(chromedp.CSS("#sync")))
		waitGone(t, ctx, "#sync", "Google Trading srl", 5*time.Second)
	})

	t.Run("a SIM set to private in the browser logs no calls", func(t *testing.T) {
		if _, err := e.DB.Call(bg, missedID); err != nil {
			t.Fatalf("the missed call on SIM 2 before the change was not stored: %v", err)
		}
		sel := "policy-" + giuliaID + "-2"
		do(t, "open devices", chromedp.Navigate(e.URL+"/devices"), chromedp.WaitVisible(chromedp.CSS("#"+sel)))
		waitText(t, ctx, "#devices", "online", 5*time.Second)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(
			`(function(){var s=document.getElementById(%q);s.value="private";s.dispatchEvent(new Event("change",{bubbles:true}));return true})()`, sel))); err != nil {
			t.Fatalf("choose private: %v", err)
		}
		waitText(t, ctx, "#devices .policy-result.ok", "Saved.", 5*time.Second)
		screenshot(t, ctx, "devices-policy")
		d, err := e.DB.Device(bg, giuliaID)
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := d.SIM(2); s.Policy != contacts.SIMPrivate {
			t.Fatalf("SIM 2 policy = %q, want private", s.Policy)
		}
		start := incoming("+39 347 555 0123")
		start.SIMSlot = 2
		if _, err := giulia.StartCall(bg, start); err != nil {
			t.Fatalf("start call: %v", err)
		}
		five := 5
		if _, err := giulia.EndCall(bg, start.CallID, protocol.CallEnd{EndedAt: time.Now().UTC().Format(time.RFC3339), DurationS: &five, Outcome: contacts.OutcomeAnswered}); err != nil {
			t.Fatalf("end call: %v", err)
		}
		if c, err := e.DB.Call(bg, start.CallID); contacts.ErrorCode(err) != contacts.ENotFound {
			t.Errorf("call on the private SIM: stored %+v (%v), want no record", c, err)
		}
		// The private SIM is no longer offered for office calls: the missed
		// call that came in on it is called back from the phone's work SIM.
		do(t, "open calls", chromedp.Navigate(e.URL+"/calls"), chromedp.WaitVisible(chromedp.CSS("#from-"+missedID)))
		if chosen, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#from-"+missedID))); err != nil || chosen != giuliaID+":1" {
			t.Errorf("call back from = %q (%v), want %s:1", chosen, err, giuliaID)
		}
		do(t, "open contact", chromedp.Navigate(e.URL+"/contacts/demo-0001"), chromedp.WaitVisible(chromedp.CSS("#dial-from")))
		opts, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#dial-from")))
		if err != nil || strings.Contains(opts, "SIM 2") || !strings.Contains(opts, "SIM 1") {
			t.Errorf("call-from choices = %q (%v), want SIM 1 only", opts, err)
		}
	})

	t.Run("a silent phone shows on the live board and the devices page", func(t *testing.T) {
		e.phone(t, "Marco")
		marco := e.deviceID(t, "Marco")
		since := time.Now().Add(-20 * time.Minute)
		if err := e.DB.SetSilent(bg, marco, since); err != nil {
			t.Fatal(err)
		}
		do(t, "open board", chromedp.Navigate(e.URL+"/board"), chromedp.WaitVisible(chromedp.CSS("#board")))
		want := "Marco's phone has been silent since " + since.Local().Format("15:04")
		if y, m, d := since.Local().Date(); y != time.Now().Year() || m != time.Now().Month() || d != time.Now().Day() {
			want = "Marco's phone has been silent since " + since.Local().Format("2006-01-02 15:04")
		}
		waitText(t, ctx, "#board-alerts", want, 3*time.Second)
		screenshot(t, ctx, "board-silent")
		if err := e.DB.SetSilent(bg, marco, time.Time{}); err != nil {
			t.Fatal(err)
		}
		waitGone(t, ctx, "#board-alerts", "Marco", 3*time.Second)
		if err := e.DB.SetSilent(bg, marco, since); err != nil {
			t.Fatal(err)
		}
		do(t, "open devices", chromedp.Navigate(e.URL+"/devices"), chromedp.WaitVisible(chromedp.CSS("#devices")))
		waitText(t, ctx, fmt.Sprintf(`tr[data-device=%q] .health`, marco), "silent", 5*time.Second)
		screenshot(t, ctx, "devices")
	})

	t.Run("phone-width viewport", func(t *testing.T) {
		do(t, "resize", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		if err := e.DB.SyncTx(bg, func(tx *sqlite.SyncTx) error {
			return tx.AddConflict(sqlite.SyncConflict{ContactID: "demo-0003", Field: "note", Local: "Prefers calls after 3pm", Google: "Prefers e-mail; calls after 3pm"})
		}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/contacts/demo-0001", "/calls", "/devices", "/settings", "/board", "/data", "/followups", "/pipeline"} {
			do(t, "open "+p, chromedp.Navigate(e.URL+p), chromedp.WaitVisible(chromedp.CSS("main")))
			width, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
			if err != nil || width > 400 {
				wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](sticksOut))
				t.Errorf("%s is %dpx wide on a 390px screen (%v): it should not scroll sideways; too wide: %v", p, width, err, wide)
			}
			screenshot(t, ctx, "mobile-office-"+strings.ReplaceAll(strings.Trim(p, "/"), "/", "-"))
			if p == "/settings" {
				screenshotOf(t, ctx, "mobile-office-settings-sync", "#sync")
			}
		}
	})
}

// deviceID is the ID of the active paired phone called name.
func (e *env) deviceID(t *testing.T, name string) string {
	t.Helper()
	devs, err := e.DB.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range devs {
		if d.Name == name && !d.Revoked() {
			return d.ID
		}
	}
	t.Fatalf("no phone %q", name)
	return ""
}

// connectPhone opens the phone's websocket, resumes from the start and
// waits until the server counts it as connected.
func connectPhone(t *testing.T, e *env, c *client.Client, id string) *client.Socket {
	t.Helper()
	s, err := c.Connect(context.Background())
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Resume(0); err != nil {
		t.Fatalf("resume: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		hs, err := e.Srv.DeviceHealth(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			if h.ID == id && h.Connected {
				return s
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("phone %s did not show as connected", id)
	return nil
}

// awaitDial reads the phone's socket until a dial event arrives,
// acknowledging events as a phone does.
func awaitDial(t *testing.T, s *client.Socket) protocol.Dial {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		env, err := s.Read(time.Until(deadline))
		if err != nil {
			t.Fatalf("read the phone's socket: %v", err)
		}
		if env.Seq > 0 {
			if _, err := s.Ack(env.Seq); err != nil {
				t.Fatalf("ack: %v", err)
			}
		}
		if env.Type != protocol.TypeDial {
			continue
		}
		var d protocol.Dial
		if err := json.Unmarshal(env.Payload, &d); err != nil {
			t.Fatalf("dial payload %s: %v", env.Payload, err)
		}
		return d
	}
	t.Fatalf("no dial event within 5s")
	return protocol.Dial{}
}

// waitGone polls the page until sel's text no longer contains text.
func waitGone(t *testing.T, ctx context.Context, sel, text string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	var got string
	for time.Now().Before(deadline) {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).textContent||""`, sel)))
		if got = v; err == nil && !strings.Contains(got, text) {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("%s: text %q still there after %s: %q", sel, text, d, got)
}

// sticksOut lists the innermost elements reaching past the viewport's
// right edge: what to fix when a page scrolls sideways.
const sticksOut = `Array.from(document.querySelectorAll("main *")).filter(function (e) {
  return e.getBoundingClientRect().right > 392 && !Array.from(e.children).some(function (k) { return k.getBoundingClientRect().right > 392; });
}).slice(0, 8).map(function (e) { return e.tagName + "." + e.className + "#" + e.id + " " + Math.round(e.getBoundingClientRect().right); })`

// screenshotOf saves a picture of one element (a panel of a long page).
func screenshotOf(t *testing.T, ctx context.Context, name, sel string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(shotDir, name+".png"), buf, 0o644); err != nil {
		t.Fatalf("save screenshot: %v", err)
	}
}

// TestBrowserSyncNow: with a Google account connected (the People API
// stand-in), the settings page's "Sync now" runs a sync.
func TestBrowserSyncNow(t *testing.T) {
	stub := peoplestub.New(peoplestub.Options{})
	gs := httptest.NewServer(stub)
	defer gs.Close()
	if _, err := stub.Add(&people.Person{Names: []*people.Name{{GivenName: "Mario", FamilyName: "Rossi", UnstructuredName: "Mario Rossi"}},
		PhoneNumbers: []*people.PhoneNumber{{Value: "+39 06 1234 5678", Type: "work"}}}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *config.Config) { c.Google.Endpoint, c.Google.NoAuth = gs.URL, true })
	sctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.Srv.StartGoogle(sctx)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), testLogin), chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.Navigate(e.URL+"/settings"), chromedp.WaitVisible(chromedp.CSS("#sync-now"))); err != nil {
		t.Fatalf("open settings: %v", err)
	}
	waitText(t, ctx, "#sync", "connected", 5*time.Second)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#sync-now"))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#sync-result", "Sync started", 5*time.Second)
	screenshotOf(t, ctx, "settings-sync-connected", "#sync")
	p, _ := e.DB.Normalizer().Parse("+39 06 1234 5678", "")
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := e.DB.ContactsByNumber(context.Background(), p.Key)
		if err == nil && len(got) == 1 && got[0].DisplayName == "Mario Rossi" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Google's contact did not arrive after Sync now: %+v %v", got, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
