package web_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
)

// storedTemplates reads the message templates as stored.
func storedTemplates(t *testing.T, e *env) []messages.Template {
	t.Helper()
	var ts []messages.Template
	if _, err := e.DB.Setting(context.Background(), "message_templates", &ts); err != nil {
		t.Fatalf("read templates: %v", err)
	}
	return ts
}

// An admin adds, previews, edits and deletes a message template on the
// templates page (form posts, as without JavaScript); staff get 403 and
// change nothing; a bad template (an unknown placeholder, a second one of a
// name, an e-mail without a subject) is refused with the reason in the
// page's language and nothing stored changes; the demo's templates survive
// it all.
func TestMessageTemplatesPage(t *testing.T) {
	e := newEnv(t)
	demo := storedTemplates(t, e)
	if len(demo) != 6 {
		t.Fatalf("demo templates: %d, want 6", len(demo))
	}
	admin := httpClient(t)
	_, csrf := signIn(t, admin, e.URL, testLogin, testPassword)
	e.addUser(t, "sam", sqlite.RoleStaff)
	staff := httpClient(t)
	_, staffCSRF := signIn(t, staff, e.URL, "sam", testPassword)
	u := e.URL + "/settings/messages"

	page := getPage(t, admin, u)
	if n := strings.Count(page, `class="mtpl-row"`); n != 6 {
		t.Errorf("the page lists %d templates, want the demo's 6", n)
	}
	for _, want := range []string{`id="mtpl-form"`, `data-segs data-for="mtpl-text"`, `<option value="done" >`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %s", want)
		}
	}
	if !strings.Contains(getPage(t, admin, e.URL+"/settings"), `href="/settings/messages"`) ||
		!strings.Contains(getPage(t, admin, e.URL+"/sends"), `href="/settings/messages"`) {
		t.Errorf("settings or the group send page do not link the templates page")
	}

	form := func(which, name, lang, channel, stage, subject, text, action string) url.Values {
		return url.Values{"csrf": {csrf}, "which": {which}, "name": {name}, "language": {lang}, "channel": {channel},
			"stage": {stage}, "subject": {subject}, "text": {text}, "who": {"Salvatore Fabbri"}, "action": {action}}
	}
	created := messages.Template{Name: "Price list", Language: "it", Channel: "sms", Text: "Ciao {first_name}, il nuovo listino per {company} è pronto."}

	// Staff: refused, nothing changes.
	resp, err := staff.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("staff GET the templates page: %d, want 403", resp.StatusCode)
	}
	sf := form("", created.Name, created.Language, created.Channel, "", "", created.Text, "save")
	sf.Set("csrf", staffCSRF)
	if st, _ := postForm(t, staff, u, sf); st != http.StatusForbidden {
		t.Errorf("staff save a template: %d, want 403", st)
	}
	if got := storedTemplates(t, e); !reflect.DeepEqual(got, demo) {
		t.Fatalf("after staff's try the templates are %+v", got)
	}

	// Preview: filled for the client named, with the SMS count; nothing stored.
	st, body := postForm(t, admin, u, form("", created.Name, created.Language, created.Channel, "", "", created.Text, "preview"))
	if st != http.StatusOK || !strings.Contains(body, "Ciao Salvatore, il nuovo listino per Vending Sole srl è pronto.") ||
		!strings.Contains(body, `<span id="mtpl-preview-parts">1 SMS</span>`) {
		t.Errorf("preview: %d\n%s", st, section(t, body, "mtpl-preview"))
	}
	if got := storedTemplates(t, e); len(got) != 6 {
		t.Fatalf("a preview stored something: %d templates", len(got))
	}

	// Add.
	if st, body := postForm(t, admin, u, form("", created.Name, created.Language, created.Channel, "", "", created.Text, "save")); st != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", st, body)
	}
	if got := storedTemplates(t, e); len(got) != 7 || !reflect.DeepEqual(got[:6], demo) || !reflect.DeepEqual(got[6], created) {
		t.Fatalf("after adding: %+v", got)
	}
	page = getPage(t, admin, u+"?edit="+url.QueryEscape("Price list|it|sms"))
	if !strings.Contains(page, `name="which" value="Price list|it|sms"`) || !strings.Contains(page, `id="mtpl-delete"`) {
		t.Errorf("the edit page does not hold the template")
	}

	// Edit: tie it to a stage, a longer Cyrillic text (3 SMS of 67).
	which := "Price list|it|sms"
	edited := created
	edited.Stage, edited.Language = "done", "ru"
	edited.Text = "{first_name}, " + strings.Repeat("новый прайс-лист готов. ", 7)
	if st, body := postForm(t, admin, u, form(which, edited.Name, edited.Language, edited.Channel, edited.Stage, "", edited.Text, "save")); st != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", st, body)
	}
	if got := storedTemplates(t, e); len(got) != 7 || !reflect.DeepEqual(got[:6], demo) || !reflect.DeepEqual(got[6], edited) {
		t.Fatalf("after editing: %+v", got)
	}
	which = "Price list|ru|sms"
	filled := "Salvatore, " + strings.Repeat("новый прайс-лист готов. ", 7)
	if want := messages.Segments(filled).Segments; want != 3 {
		t.Fatalf("test text: %d parts, want 3", want)
	}
	st, body = postForm(t, admin, u, form(which, edited.Name, edited.Language, edited.Channel, edited.Stage, "", edited.Text, "preview"))
	if st != http.StatusOK || !strings.Contains(body, `<span id="mtpl-preview-parts">3 SMS</span>`) {
		t.Errorf("preview of the Cyrillic text: %d\n%s", st, section(t, body, "mtpl-preview"))
	}

	// Refused, with the reason; nothing stored changes.
	bad := []struct {
		name       string
		form       url.Values
		lang, want string
	}{
		{"unknown placeholder", form(which, edited.Name, "ru", "sms", "done", "", "Ciao {nome}", "save"), "en",
			"The text uses an unknown placeholder {nome}: use one of name, first_name, company, stage, order, staff."},
		{"unknown placeholder in Russian", form(which, edited.Name, "ru", "sms", "done", "", "Ciao {nome}", "save"), "ru",
			"В тексте неизвестная подстановка {nome}: используйте одну из name, first_name, company, stage, order, staff."},
		{"unknown placeholder, preview in Italian", form(which, edited.Name, "ru", "sms", "done", "", "Ciao {nome}", "preview"), "it",
			"Il testo usa un segnaposto sconosciuto {nome}"},
		{"a second Order ready", form("", "Order ready", "en", "sms", "", "", "Hi", "save"), "en",
			"There is already a sms template &#34;Order ready&#34; in en."},
		{"e-mail without a subject", form("", "Mail", "en", "email", "", "", "Hi {name}", "save"), "en", "subject: required for e-mail"},
	}
	before := storedTemplates(t, e)
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			if err := e.DB.SetUserLang(context.Background(), testLogin, b.lang); err != nil {
				t.Fatal(err)
			}
			st, body := postForm(t, admin, u, b.form)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, b.want) {
				t.Errorf("got %d, want 422 with %q\n%s", st, b.want, section(t, body, "mtpl-error"))
			}
			if !strings.Contains(body, `value="`+b.form.Get("name")+`"`) {
				t.Errorf("the refused form lost what was typed")
			}
			if got := storedTemplates(t, e); !reflect.DeepEqual(got, before) {
				t.Errorf("a refused template changed the stored ones: %+v", got)
			}
		})
	}
	if err := e.DB.SetUserLang(context.Background(), testLogin, "en"); err != nil {
		t.Fatal(err)
	}

	// Delete: the demo's are left as they were.
	if st, body := postForm(t, admin, u, form(which, edited.Name, edited.Language, edited.Channel, edited.Stage, "", edited.Text, "delete")); st != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", st, body)
	}
	if got := storedTemplates(t, e); !reflect.DeepEqual(got, demo) {
		t.Fatalf("after deleting: %+v", got)
	}
	if st, _ := postForm(t, admin, u, form(which, edited.Name, edited.Language, edited.Channel, "", "", edited.Text, "delete")); st != http.StatusNotFound {
		t.Errorf("deleting it again: %d, want 404", st)
	}
}
