package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/web"
)

// need is an element a user needs on a page: it must be shown and inside
// the screen's width; top ones also inside the first screen; tap ones at
// least 44 px tall on a phone.
type need struct {
	Sel string `json:"sel"`
	Top bool   `json:"top"`
	Tap bool   `json:"tap"`
}

// pageCheck is one page of the walk: where, what it needs, and what to do
// to reach it when it is not a plain GET.
type pageCheck struct {
	name string
	path string
	need []need
	open func(t *testing.T, ctx context.Context, base string) // instead of navigating to path
}

// layoutJS returns what is wrong with the page's layout for a user.
const layoutJS = `(function(cfg){
  var out = [], vw = window.innerWidth, vh = window.innerHeight;
  if (document.documentElement.scrollWidth > vw + 1) out.push("the page scrolls sideways: " + document.documentElement.scrollWidth + "px wide on a " + vw + "px screen");
  // At a phone's width tables become lists of cards: column headings in a
  // row of their own would show as a card of headings.
  if (cfg.touch) document.querySelectorAll("table.list th").forEach(function(th){
    if (th.getClientRects().length && th.textContent.trim()) out.push("a table's column heading shows as a card at phone width: " + th.textContent.trim());
  });
  cfg.need.forEach(function(n){
    var els = document.querySelectorAll(n.sel);
    if (!els.length) { out.push(n.sel + ": missing"); return; }
    els.forEach(function(el){
      var r = el.getBoundingClientRect(), st = getComputedStyle(el), what = n.sel + (els.length > 1 ? " (" + el.textContent.trim() + ")" : "");
      if (!r.width || !r.height || st.visibility === "hidden") { out.push(what + ": hidden"); return; }
      if (r.left < -1 || r.right > vw + 1) out.push(what + ": outside the screen sideways (" + Math.round(r.left) + ".." + Math.round(r.right) + " of " + vw + "px)");
      if (n.top && (r.top < -1 || r.bottom > vh + 1)) out.push(what + ": not on the first screen (" + Math.round(r.top) + ".." + Math.round(r.bottom) + " of " + vh + "px)");
      if (cfg.touch && n.tap && r.height < 43.5) out.push(what + ": " + Math.round(r.height) + "px tall, under 44px to tap");
    });
  });
  return out;
})`

// textsJS lists every text a user can read on the page: visible text
// nodes, and the options of every menu (one opens them to read).
const textsJS = `(function(){
  var out = [], w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) {
    var n = w.currentNode, p = n.parentElement, t = n.nodeValue.trim();
    // Left out: code (field keys, a syntax, not words) and what the page
    // marks translate="no" (the office's own data, e.g. a file's headers).
    if (!t || !p || p.closest("script,style,code,.mono,[translate=no]")) continue;
    if (p.closest("option") || p.getClientRects().length) out.push(t);
  }
  document.querySelectorAll("input[type=submit],input[type=button]").forEach(function(b){ out.push(b.value); });
  return out;
})()`

