package contactsync

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/ringcard/ringcard/contacts"
)

// conflictPrefix starts the custom field that shows Google's value of a
// field both sides changed (ringcard's value stays in the field itself).
const conflictPrefix = "Google "

// conflictNoteHeader separates ringcard's note from Google's when both
// changed it: both texts stay in the note.
const conflictNoteHeader = "── Google's version (both sides changed this note) ──"

// Conflict is a field both sides changed since the last sync.
type Conflict struct {
	Field  string
	Base   string
	Local  string
	Google string
}

// scalar is a single-valued contact field the merge knows.
type scalar struct {
	field  string // conflict field name
	person string // people.Person field it lives in
	get    func(*contacts.Contact) string
	set    func(*contacts.Contact, string)
}

var scalars = []scalar{
	{"name", "names", func(c *contacts.Contact) string { return c.DisplayName }, func(c *contacts.Contact, v string) { c.DisplayName = v }},
	{"given name", "names", func(c *contacts.Contact) string { return c.GivenName }, func(c *contacts.Contact, v string) { c.GivenName = v }},
	{"family name", "names", func(c *contacts.Contact) string { return c.FamilyName }, func(c *contacts.Contact, v string) { c.FamilyName = v }},
	{"nickname", "nicknames", func(c *contacts.Contact) string { return c.Nickname }, func(c *contacts.Contact, v string) { c.Nickname = v }},
	{"company", "organizations", func(c *contacts.Contact) string { return c.Company }, func(c *contacts.Contact, v string) { c.Company = v }},
	{"job title", "organizations", func(c *contacts.Contact) string { return c.JobTitle }, func(c *contacts.Contact, v string) { c.JobTitle = v }},
	{"department", "organizations", func(c *contacts.Contact) string { return c.Department }, func(c *contacts.Contact, v string) { c.Department = v }},
	{"birthday", "birthdays", func(c *contacts.Contact) string { return c.Birthday }, func(c *contacts.Contact, v string) { c.Birthday = v }},
	{"note", "biographies", func(c *contacts.Contact) string { return c.Note }, func(c *contacts.Contact, v string) { c.Note = v }},
	{"stage", "userDefined", func(c *contacts.Contact) string { return c.Stage }, func(c *contacts.Contact, v string) { c.Stage = v }},
}

// merge3 merges ringcard's version l and Google's version r of a contact
// against the version both started from (b; nil when they were never
// linked). Each side's changes are kept; a scalar both changed keeps
// ringcard's value in place and Google's beside it (the note keeps both
// texts), and is reported as a conflict. Lists merge item by item.
func merge3(b, l, r *contacts.Contact) (*contacts.Contact, []Conflict) {
	if b == nil {
		b = &contacts.Contact{}
	}
	m := *l
	var out []Conflict
	for _, f := range scalars {
		bv, lv, rv := f.get(b), f.get(l), f.get(r)
		switch {
		case lv == rv:
		case lv == bv:
			f.set(&m, rv)
		case rv == bv:
		default:
			out = append(out, Conflict{Field: f.field, Base: bv, Local: lv, Google: rv})
			switch {
			case lv == "":
				f.set(&m, rv)
			case rv == "":
			case f.field == "note":
				f.set(&m, lv+"\n\n"+conflictNoteHeader+"\n"+rv)
			default:
				m.Custom = append(m.Custom, contacts.CustomField{Key: conflictPrefix + f.field, Value: rv})
			}
		}
	}
	m.Numbers = mergeList(b.Numbers, l.Numbers, r.Numbers, func(n contacts.Number) string { return n.Key })
	m.Emails = mergeList(b.Emails, l.Emails, r.Emails, func(e contacts.Email) string { return strings.ToLower(e.Address) })
	m.Addresses = mergeList(b.Addresses, l.Addresses, r.Addresses, func(a contacts.Address) string { return contacts.Fold(a.Formatted) })
	m.Websites = mergeList(b.Websites, l.Websites, r.Websites, func(s string) string { return s })
	m.Groups = mergeList(b.Groups, l.Groups, r.Groups, strings.ToLower)
	var cc []Conflict
	m.Custom, cc = mergeCustom(b.Custom, m.Custom, r.Custom)
	out = append(out, cc...)
	m.PhotoURL = r.PhotoURL // read-only in ringcard
	return &m, out
}

// mergeList merges a list item by item, identified by key: an item added
// on either side is kept, one removed on either side is removed unless
// the other side changed it, and a changed item takes the changing side's
// version (ringcard's when both changed it).
func mergeList[T any](b, l, r []T, key func(T) string) []T {
	bm, rm, lm := index(b, key), index(r, key), index(l, key)
	var out []T
	seen := map[string]bool{}
	for _, x := range l {
		k := key(x)
		if seen[k] {
			continue
		}
		bx, inB := bm[k]
		rx, inR := rm[k]
		switch {
		case inB && !inR && same(x, bx): // removed in Google
			continue
		case inB && inR && same(x, bx):
			x = rx
		}
		seen[k] = true
		out = append(out, x)
	}
	for _, y := range r {
		k := key(y)
		if seen[k] {
			continue
		}
		if _, inL := lm[k]; inL {
			continue
		}
		if bx, inB := bm[k]; inB && same(y, bx) { // removed in ringcard
			continue
		}
		seen[k] = true
		out = append(out, y)
	}
	return out
}

