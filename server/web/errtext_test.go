package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// TestErrorsInTheUsersLanguage provokes errors the way a person does, with
// real requests to the web view, on English, Russian and Italian pages. A
// Russian or Italian page fails when it shows an English catalogue text or
// the English message the English page showed for the same error; the
// user's own input it quotes stays as typed. The office API's error reply
// carries the same words in text for the page's script ("Not sent: …"),
// and keeps its English message.
func TestErrorsInTheUsersLanguage(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "marco", "staff")
	c := httpClient(t)
	_, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	contact := url.Values{"csrf": {csrf}, "display_name": {"Bianchi"}}
	type provoke struct {
		name  string
		do    func() *http.Response
		quote string // the user's input the message quotes, if any
	}
	form := func(path string, v url.Values) func() *http.Response {
		return func() *http.Response {
			resp, err := c.PostForm(e.URL+path, v)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
	}
	with := func(v url.Values, k, val string) url.Values {
		out := url.Values{}
		for kk, vv := range v {
			out[kk] = vv
		}
		out.Set(k, val)
		return out
	}
	cases := []provoke{
		{"bad number", form("/contacts/new", with(contact, "numbers", "martedì | mobile")), "martedì"},
		{"no name", form("/contacts/new", url.Values{"csrf": {csrf}}), ""},
		{"bad e-mail", form("/contacts/new", with(contact, "emails", "bianchi at example")), "bianchi at example"},
		{"note too long", form("/contacts/new", with(contact, "note", strings.Repeat("x", 100001))), ""},
		{"login taken", form("/settings/users", url.Values{"csrf": {csrf}, "login": {"marco"}, "password": {"long enough 123"}}), "marco"},
		{"password too short", form("/settings/users", url.Values{"csrf": {csrf}, "login": {"luca"}, "password": {"abc"}}), ""},
		{"own account", form("/settings/users/"+testLogin+"/disable", url.Values{"csrf": {csrf}}), ""},
		{"stale form", form("/settings/users", url.Values{"csrf": {"stale"}, "login": {"luca"}}), ""},
		{"no such contact", func() *http.Response {
			resp, err := c.Get(e.URL + "/contacts/no-such-contact")
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}, ""},
		{"empty import file", func() *http.Response {
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			_ = w.WriteField("csrf", csrf)
			fw, _ := w.CreateFormFile("file", "clienti.csv")
			_, _ = fw.Write(nil)
			_ = w.Close()
			resp, err := c.Post(e.URL+"/data/import", w.FormDataContentType(), &b)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}, ""},
	}
	en := englishWords()
	english := map[string]string{} // case -> the error's text on the English page
	for _, lang := range []string{"en", "ru", "it"} {
		resp, err := c.PostForm(e.URL+"/settings/language", url.Values{"lang": {lang}, "csrf": {csrf}})
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("set language %s: %v %v", lang, resp, err)
		}
		resp.Body.Close()
		for _, p := range cases {
			resp := p.do()
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 400 {
				t.Errorf("%s (%s): status %d, want an error", p.name, lang, resp.StatusCode)
				continue
			}
			texts := visibleTexts(t, body)
			shown := errorShown(texts, body)
			if shown == "" {
				t.Errorf("%s (%s): no error shown (status %d)", p.name, lang, resp.StatusCode)
				continue
			}
			if p.quote != "" && !strings.Contains(shown, p.quote) {
				t.Errorf("%s (%s): %q does not quote the input %q", p.name, lang, shown, p.quote)
			}
			t.Logf("%s (%s): %s", p.name, lang, shown)
			if lang == "en" {
				english[p.name] = shown
				continue
			}
			for _, msg := range englishIn(texts, lang, en) {
				t.Errorf("%s (%s): %s", p.name, lang, msg)
			}
			if en := english[p.name]; en != "" && strings.Contains(strings.Join(texts, "\n"), en) {
				t.Errorf("%s (%s): shows the English %q", p.name, lang, en)
			}
		}
		// The office API (the page's "Call" button): English message for
		// scripts and phones, the person's words in text.
		var reply protocol.ErrorResponse
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/api/v1/office/dial", strings.NewReader(`{"device_id":"no-such-phone","number":"06 4281 1822"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		resp, err = c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(resp.Body).Decode(&reply)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusNotFound {
			t.Fatalf("dial an unknown phone (%s): %d %v", lang, resp.StatusCode, err)
		}
		if reply.Error.Code != "not_found" || !strings.HasPrefix(reply.Error.Message, "device no-such-phone") {
			t.Errorf("dial (%s): error %+v, want the English message for scripts", lang, reply.Error)
		}
		if reply.Error.Text == "" || (lang != "en" && len(englishIn([]string{reply.Error.Text}, lang, en)) > 0) || (lang != "en" && reply.Error.Text == reply.Error.Message) {
			t.Errorf("dial (%s): text %q, want it in %s", lang, reply.Error.Text, lang)
		}
	}
	// Without a web session (a phone, a script) there is no text: their
	// contract is code and message.
	resp, err := http.Post(e.URL+"/api/v1/office/dial", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	var reply map[string]map[string]any
	err = json.NewDecoder(resp.Body).Decode(&reply)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("dial without a session: %d %v", resp.StatusCode, err)
	}
	if _, has := reply["error"]["text"]; has || reply["error"]["message"] == "" {
		t.Errorf("error reply without a session = %v, want code and message only", reply)
	}
}