// TestBrowserEveryPage walks every page at a phone's width (400 px) and a
// PC's (1366 px) in English, Russian and Italian, and fails when a user
// can't reach what they need (the menu, New contact, Save note, the page's
// main action) or when an English word from the catalogue shows on a
// Russian or Italian page.
func TestBrowserEveryPage(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	bg := context.Background()
	busyOffice(t, e)
	offerPage, progressPage := walkMessages(t, e)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), testLogin), chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#q"))); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	pages := []pageCheck{
		{name: "start", path: "/", need: []need{{"#q", true, true}, {"#new-contact", true, true}, {"#start-followups", false, false}, {"#start-missed", false, false}, {"#start-live", false, false}, {"#start-touched", false, false}}},
		{name: "contact", path: "/contacts/demo-0001", need: []need{{"#note-text", true, false}, {"#note-save", true, true}, {"#stage", false, true}, {"[data-testid=phone-card]", false, false}, {"#msg-send", false, true}, {"#optout-save", false, true}}},
		{name: "contact-edit", path: "/contacts/demo-0001/edit", need: []need{{"#contact-save", false, true}}},
		{name: "contact-new", path: "/contacts/new", need: []need{{"#contact-save", false, true}}},
		{name: "calls", path: "/calls", need: []need{{"#missed", true, false}, {"#unknown a.button", false, true}}},
		{name: "board", path: "/board", need: []need{{"#board", true, false}}},
		{name: "followups", path: "/followups", need: []need{{".fu-done", false, true}}},
		{name: "pipeline", path: "/pipeline", need: []need{{"#stages", true, false}}},
		{name: "devices", path: "/devices", need: []need{{"#pair-name", false, true}, {"#pair-form button", false, true}}},
		{name: "pair", need: []need{{"#pair-code", false, false}, {"#pair-warning", false, false}}, open: func(t *testing.T, ctx context.Context, base string) {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"/devices"), chromedp.WaitVisible(chromedp.CSS("#pair-name")),
				chromedp.SendKeys(chromedp.CSS("#pair-name"), "Luca"), chromedp.Submit(chromedp.CSS("#pair-form")),
				chromedp.WaitVisible(chromedp.CSS("#pair-code"))); err != nil {
				t.Fatalf("pair: %v", err)
			}
		}},
		{name: "data", path: "/data", need: []need{{"#import-check", false, true}, {"#export-xlsx", false, true}}},
		{name: "import-check", need: []need{{"#import-now", false, true}, {"#plan-rows", false, false}}, open: func(t *testing.T, ctx context.Context, base string) {
			file, err := filepath.Abs("../../testdata/import/office-clients.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"/data"), chromedp.WaitVisible(chromedp.CSS("#import-form")),
				chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{file}),
				chromedp.Click(chromedp.CSS("#import-check")), chromedp.WaitVisible(chromedp.CSS("#plan"))); err != nil {
				t.Fatalf("check an import: %v", err)
			}
		}},
		{name: "settings", path: "/settings", need: []need{{"#templates", false, false}}},
		{name: "msgtemplates", path: "/settings/messages?who=Fabbri&edit=" + url.QueryEscape("Order ready|it|sms"), need: []need{{"#mtpl-text", false, false}, {"#mtpl-save", false, true}, {"#mtpl-preview-btn", false, true}, {"#mtpl-delete", false, true}, {"#mtpl-preview-text", false, false}, {".mtpl-edit", false, true}}},
		{name: "sends", path: "/sends?group=Wholesale", need: []need{{"#send-text", false, false}, {"#send-check", false, true}}},
		{name: "stage-offer", path: offerPage, need: []need{{"#stage-offer", false, false}, {"#offer-text", false, false}, {"#offer-send", false, true}, {"#offer-skip", false, true}}},
		{name: "send-progress", path: progressPage, need: []need{{"#send-bar", false, false}, {"#send-counts", false, false}, {"#send-failures", false, false}, {"#send-reload", false, true}}},
		{name: "audit", path: "/audit", need: []need{{"#audit-filter", false, true}, {"#audit", false, false}}},
		{name: "error", path: "/contacts/no-such-contact", need: []need{{"#error-title", true, false}, {"#error-message", true, false}, {"#error-home", true, true}}},
	}
	english := englishWords()
	for _, lang := range web.Langs {
		if err := e.DB.SetUserLang(bg, testLogin, lang); err != nil {
			t.Fatal(err)
		}
		for _, width := range []int64{400, 1366} {
			t.Run(lang+"/"+itoa(int(width)), func(t *testing.T) {
				phone := width < 800
				opts := []chromedp.EmulateViewportOption{}
				if phone {
					opts = append(opts, chromedp.EmulateMobile)
				}
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 860, opts...)); err != nil {
					t.Fatal(err)
				}
				for _, p := range pages {
					if p.open != nil {
						p.open(t, ctx, e.URL)
					} else if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+p.path), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
						t.Fatalf("open %s: %v", p.path, err)
					}
					if p.name == "board" {
						waitText(t, ctx, "#board", "Giulia", 5*time.Second)
					}
					checkLayout(t, ctx, p.name, p.need, phone)
					checkMenu(t, ctx, p.name, phone)
					if lang != "en" {
						checkNoEnglish(t, ctx, p.name, lang, english)
					}
					if lang == "ru" && phone {
						screenshot(t, ctx, "walk-ru-400-"+p.name) // a CI artifact to look at
					}
					if lang == "en" && (p.name == "start" || p.name == "contact" || p.name == "board") {
						docShot(t, ctx, p.name+"-"+itoa(int(width)))
					}
				}
			})
		}
	}
	t.Run("the audit log names phones, the command line and sign-ins", func(t *testing.T) {
		if err := e.DB.SetUserLang(bg, testLogin, "en"); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 860), chromedp.Navigate(e.URL+"/audit"), chromedp.WaitVisible(chromedp.CSS("#audit"))); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Giulia's phone (Giulia)", "Server command line", "Signed in", "web, 127.0.0.1", "Stage moved"} {
			waitText(t, ctx, "#audit", want, 5*time.Second)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/audit?from=01.01.2020"), chromedp.WaitVisible(chromedp.CSS("#audit"))); err != nil {
			t.Fatal(err)
		}
		waitText(t, ctx, "main", "is not a date", 5*time.Second)
	})
}