// mergeCustom merges custom fields key by key, like scalars. l already
// holds any conflict fields the scalar merge added.
func mergeCustom(b, l, r []contacts.CustomField) ([]contacts.CustomField, []Conflict) {
	key := func(f contacts.CustomField) string { return f.Key }
	bm, rm, lm := index(b, key), index(r, key), index(l, key)
	var out []contacts.CustomField
	var conflicts []Conflict
	var extra []contacts.CustomField
	seen := map[string]bool{}
	for _, x := range l {
		if seen[x.Key] {
			continue
		}
		bx, inB := bm[x.Key]
		rx, inR := rm[x.Key]
		switch {
		case inB && !inR && x == bx:
			continue
		case inR && x == rx:
		case inB && inR && x == bx:
			x = rx
		case inR && (!inB || rx != bx):
			conflicts = append(conflicts, Conflict{Field: "custom:" + x.Key, Base: bx.Value, Local: x.Value, Google: rx.Value})
			if _, shown := lm[conflictPrefix+x.Key]; !shown && rx.Value != "" {
				extra = append(extra, contacts.CustomField{Key: conflictPrefix + x.Key, Value: rx.Value})
			}
		}
		seen[x.Key] = true
		out = append(out, x)
	}
	for _, y := range r {
		if seen[y.Key] {
			continue
		}
		if _, inL := lm[y.Key]; inL {
			continue
		}
		if bx, inB := bm[y.Key]; inB && bx == y {
			continue
		}
		seen[y.Key] = true
		out = append(out, y)
	}
	for _, x := range extra {
		if !seen[x.Key] {
			seen[x.Key] = true
			out = append(out, x)
		}
	}
	return out, conflicts
}

func index[T any](xs []T, key func(T) string) map[string]T {
	m := make(map[string]T, len(xs))
	for _, x := range xs {
		if _, dup := m[key(x)]; !dup {
			m[key(x)] = x
		}
	}
	return m
}

func same(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// view is what the sync compares of a contact: every field Google holds,
// nothing ringcard derives (IDs, revs, times, number keys).
type view struct {
	Names     [3]string
	Nickname  string
	Org       [3]string
	Numbers   [][3]string
	Emails    []contacts.Email
	Addresses []contacts.Address
	Websites  []string
	Birthday  string
	Groups    []string
	Note      string
	Custom    []contacts.CustomField
	Stage     string
	Photo     string
}

func viewOf(c *contacts.Contact) view {
	v := view{Names: [3]string{c.DisplayName, c.GivenName, c.FamilyName}, Nickname: c.Nickname,
		Org: [3]string{c.Company, c.JobTitle, c.Department}, Emails: c.Emails, Addresses: c.Addresses,
		Websites: c.Websites, Birthday: c.Birthday, Note: c.Note, Custom: c.Custom, Stage: c.Stage, Photo: c.PhotoURL}
	for _, n := range c.Numbers {
		v.Numbers = append(v.Numbers, [3]string{n.Raw, n.Type, n.Label})
	}
	for _, g := range c.Groups {
		v.Groups = append(v.Groups, strings.ToLower(g))
	}
	sort.Strings(v.Groups)
	return v
}

// sameContent reports whether two versions hold the same data.
func sameContent(a, b *contacts.Contact) bool { return same(viewOf(a), viewOf(b)) }

// changedFields names the people.Person fields in which local differs from
// base (the photo is Google's alone and never written).
func changedFields(local, base *contacts.Contact) []string {
	a, b := viewOf(local), viewOf(base)
	var out []string
	add := func(name string, x, y any) {
		if !same(x, y) {
			out = append(out, name)
		}
	}
	add("names", a.Names, b.Names)
	add("nicknames", a.Nickname, b.Nickname)
	add("organizations", a.Org, b.Org)
	add("phoneNumbers", a.Numbers, b.Numbers)
	add("emailAddresses", a.Emails, b.Emails)
	add("addresses", a.Addresses, b.Addresses)
	add("urls", a.Websites, b.Websites)
	add("birthdays", a.Birthday, b.Birthday)
	add("memberships", a.Groups, b.Groups)
	add("userDefined", [2]any{a.Custom, a.Stage}, [2]any{b.Custom, b.Stage})
	if a.Note != b.Note {
		out = append(out, "biographies")
	}
	return out
}

// scalarByField finds a scalar by its conflict field name.
func scalarByField(field string) (scalar, bool) {
	for _, f := range scalars {
		if f.field == field {
			return f, true
		}
	}
	return scalar{}, false
}
