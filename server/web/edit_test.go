package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// formValues reads the named form's fields as a browser would post them:
// inputs, textareas and checked checkboxes.
func formValues(t *testing.T, page, formID string) url.Values {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	attr := func(n *html.Node, k string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val, true
			}
		}
		return "", false
	}
	var form *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if id, _ := attr(n, "id"); n.Type == html.ElementNode && n.Data == "form" && id == formID {
			form = n
		}
		for c := n.FirstChild; c != nil && form == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if form == nil {
		t.Fatalf("no form #%s on the page", formID)
	}
	v := url.Values{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, named := attr(n, "name")
			switch {
			case !named:
			case n.Data == "textarea":
				text := ""
				if n.FirstChild != nil {
					text = n.FirstChild.Data
				}
				v.Add(name, text)
			case n.Data == "input":
				typ, _ := attr(n, "type")
				_, checked := attr(n, "checked")
				if typ != "checkbox" || checked {
					val, _ := attr(n, "value")
					v.Add(name, val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return v
}

func getPage(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	return string(b)
}

// Two people edit the same contact: the second save does not overwrite the
// first; the second person sees what was saved meanwhile, keeps what they
// typed, and saves again knowingly.
func TestEditDoesNotOverwriteSomeoneElsesSave(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	if st, _ := signIn(t, c, e.URL, testLogin, testPassword); st != http.StatusSeeOther {
		t.Fatalf("sign in: %d", st)
	}
	ctx := context.Background()
	editURL := e.URL + "/contacts/demo-0001/edit"
	form := formValues(t, getPage(t, c, editURL), "contact-form")
	if form.Get("updated") == "" || form.Get("numbers") == "" {
		t.Fatalf("edit form lacks fields: %v", form)
	}

	// Meanwhile someone else saves the contact (a phone, another PC, the sync).
	other, err := e.DB.Contact(ctx, "demo-0001")
	if err != nil {
		t.Fatal(err)
	}
	other.Company = "Rossi Ingrosso (nuova sede)"
	if err := e.DB.UpdateContact(ctx, other); err != nil {
		t.Fatal(err)
	}

	form.Set("company", "Società Mia srl")
	resp, err := c.PostForm(editURL, form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("stale save: status %d, want 422", resp.StatusCode)
	}
	for _, want := range []string{"Saved meanwhile by someone else", "Rossi Ingrosso (nuova sede)", `value="Società Mia srl"`} {
		if !strings.Contains(page, want) {
			t.Errorf("stale save page lacks %q", want)
		}
	}
	if got, _ := e.DB.Contact(ctx, "demo-0001"); got.Company != "Rossi Ingrosso (nuova sede)" {
		t.Fatalf("the other person's save was overwritten: company %q", got.Company)
	}

	// Saving again from the page just shown is a knowing overwrite.
	resp, err = c.PostForm(editURL, formValues(t, page, "contact-form"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second save: status %d, want 303", resp.StatusCode)
	}
	got, _ := e.DB.Contact(ctx, "demo-0001")
	if got.Company != "Società Mia srl" || len(got.Numbers) != len(other.Numbers) {
		t.Errorf("after the second save: company %q, %d numbers (want %d)", got.Company, len(got.Numbers), len(other.Numbers))
	}
}

// A stage move (or a call, or a note) while someone edits the contact's
// fields is no conflict: the save goes through and keeps the new stage.
func TestEditAfterAStageMoveIsNoConflict(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	signIn(t, c, e.URL, testLogin, testPassword)
	ctx := context.Background()
	editURL := e.URL + "/contacts/demo-0003/edit"
	form := formValues(t, getPage(t, c, editURL), "contact-form")
	if err := e.DB.SetStage(ctx, "demo-0003", "paid", "Marco", ""); err != nil {
		t.Fatal(err)
	}
	form.Set("nickname", "Gigi")
	resp, err := c.PostForm(editURL, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save after a stage move: status %d, want 303", resp.StatusCode)
	}
	got, _ := e.DB.Contact(ctx, "demo-0003")
	if got.Nickname != "Gigi" || got.Stage != "paid" {
		t.Errorf("after the save: nickname %q stage %q, want Gigi and paid", got.Nickname, got.Stage)
	}
}