// busyOffice gives every part of every page something to show: a phone
// with a call in progress, a missed call not returned, a follow-up due, a
// note, and a change made from the server's command line.
func busyOffice(t *testing.T, e *env) {
	t.Helper()
	bg := context.Background()
	ph := e.phone(t, "Giulia")
	ct, err := e.DB.Contact(bg, "demo-0001")
	if err != nil {
		t.Fatal(err)
	}
	missed := incoming("+39 347 555 0199")
	if _, err := ph.StartCall(bg, missed); err != nil {
		t.Fatalf("start call: %v", err)
	}
	zero := 0
	if _, err := ph.EndCall(bg, missed.CallID, protocol.CallEnd{EndedAt: time.Now().UTC().Format(time.RFC3339), DurationS: &zero, Outcome: contacts.OutcomeMissed}); err != nil {
		t.Fatalf("end call: %v", err)
	}
	// The call in progress comes last: a phone's next call would mark it
	// as ended without a report.
	if _, err := ph.StartCall(bg, incoming(ct.Numbers[0].Raw)); err != nil {
		t.Fatalf("start call: %v", err)
	}
	if _, err := e.DB.AddFollowup(bg, &sqlite.Followup{ID: contacts.NewID(), ContactID: "demo-0002", Assignee: "Anna Bianchi",
		Text: "Richiamare per il preventivo", Due: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatalf("add follow-up: %v", err)
	}
	cli := contacts.WithActor(bg, contacts.Actor{Kind: contacts.ActorCLI, Name: "root"})
	if err := e.DB.SetStage(cli, "demo-0003", "quoted", "root", ""); err != nil {
		t.Fatalf("set stage: %v", err)
	}
}

// checkLayout fails for every needed element a user can't see or reach.
func checkLayout(t *testing.T, ctx context.Context, page string, needs []need, phone bool) {
	t.Helper()
	cfg, _ := json.Marshal(map[string]any{"need": needs, "touch": phone})
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](layoutJS+"("+string(cfg)+")"))
	if err != nil {
		t.Fatalf("%s: check layout: %v", page, err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", page, p)
	}
}

// checkMenu: on a PC every menu item shows; on a phone the menu folds
// behind a button that opens it with every item on the screen.
func checkMenu(t *testing.T, ctx context.Context, page string, phone bool) {
	t.Helper()
	items := []need{{"#menu a", true, true}, {".signout button", true, true}}
	if !phone {
		checkLayout(t, ctx, page+" menu", items, false)
		return
	}
	checkLayout(t, ctx, page+" menu button", []need{{"#menu-btn", true, true}}, true)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("window.scrollTo(0,0) === undefined")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#menu-btn")),
		chromedp.WaitVisible(chromedp.CSS("#menu a"))); err != nil {
		t.Fatalf("%s: open the menu: %v", page, err)
	}
	checkLayout(t, ctx, page+" open menu", items, true)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#menu-btn"))); err != nil {
		t.Fatalf("%s: close the menu: %v", page, err)
	}
}

