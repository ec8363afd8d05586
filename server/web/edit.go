package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
)

// contactForm is a contact as the edit form shows it: lists one per line.
type contactForm struct {
	DisplayName, GivenName, FamilyName, Nickname string
	Company, JobTitle, Department, Birthday      string
	Numbers                                      string // "number | type | label"
	Emails                                       string // "address | type"
	Addresses                                    string
	Websites                                     string
	Custom                                       string // "key: value"
	Note                                         string
	Groups                                       []string
	Updated                                      int64  // the contact's updated_at (ms) when the form was shown
	Orig                                         string // fingerprint of the editable fields when the form was shown
}

// normText makes typed text comparable: browsers send \r\n, people leave
// spaces at line ends.
func normText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// fields are the form's editable values with their catalogue labels, in
// the page's order: what the fingerprint covers and the conflict panel
// compares. Groups are sorted (their order means nothing).
func (f contactForm) fields() []theirField {
	groups := append([]string{}, f.Groups...)
	sort.Strings(groups)
	return []theirField{
		{"f.displayname", f.DisplayName}, {"f.company", f.Company}, {"f.givenname", f.GivenName},
		{"f.familyname", f.FamilyName}, {"f.jobtitle", f.JobTitle}, {"f.department", f.Department},
		{"f.nickname", f.Nickname}, {"f.birthday", f.Birthday}, {"f.phones", f.Numbers}, {"f.emails", f.Emails},
		{"f.addresses", f.Addresses}, {"f.websites", f.Websites}, {"f.groups", strings.Join(groups, ", ")},
		{"f.custom", f.Custom}, {"f.note", f.Note},
	}
}

