package web_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ringcard/ringcard/contacts"
)

// TestBrowser drives the web view in headless Chromium the way office staff
// use it, against the real server with the demo data.
func TestBrowser(t *testing.T) {
	clearSearch := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool]("(document.getElementById('q').value = '') === ''")(ctx, tg)
		return err
	})
	e := newEnv(t)
	ctx := browser(t)
	do := func(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	do(t, "open the sign-in page", chromedp.Navigate(e.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#login")))
	screenshot(t, ctx, "signin")
	do(t, "sign in",
		chromedp.SendKeys(chromedp.CSS("#login"), testLogin),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#q")))

	t.Run("search Cyrillic without ё", func(t *testing.T) {
		do(t, "type", chromedp.SendKeys(chromedp.CSS("#q"), "семенов"))
		waitText(t, ctx, "#results", "Евгений Семёнов", 5*time.Second)
		waitText(t, ctx, "#results", "Ирина Семёнова", 5*time.Second)
		screenshot(t, ctx, "search")
	})
	t.Run("search a number typed another way", func(t *testing.T) {
		// Stored as "+39 380 296 0981"; typed nationally with dashes.
		do(t, "type", clearSearch, chromedp.SendKeys(chromedp.CSS("#q"), "380-296-0981"))
		waitText(t, ctx, "#results", "Salvatore Fabbri", 5*time.Second)
		// Stored as "+7 925 870-82-16"; typed with the international prefix 00.
		do(t, "type", clearSearch, chromedp.SendKeys(chromedp.CSS("#q"), "0079258708216"))
		waitText(t, ctx, "#results", "Евгений Семёнов", 5*time.Second)
	})

	phone := e.phone(t, "Marco")
	note := "Agreed: 12 boxes of RC-1 pods by Friday " + contacts.NewID()[:8]
	t.Run("note added in the browser reaches the phone's next card", func(t *testing.T) {
		do(t, "add note",
			chromedp.Navigate(e.URL+"/contacts/demo-0001"),
			chromedp.WaitVisible(chromedp.CSS("#note-text")),
			chromedp.SendKeys(chromedp.CSS("#note-text"), note),
			chromedp.Click(chromedp.CSS("#note-save")),
			chromedp.WaitVisible(chromedp.CSS("#history")))
		waitText(t, ctx, "#history", note, 5*time.Second)
		waitText(t, ctx, "[data-testid=phone-card]", note, 5*time.Second)
		screenshot(t, ctx, "contact")

		card, err := phone.StartCall(context.Background(), incoming("+39 380 296 0981"))
		if err != nil {
			t.Fatalf("start call: %v", err)
		}
		found := false
		for _, h := range card.History {
			if h.Kind == "note" && h.Text == note {
				found = true
				if h.By != "Anna Bianchi" {
					t.Errorf("note by %q, want Anna Bianchi", h.By)
				}
			}
		}
		if !found {
			t.Fatalf("the phone's card history has no note %q: %+v", note, card.History)
		}
	})

	unknown := "+39 333 765 4321"
	t.Run("an incoming call appears on the live board within a second", func(t *testing.T) {
		do(t, "open board", chromedp.Navigate(e.URL+"/board"), chromedp.WaitVisible(chromedp.CSS("#board")))
		waitText(t, ctx, "#board-status", "live", 5*time.Second)
		if _, err := phone.StartCall(context.Background(), incoming(unknown)); err != nil {
			t.Fatalf("start call: %v", err)
		}
		took := waitText(t, ctx, "#board", unknown, 3*time.Second)
		t.Logf("the call showed on the board after %s", took)
		if took > time.Second {
			t.Errorf("the call took %s to show on the board, want at most 1s", took)
		}
		screenshot(t, ctx, "board")
	})

	t.Run("create a contact from an unknown caller", func(t *testing.T) {
		do(t, "open calls", chromedp.Navigate(e.URL+"/calls"), chromedp.WaitVisible(chromedp.CSS("#unknown")))
		waitText(t, ctx, "#unknown", unknown, 5*time.Second)
		screenshot(t, ctx, "calls")
		do(t, "create", chromedp.Click(chromedp.CSS("#unknown a.button")), chromedp.WaitVisible(chromedp.CSS("#contact-form")))
		numbers, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#numbers")))
		if err != nil || !strings.Contains(numbers, unknown) {
			t.Fatalf("numbers field = %q (%v), want the caller's number pre-filled", numbers, err)
		}
		noteText, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#note")))
		if !strings.Contains(noteText, "SIM 1") {
			t.Errorf("note field = %q, want the call's SIM pre-filled", noteText)
		}
		do(t, "save",
			chromedp.SendKeys(chromedp.CSS("#display_name"), "Ottica Verdi"),
			chromedp.SendKeys(chromedp.CSS("#new_groups"), "Retail"),
			chromedp.Click(chromedp.CSS("#contact-save")),
			chromedp.WaitVisible(chromedp.CSS("#contact-name")))
		waitText(t, ctx, "#contact-name", "Ottica Verdi", 5*time.Second)
		waitText(t, ctx, "#history", "Incoming", 5*time.Second) // the earlier call joined its history
		p, _ := e.DB.Normalizer().Parse(unknown, "")
		got, err := e.DB.ContactsByNumber(context.Background(), p.Key)
		if err != nil || len(got) != 1 || got[0].DisplayName != "Ottica Verdi" || !got[0].InGroup("Retail") {
			t.Fatalf("contacts with %s = %+v (%v), want Ottica Verdi in Retail", unknown, got, err)
		}
	})

	t.Run("import a workbook, then export", func(t *testing.T) {
		file, err := filepath.Abs("../../testdata/import/office-clients.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		do(t, "check the file", chromedp.Navigate(e.URL+"/data"), chromedp.WaitVisible(chromedp.CSS("#import-form")),
			chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{file}),
			chromedp.Click(chromedp.CSS("#import-check")), chromedp.WaitVisible(chromedp.CSS("#plan")))
		waitText(t, ctx, "#plan-summary", "Nothing is written yet", 5*time.Second)
		waitText(t, ctx, "#plan-rows", "Ciro Esposito", 5*time.Second)
		screenshot(t, ctx, "import-check")
		do(t, "import now", chromedp.Click(chromedp.CSS("#import-now")), chromedp.WaitVisible(chromedp.CSS("#plan")))
		waitText(t, ctx, "#plan-summary", "Imported office-clients.xlsx", 5*time.Second)
		screenshot(t, ctx, "import-done")
		do(t, "search the import", chromedp.Navigate(e.URL+"/"), chromedp.SendKeys(chromedp.CSS("#q"), "esposito"))
		waitText(t, ctx, "#results", "Ciro Esposito", 5*time.Second)
	})

	t.Run("import every sheet of a workbook", func(t *testing.T) {
		file, err := filepath.Abs("../../testdata/import/office-suite.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		do(t, "check the workbook", chromedp.Navigate(e.URL+"/data"), chromedp.WaitVisible(chromedp.CSS("#import-form")),
			chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{file}),
			chromedp.Click(chromedp.CSS("#import-check")), chromedp.WaitVisible(chromedp.CSS("#plan-sheets")))
		waitText(t, ctx, "#plan-sheets", "Fornitori", 5*time.Second)
		waitText(t, ctx, "#plan-sheets", "not imported", 5*time.Second)
		do(t, "tick Fornitori and the groups", chromedp.Click(chromedp.CSS(`input[name="sheet"][value="Fornitori"]`)),
			chromedp.Click(chromedp.CSS("#sheet-group")), chromedp.Click(chromedp.CSS("#check-again")),
			chromedp.WaitVisible(chromedp.CSS("#plan")))
		waitText(t, ctx, "#plan-rows", "Fornitori!2", 5*time.Second)
		screenshot(t, ctx, "import-sheets")
		do(t, "import both sheets", chromedp.Click(chromedp.CSS("#import-now")), chromedp.WaitVisible(chromedp.CSS("#plan")))
		waitText(t, ctx, "#plan-summary", "Imported office-suite.xlsx", 5*time.Second)
	})

	t.Run("the other pages render", func(t *testing.T) {
		for _, p := range []struct{ path, sel, want string }{
			{"/devices", "#devices", "Marco"},
			{"/settings", "#templates", "Card templates"},
			{"/audit", "#audit", "Note added"},
		} {
			do(t, "open "+p.path, chromedp.Navigate(e.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.sel)))
			waitText(t, ctx, p.sel, p.want, 5*time.Second)
			screenshot(t, ctx, strings.Trim(p.path, "/"))
		}
		do(t, "pair", chromedp.Navigate(e.URL+"/devices"), chromedp.SendKeys(chromedp.CSS("#pair-name"), "Luca"),
			chromedp.Submit(chromedp.CSS("#pair-form")), chromedp.WaitVisible(chromedp.CSS("#pair-code")))
		screenshot(t, ctx, "pair")
	})

	t.Run("the card's colours and sizes apply under the CSP", func(t *testing.T) {
		// The card template's colours and sizes come as data-* attributes
		// that app.js applies (the CSP forbids style attributes): the
		// stylesheet loaded, the script ran and the styles took.
		do(t, "open contact", chromedp.Navigate(e.URL+"/contacts/demo-0001"), chromedp.WaitVisible(chromedp.CSS(".pc-bar")))
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
			var bar = document.querySelector(".pc-bar"), name = document.querySelector(".pc-name"), probe = document.createElement("div");
			probe.style.background = bar.dataset.bg;
			document.body.appendChild(probe);
			var want = getComputedStyle(probe).backgroundColor;
			probe.remove();
			return want !== "rgba(0, 0, 0, 0)" && getComputedStyle(bar).backgroundColor === want &&
				getComputedStyle(name).fontSize === name.dataset.fs + "px" &&
				getComputedStyle(document.querySelector("header.top")).display === "flex";
		})()`))
		if err != nil || !ok {
			t.Errorf("the card's data-* styles or the stylesheet did not apply (%v)", err)
		}
	})

	t.Run("phone-width viewport", func(t *testing.T) {
		do(t, "resize", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		for _, p := range []string{"/contacts/demo-0016", "/calls", "/settings"} {
			do(t, "open "+p, chromedp.Navigate(e.URL+p), chromedp.WaitVisible(chromedp.CSS("main")))
			width, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
			if err != nil || width > 400 {
				t.Errorf("%s is %dpx wide on a 390px screen (%v): it should not scroll sideways", p, width, err)
			}
			screenshot(t, ctx, "mobile-"+strings.ReplaceAll(strings.Trim(p, "/"), "/", "-"))
		}
	})
}