// englishWords are the catalogue's English texts, each with the key it is
// the English of; texts with %s or %d in them become patterns.
func englishWords() english {
	out := english{words: map[string]string{}, patterns: map[*regexp.Regexp]string{}}
	for key, v := range web.Catalogue() {
		if strings.Contains(key, "placeholder") || strings.HasSuffix(key, "ph") {
			continue
		}
		if !strings.Contains(v[0], "%") {
			out.words[normWord(v[0])] = key
			continue
		}
		literal := fmtVerb.ReplaceAllString(v[0], "")
		if len(strings.Join(strings.FieldsFunc(literal, func(r rune) bool { return !unicode.IsLetter(r) }), "")) < 4 {
			continue // too little text of its own to tell English from data
		}
		var b strings.Builder
		last := 0
		for _, m := range fmtVerb.FindAllStringIndex(v[0], -1) {
			b.WriteString(regexp.QuoteMeta(v[0][last:m[0]]))
			b.WriteString(".+")
			last = m[1]
		}
		b.WriteString(regexp.QuoteMeta(v[0][last:]))
		out.patterns[regexp.MustCompile("^"+b.String()+"$")] = key
	}
	return out
}

// english is what checkNoEnglish looks for.
type english struct {
	words    map[string]string         // exact texts -> catalogue key
	patterns map[*regexp.Regexp]string // texts with arguments -> catalogue key
}

var fmtVerb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

var wordSep = regexp.MustCompile(`\s*[·,;:()\[\]|→—]\s*|\n`)

func normWord(s string) string { return strings.Trim(strings.TrimSpace(s), ".…:!?") }

// checkNoEnglish fails when text a user reads on a page in lang is, whole
// or between separators, the English of a catalogue entry whose lang
// translation differs. Names, numbers and notes are data, never equal to a
// catalogue text, so they pass; a data word ringcard ships (a default
// stage, a phone type, an audit action) is in the catalogue and is caught.
func checkNoEnglish(t *testing.T, ctx context.Context, page, lang string, en english) {
	t.Helper()
	texts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](textsJS))
	if err != nil {
		t.Fatalf("%s: read texts: %v", page, err)
	}
	for _, msg := range englishIn(texts, lang, en) {
		t.Errorf("%s (%s): %s", page, lang, msg)
	}
}

// englishIn lists what checkNoEnglish fails on in texts read on a page in
// lang: untranslated keys and English catalogue texts.
func englishIn(texts []string, lang string, en english) []string {
	// Texts and words that are also this language's ("Password",
	// "E-mail", Italian "note") are not English on its pages.
	same := map[string]bool{}
	for _, v := range web.Catalogue() {
		same[normWord(v[langIndex(lang)])] = true
		for _, w := range strings.FieldsFunc(v[langIndex(lang)], func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
			same[w] = true
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, text := range texts {
		if i := strings.Index(text, "⟦"); i >= 0 {
			out = append(out, "untranslated key "+text[i:])
		}
		for _, part := range append([]string{text}, wordSep.Split(text, -1)...) {
			w := normWord(part)
			key, ok := en.words[w]
			if !ok || same[w] || seen[w] {
				continue
			}
			seen[w] = true
			out = append(out, fmt.Sprintf("English %q (catalogue %s) in %q", w, key, text))
		}
		for re, key := range en.patterns {
			if re.MatchString(text) && !seen[text] {
				seen[text] = true
				out = append(out, fmt.Sprintf("English %q (catalogue %s)", text, key))
			}
		}
	}
	return out
}

func langIndex(lang string) int {
	for i, l := range web.Langs {
		if l == lang {
			return i
		}
	}
	return 0
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// docShot saves a screenshot of the first screen for the README when
// RINGCARD_DOC_SHOTS names a folder (docs/screenshots).
func docShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("RINGCARD_DOC_SHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
