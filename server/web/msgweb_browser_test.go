package web_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ringcard/ringcard/messages"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/messaging"
)

// signInBrowser signs the admin in, in Chromium.
func signInBrowser(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/signin"), chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), testLogin), chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#q"))); err != nil {
		t.Fatalf("sign in: %v", err)
	}
}

// checkWidths checks the page as it is at a phone's width (390 px) and a
// PC's (1280 px): what needs shows, on the screen, tall enough to tap.
func checkWidths(t *testing.T, ctx context.Context, page string, needs []need) {
	t.Helper()
	for _, width := range []int64{390, 1280} {
		phone := width < 800
		opts := []chromedp.EmulateViewportOption{}
		if phone {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 860, opts...)); err != nil {
			t.Fatal(err)
		}
		checkLayout(t, ctx, page+" at "+strconv.Itoa(int(width))+"px", needs, phone)
	}
}

// In Chromium, moving a client to "done" on the client page offers the
// demo's "Order ready" SMS filled for them, with the SMS count app.js keeps
// as one edits; Send stores it and the client's messages show it; Skip
// leaves the page without the offer.
func TestBrowserStageOffer(t *testing.T) {
	e, _ := messagingEnv(t)
	ctx := browser(t)
	signInBrowser(t, ctx, e.URL)
	ct, err := e.DB.Contact(context.Background(), "demo-0001")
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/contacts/demo-0001"), chromedp.WaitVisible(chromedp.CSS("#stage")),
		chromedp.SetValue(chromedp.CSS("#stage"), "done"), chromedp.Submit(chromedp.CSS("#stage-form")),
		chromedp.WaitVisible(chromedp.CSS("#stage-offer"))); err != nil {
		t.Fatalf("move to done: %v", err)
	}
	want := "Hello " + ct.GivenName + ", your order is ready. Anna Bianchi"
	got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#offer-text")))
	if err != nil || got != want {
		t.Fatalf("the offer's text is %q (%v), want %q", got, err, want)
	}
	waitText(t, ctx, "#offer-segments", strconv.Itoa(len(want))+" characters · 1 SMS (Latin)", 5*time.Second)
	waitText(t, ctx, "#offer-to", "1 SMS", time.Second)
	checkWidths(t, ctx, "stage offer", []need{{"#stage-offer", false, false}, {"#offer-text", false, false}, {"#offer-send", false, true}, {"#offer-skip", false, true}})
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var t=document.getElementById("offer-text");t.focus();t.setSelectionRange(t.value.length,t.value.length);return true})()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#offer-text"), " Ciao!")); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#offer-segments", strconv.Itoa(len(want)+6)+" characters", 5*time.Second)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#offer-send")), chromedp.WaitVisible(chromedp.CSS("#msg-list"))); err != nil {
		t.Fatalf("send the offer: %v", err)
	}
	waitText(t, ctx, "#msg-list", want+" Ciao!", 5*time.Second)
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#stage-offer").length`)); n != 0 {
		t.Errorf("the offer still shows after sending it")
	}

	// Skip: back on the page without the offer, nothing more stored.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/contacts/demo-0001?offer=done"), chromedp.WaitVisible(chromedp.CSS("#offer-skip")),
		chromedp.Click(chromedp.CSS("#offer-skip")), chromedp.WaitVisible(chromedp.CSS("#stage"))); err != nil {
		t.Fatalf("skip: %v", err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#stage-offer").length`)); n != 0 {
		t.Errorf("the offer still shows after Skip")
	}
	if ms, _ := e.DB.ContactMessages(context.Background(), "demo-0001", 10); len(ms) != 1 {
		t.Errorf("%d messages stored, want the one sent", len(ms))
	}
}