// fingerprint identifies the form's editable values: a save is safe when
// the stored contact still has the values the form was shown with, even if
// the contact moved on otherwise (a stage move, a call, a note).
func (f contactForm) fingerprint() string {
	h := sha256.New()
	for _, v := range f.fields() {
		h.Write([]byte(normText(v.Value)))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

type groupChoice struct {
	Name string
	On   bool
}

type editData struct {
	New       bool
	Form      contactForm
	AllGroups []groupChoice
	Action    string
	Cancel    string
	Error     string
	Context   string
	Sync      bool
	Theirs    []theirField // when someone else saved meanwhile: their values where they differ from the form
}

// theirField is a field of the stored contact that differs from what the
// person typed, shown next to the form when someone else saved meanwhile.
type theirField struct {
	Label string // catalogue key
	Value string
}

// staleDiff lists the stored contact's fields that differ from the form.
func staleDiff(theirs, yours contactForm) []theirField {
	var out []theirField
	mine := yours.fields()
	for i, f := range theirs.fields() {
		if normText(f.Value) != normText(mine[i].Value) {
			out = append(out, f)
		}
	}
	return out
}

func formOf(c *contacts.Contact) contactForm {
	f := contactForm{DisplayName: c.DisplayName, GivenName: c.GivenName, FamilyName: c.FamilyName, Nickname: c.Nickname,
		Company: c.Company, JobTitle: c.JobTitle, Department: c.Department, Birthday: c.Birthday, Note: c.Note,
		Groups: c.Groups, Updated: c.UpdatedAt.UnixMilli()}
	var lines []string
	for _, n := range c.Numbers {
		lines = append(lines, strings.TrimRight(n.Raw+" | "+n.Type+" | "+n.Label, " |"))
	}
	f.Numbers = strings.Join(lines, "\n")
	lines = nil
	for _, e := range c.Emails {
		lines = append(lines, strings.TrimRight(e.Address+" | "+e.Type, " |"))
	}
	f.Emails = strings.Join(lines, "\n")
	lines = nil
	for _, a := range c.Addresses {
		lines = append(lines, a.Formatted)
	}
	f.Addresses = strings.Join(lines, "\n")
	f.Websites = strings.Join(c.Websites, "\n")
	lines = nil
	for _, cf := range c.Custom {
		lines = append(lines, cf.Key+": "+cf.Value)
	}
	f.Custom = strings.Join(lines, "\n")
	f.Orig = f.fingerprint()
	return f
}

// readForm reads the posted form into a contactForm.
func readForm(c *gin.Context) contactForm {
	f := contactForm{DisplayName: c.PostForm("display_name"), GivenName: c.PostForm("given_name"), FamilyName: c.PostForm("family_name"),
		Nickname: c.PostForm("nickname"), Company: c.PostForm("company"), JobTitle: c.PostForm("job_title"),
		Department: c.PostForm("department"), Birthday: c.PostForm("birthday"), Numbers: c.PostForm("numbers"),
		Emails: c.PostForm("emails"), Addresses: c.PostForm("addresses"), Websites: c.PostForm("websites"),
		Custom: c.PostForm("custom"), Note: c.PostForm("note")}
	f.Numbers, f.Emails = typesOut(f.Numbers), typesOut(f.Emails) // typed in the user's language
	f.Updated, _ = strconv.ParseInt(c.PostForm("updated"), 10, 64)
	f.Orig = c.PostForm("orig")
	groups := c.PostFormArray("group")
	groups = append(groups, strings.Split(c.PostForm("new_groups"), ",")...)
	f.Groups = cleanList(groups)
	return f
}

// apply writes the form onto c; numbers are normalized by the store.
func (f contactForm) apply(c *contacts.Contact) error {
	c.DisplayName, c.GivenName, c.FamilyName, c.Nickname = trim(f.DisplayName), trim(f.GivenName), trim(f.FamilyName), trim(f.Nickname)
	c.Company, c.JobTitle, c.Department, c.Birthday = trim(f.Company), trim(f.JobTitle), trim(f.Department), trim(f.Birthday)
	c.Note = strings.TrimSpace(strings.ReplaceAll(f.Note, "\r\n", "\n"))
	c.Groups = f.Groups
	c.Numbers, c.Emails, c.Addresses, c.Websites, c.Custom = nil, nil, nil, nil, nil
	for i, line := range nonEmptyLines(f.Numbers) {
		p := splitBar(line, 3)
		if i >= 20 {
			return contacts.Errorf(contacts.EInvalid, "numbers: at most 20")
		}
		c.Numbers = append(c.Numbers, contacts.Number{Raw: p[0], Type: p[1], Label: p[2]})
	}
	for _, line := range nonEmptyLines(f.Emails) {
		p := splitBar(line, 2)
		if !strings.Contains(p[0], "@") {
			return contacts.Errorf(contacts.EInvalid, "emails: %q is not an e-mail address", p[0])
		}
		c.Emails = append(c.Emails, contacts.Email{Address: p[0], Type: p[1]})
	}
	for _, line := range nonEmptyLines(f.Addresses) {
		c.Addresses = append(c.Addresses, contacts.Address{Formatted: line})
	}
	c.Websites = nonEmptyLines(f.Websites)
	for _, line := range nonEmptyLines(f.Custom) {
		k, v, ok := strings.Cut(line, ":")
		if !ok || trim(k) == "" {
			return contacts.Errorf(contacts.EInvalid, "custom: %q is not \"key: value\"", line)
		}
		c.Custom = append(c.Custom, contacts.CustomField{Key: trim(k), Value: trim(v)})
	}
	return nil
}

func trim(s string) string { return strings.TrimSpace(s) }

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func splitBar(line string, n int) []string {
	p := strings.SplitN(line, "|", n)
	for len(p) < n {
		p = append(p, "")
	}
	for i := range p {
		p[i] = strings.TrimSpace(p[i])
	}
	return p
}

func cleanList(in []string) []string {
	var out []string
	for _, g := range in {
		if g = strings.TrimSpace(g); g != "" && !contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

func (h *Handler) editData(c *gin.Context, d editData) (editData, error) {
	groups, err := h.b.Groups(c.Request.Context())
	if err != nil {
		return d, err
	}
	for _, g := range cleanList(append(groups, d.Form.Groups...)) {
		d.AllGroups = append(d.AllGroups, groupChoice{Name: g, On: contains(d.Form.Groups, g)})
	}
	d.Sync = h.syncStatus(c.Request.Context()).Connected
	return d, nil
}

func (h *Handler) editContactPage(c *gin.Context) error {
	ct, err := h.b.Contact(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	d, err := h.editData(c, editData{Form: formOf(ct), Action: "/contacts/" + ct.ID + "/edit", Cancel: "/contacts/" + ct.ID})
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "contact_edit", d)
}

// saveContact saves an edited contact. A contact changed by someone else
// since the form was shown is not overwritten: the form is checked against
// the stored version, and the store checks again in the write's own
// transaction (someone may save between this read and that write).
func (h *Handler) saveContact(c *gin.Context) error {
	ctx := c.Request.Context()
	ct, err := h.b.Contact(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	f := readForm(c)
	d := editData{Form: f, Action: "/contacts/" + ct.ID + "/edit", Cancel: "/contacts/" + ct.ID}
	// Safe to save when nobody changed an editable field since the form was
	// shown (a stage move, a call or a note meanwhile is no conflict).
	if f.Updated == ct.UpdatedAt.UnixMilli() || (f.Orig != "" && f.Orig == formOf(ct).Orig) {
		if err = f.apply(ct); err == nil {
			err = h.b.UpdateContact(ctx, ct)
		}
		switch {
		case err == nil:
			return redirect(c, "/contacts/"+ct.ID)
		case contacts.ErrorCode(err) == contacts.EConflict:
			if ct, err = h.b.Contact(ctx, ct.ID); err != nil {
				return err
			}
		case h.status(err) >= 500:
			return err
		default:
			d.Error = errText(h.lang(c), err)
		}
	}
	if d.Error == "" { // someone else saved it: show theirs, keep the typed form
		d.Error = T(h.lang(c), "edit.stale")
		theirs := formOf(ct)
		d.Form.Updated, d.Form.Orig = theirs.Updated, theirs.Orig
		d.Theirs = staleDiff(theirs, f)
	}
	if d, err = h.editData(c, d); err != nil {
		return err
	}
	return h.render(c, http.StatusUnprocessableEntity, "contact_edit", d)
}

// newContactPage offers a new contact, pre-filled from a call: its number,
// SIM and time, and a group.
func (h *Handler) newContactPage(c *gin.Context) error {
	f := contactForm{Numbers: trim(c.Query("number"))}
	if g := trim(c.Query("group")); g != "" {
		f.Groups = []string{g}
	}
	d := editData{New: true, Form: f, Action: "/contacts/new?" + url.Values{"at": {c.Query("at")}, "sim": {c.Query("sim")}}.Encode(), Cancel: "/"}
	if f.Numbers != "" {
		d.Context = h.callContext(c, f.Numbers, c.Query("sim"), c.Query("at"))
		d.Form.Note = d.Context
	}
	d, err := h.editData(c, d)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "contact_edit", d)
}

// callContext is the line a contact made from a call starts its note with.
func (h *Handler) callContext(c *gin.Context, number, sim, at string) string {
	lang := h.lang(c)
	when := ""
	if ms, err := strconv.ParseInt(at, 10, 64); err == nil && ms > 0 {
		when = localWhen(lang, time.UnixMilli(ms))
	}
	s := T(lang, "new.fromcall", number, when)
	if sim != "" && sim != "0" {
		s += fmt.Sprintf(" (SIM %s)", sim)
	}
	return s
}

func (h *Handler) createContact(c *gin.Context) error {
	f := readForm(c)
	ct := &contacts.Contact{}
	err := f.apply(ct)
	if err == nil {
		_, err = h.b.CreateContact(c.Request.Context(), ct, "")
	}
	if err == nil {
		return redirect(c, "/contacts/"+ct.ID)
	}
	if h.status(err) >= 500 {
		return err
	}
	d, derr := h.editData(c, editData{New: true, Form: f, Action: c.Request.URL.RequestURI(), Cancel: "/", Error: errText(h.lang(c), err)})
	if derr != nil {
		return derr
	}
	return h.render(c, http.StatusUnprocessableEntity, "contact_edit", d)
}