// visibleTexts lists the texts a person reads in an HTML page, as textsJS
// does in the browser: text nodes outside script, style and code.
func visibleTexts(t *testing.T, page []byte) []string {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "code", "head", "template":
				return
			}
			for _, a := range n.Attr {
				if (a.Key == "translate" && a.Val == "no") || (a.Key == "class" && strings.Contains(" "+a.Val+" ", " mono ")) || a.Key == "hidden" {
					return
				}
			}
		}
		if n.Type == html.TextNode {
			if s := strings.TrimSpace(n.Data); s != "" {
				out = append(out, s)
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return out
}

// errorShown is the error text of a page: its alert, or the error page's
// message and detail.
func errorShown(texts []string, page []byte) string {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return ""
	}
	var parts []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if (a.Key == "role" && a.Val == "alert") || (a.Key == "id" && (a.Val == "error-detail" || a.Val == "error-message")) {
					var b strings.Builder
					var text func(*html.Node)
					text = func(n *html.Node) {
						if n.Type == html.TextNode {
							b.WriteString(n.Data)
						}
						for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
							text(ch)
						}
					}
					text(n)
					parts = append(parts, strings.TrimSpace(b.String()))
					return
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return strings.Join(parts, " ")
}

// TestAuditDetailsTranslated: the details ringcard writes in English (a call
// closed as "end not reported" and why, stage moves, changed fields) read
// in the user's language in the audit log and on the client's page.
func TestAuditDetailsTranslated(t *testing.T) {
	e := newEnv(t)
	ph := e.phone(t, "Giulia")
	first := incoming("06 4281 1822") // Silvia Santoro, demo-0085
	first.StartedAt = time.Now().Add(-3 * time.Minute).UTC().Format(time.RFC3339)
	if _, err := ph.StartCall(t.Context(), first); err != nil {
		t.Fatal(err)
	}
	if _, err := ph.StartCall(t.Context(), incoming("+39 347 555 0199")); err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	_, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	if resp, err := c.PostForm(e.URL+"/contacts/demo-0085/stage", url.Values{"csrf": {csrf}, "stage": {"quoted"}}); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	en := englishWords()
	want := map[string]string{"ru": "Входящий, конец не сообщён (на телефоне начался новый звонок)", "it": "In entrata, fine non segnalata (sul telefono è iniziata un'altra chiamata)"}
	for _, lang := range []string{"ru", "it"} {
		resp, err := c.PostForm(e.URL+"/settings/language", url.Values{"lang": {lang}, "csrf": {csrf}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, p := range []string{"/audit", "/contacts/demo-0085"} {
			deadline := time.Now().Add(10 * time.Second)
			var texts []string
			for {
				texts = visibleTexts(t, []byte(getPage(t, c, e.URL+p)))
				if slices.Contains(texts, want[lang]) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s (%s) never shows %q: %q", p, lang, want[lang], texts)
				}
				time.Sleep(20 * time.Millisecond)
			}
			for _, msg := range englishIn(texts, lang, en) {
				t.Errorf("%s (%s): %s", p, lang, msg)
			}
			for _, text := range texts {
				if strings.Contains(text, "end not reported") || strings.Contains(text, "Stage: ") {
					t.Errorf("%s (%s): English detail %q", p, lang, text)
				}
			}
		}
	}
}