// The group send progress page, open in Chromium, moves by itself while a
// simulated phone reports its messages delivered and one failed: the
// counts, the bar and the failure's reason (in the office's words, the
// phone's code in its title) change without a reload, and it says so when
// the send is over.
func TestBrowserSendProgressLive(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.Messages.SMSHours = "any" })
	bg := context.Background()
	ph := e.phone(t, "Giulia")
	var info protocol.DeviceInfo
	if err := ph.Do(bg, http.MethodGet, "/api/v1/device", nil, &info); err != nil {
		t.Fatal(err)
	}
	p, err := e.Srv.Messaging().Start(bg, messaging.SendRequest{Channel: messages.SMS, Group: "Wholesale", Text: "Nuovo listino, {name}",
		SIMs: []messages.SIMRef{{DeviceID: info.DeviceID, Slot: 1}}}, "Anna Bianchi")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range p.Recipients {
		ms, err := e.DB.ContactMessages(bg, r.ContactID, 1)
		if err != nil || len(ms) != 1 || ms[0].SendID != p.SendID {
			t.Fatalf("%s's message: %+v %v", r.Name, ms, err)
		}
		ids = append(ids, ms[0].ID)
	}
	if len(ids) < 3 {
		t.Fatalf("the send has %d messages, want at least 3", len(ids))
	}
	report := func(id, status, reason string) {
		t.Helper()
		if _, err := ph.ReportMessage(bg, id, protocol.MessageStatus{Status: status, Reason: reason}); err != nil {
			t.Fatalf("report %s %s: %v", id, status, err)
		}
	}

	ctx := browser(t)
	signInBrowser(t, ctx, e.URL)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/sends/"+p.SendID), chromedp.WaitVisible(chromedp.CSS("#send-bar"))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#send-live", "updates by itself", 5*time.Second)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.notReloaded = true)`)); err != nil {
		t.Fatal(err)
	}
	width := func() float64 {
		w, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`parseFloat(document.getElementById("send-bar").style.width) || 0`))
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	if w := width(); w != 0 {
		t.Fatalf("the bar starts at %v%%", w)
	}
	half := len(ids) / 2
	for _, id := range ids[:half] {
		report(id, messages.StatusDelivered, "")
	}
	report(ids[half], messages.StatusFailed, "RESULT_ERROR_NO_SERVICE")
	waitText(t, ctx, `#send-counts [data-status="delivered"]`, strconv.Itoa(half), 10*time.Second)
	waitText(t, ctx, `#send-counts [data-status="failed"]`, "1", 5*time.Second)
	waitText(t, ctx, "#send-failures", "no mobile signal on the phone", 5*time.Second)
	checkWidths(t, ctx, "send progress", []need{{"#send-bar", false, false}, {"#send-counts", false, false}, {"#send-failures", false, false}, {"#send-reload", false, true}})
	if w, want := width(), float64((half+1)*100/len(ids)); w != want {
		t.Errorf("the bar is at %v%%, want %v%%", w, want)
	}
	title, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#send-failures td").title`))
	if err != nil || title != "RESULT_ERROR_NO_SERVICE" {
		t.Errorf("the reason's title is %q (%v), want the phone's code", title, err)
	}
	for _, id := range ids[half+1:] {
		report(id, messages.StatusDelivered, "")
	}
	waitText(t, ctx, "#send-ended", "Finished", 10*time.Second)
	waitText(t, ctx, "#send-pct", "100%", time.Second)
	if still, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); err != nil || !still {
		t.Errorf("the page reloaded (%v): it must update in place", err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#send-live").length`)); n != 0 {
		t.Errorf("a finished send still says it updates")
	}
}

// walkMessages gives the page walk the messaging pages' states: a client
// just moved to "done", offered "Order ready" (the path of their page
// with the offer), and a group send part delivered, one failed (the path
// of its progress page). busyOffice has paired Giulia's phone.
func walkMessages(t *testing.T, e *env) (offer, progress string) {
	t.Helper()
	bg := context.Background()
	devs, err := e.DB.Devices(bg)
	if err != nil || len(devs) == 0 {
		t.Fatalf("devices: %v %v", devs, err)
	}
	if err := e.DB.SetStage(bg, "demo-0001", "done", "Anna Bianchi", ""); err != nil {
		t.Fatal(err)
	}
	p, err := e.Srv.Messaging().Start(bg, messaging.SendRequest{Channel: messages.SMS, Group: "Wholesale", Text: "Nuovo listino, {name}",
		SIMs: []messages.SIMRef{{DeviceID: devs[0].ID, Slot: 1}}}, "Anna Bianchi")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range p.Recipients[:min(3, len(p.Recipients))] {
		ms, err := e.DB.ContactMessages(bg, r.ContactID, 1)
		if err != nil || len(ms) != 1 {
			t.Fatalf("%s's message: %v", r.Name, err)
		}
		st, why := messages.StatusDelivered, ""
		if i == 0 {
			st, why = messages.StatusFailed, "RESULT_ERROR_NO_SERVICE"
		}
		if _, err := e.DB.ReportMessage(bg, "", ms[0].ID, st, why); err != nil {
			t.Fatal(err)
		}
	}
	return "/contacts/demo-0001?offer=done", "/sends/" + p.SendID
}
