package contactsync

import (
	"fmt"
	"strings"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// StageKey is the userDefined key that carries the contact's stage in
// Google.
const StageKey = "ringcard stage"

// clientIDKey is the clientData key that carries ringcard's contact ID, so
// a contact created just before a crash is recognised, never duplicated.
const clientIDKey = "ringcard.id"

// myContacts is the system group every contact made in Google joins.
const myContacts = "contactGroups/myContacts"

// groupNames maps group resource names to ringcard group names (user
// groups only) and back.
type groupNames struct {
	byResource map[string]string
	byName     map[string]string // folded name -> resource name
	system     map[string]bool
}

func newGroupNames(gs map[string]sqlite.SyncGroup) groupNames {
	n := groupNames{byResource: map[string]string{}, byName: map[string]string{}, system: map[string]bool{myContacts: true}}
	for rn, g := range gs {
		if g.System {
			n.system[rn] = true
			continue
		}
		n.byResource[rn] = g.Name
		n.byName[strings.ToLower(g.Name)] = rn
	}
	return n
}

// standardPhoneTypes are the phone types ringcard names itself; any other
// Google type is kept as the number's label.
var standardPhoneTypes = map[string]bool{"mobile": true, "work": true, "home": true, "main": true, "other": true}

// fromPerson maps a Google contact to a ringcard contact (without ID,
// resource name or etag). Numbers ringcard cannot read stay in Google
// untouched (see toPerson); the note log block is not part of Note.
func fromPerson(p *people.Person, groups groupNames, norm contacts.Normalizer) *contacts.Contact {
	c := &contacts.Contact{}
	if n := firstName(p); n != nil {
		c.GivenName, c.FamilyName = n.GivenName, n.FamilyName
		c.DisplayName = n.UnstructuredName
		if c.DisplayName == "" {
			c.DisplayName = n.DisplayName
		}
	}
	for _, n := range p.Nicknames {
		if n != nil && n.Value != "" {
			c.Nickname = n.Value
			break
		}
	}
	for _, o := range p.Organizations {
		if o != nil {
			c.Company, c.JobTitle, c.Department = o.Name, o.Title, o.Department
			break
		}
	}
	for _, pn := range p.PhoneNumbers {
		if pn == nil || pn.Value == "" {
			continue
		}
		typ, label := phoneType(pn.Type)
		num, err := norm.Number(pn.Value, typ, label)
		if err != nil {
			continue // kept in Google as it is; see keepUnreadable
		}
		c.Numbers = append(c.Numbers, num)
	}
	for _, e := range p.EmailAddresses {
		if e != nil && e.Value != "" {
			c.Emails = append(c.Emails, contacts.Email{Address: e.Value, Type: e.Type})
		}
	}
	for _, a := range p.Addresses {
		if a == nil {
			continue
		}
		f := a.FormattedValue
		if f == "" {
			f = joinNonEmpty(", ", a.StreetAddress, a.ExtendedAddress, joinNonEmpty(" ", a.PostalCode, a.City), a.Region, a.Country)
		}
		if f != "" {
			c.Addresses = append(c.Addresses, contacts.Address{Formatted: f, Type: a.Type})
		}
	}
	for _, u := range p.Urls {
		if u != nil && u.Value != "" {
			c.Websites = append(c.Websites, u.Value)
		}
	}
	for _, b := range p.Birthdays {
		if b == nil {
			continue
		}
		if s := birthday(b); s != "" {
			c.Birthday = s
			break
		}
	}
	for _, m := range p.Memberships {
		if m == nil || m.ContactGroupMembership == nil {
			continue
		}
		rn := m.ContactGroupMembership.ContactGroupResourceName
		if rn == "" && m.ContactGroupMembership.ContactGroupId != "" {
			rn = "contactGroups/" + m.ContactGroupMembership.ContactGroupId
		}
		if name, ok := groups.byResource[rn]; ok {
			c.Groups = append(c.Groups, name)
		}
	}
	if bio := biography(p); bio != "" {
		c.Note = splitNoteLog(bio)
	}
	for _, u := range p.UserDefined {
		if u == nil {
			continue
		}
		if u.Key == StageKey {
			c.Stage = u.Value
			continue
		}
		c.Custom = append(c.Custom, contacts.CustomField{Key: u.Key, Value: u.Value})
	}
	for _, ph := range p.Photos {
		if ph != nil && ph.Url != "" && !ph.Default {
			c.PhotoURL = ph.Url
			break
		}
	}
	if c.Name() == "" {
		c.DisplayName = "(no name)"
		if len(c.Emails) > 0 {
			c.DisplayName = c.Emails[0].Address
		}
	}
	return c
}

func firstName(p *people.Person) *people.Name {
	for _, n := range p.Names {
		if n != nil {
			return n
		}
	}
	return nil
}

func phoneType(t string) (typ, label string) {
	if l := strings.ToLower(t); standardPhoneTypes[l] {
		return l, ""
	}
	if t == "" {
		return "", ""
	}
	return "", t
}

func birthday(b *people.Birthday) string {
	if d := b.Date; d != nil && d.Month > 0 && d.Day > 0 {
		if d.Year > 0 {
			return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
		}
		return fmt.Sprintf("--%02d-%02d", d.Month, d.Day)
	}
	return b.Text
}

func parseBirthday(s string) *people.Birthday {
	var y, m, d int64
	if _, err := fmt.Sscanf(s, "--%02d-%02d", &m, &d); err == nil && strings.HasPrefix(s, "--") {
		return &people.Birthday{Date: &people.Date{Month: m, Day: d}}
	}
	if _, err := fmt.Sscanf(s, "%04d-%02d-%02d", &y, &m, &d); err == nil {
		return &people.Birthday{Date: &people.Date{Year: y, Month: m, Day: d}}
	}
	return &people.Birthday{Text: s}
}

func biography(p *people.Person) string {
	for _, b := range p.Biographies {
		if b != nil {
			return b.Value
		}
	}
	return ""
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// toPerson builds the Google form of every field ringcard writes. base
// (the version in Google, or nil) supplies what ringcard does not model
// and must keep: numbers it cannot read, system group memberships.
func toPerson(c *contacts.Contact, base *people.Person, groups groupNames, bio string, norm contacts.Normalizer) *people.Person {
	p := &people.Person{}
	if c.DisplayName != "" || c.GivenName != "" || c.FamilyName != "" {
		p.Names = []*people.Name{{GivenName: c.GivenName, FamilyName: c.FamilyName, UnstructuredName: c.DisplayName}}
	}
	if c.Nickname != "" {
		p.Nicknames = []*people.Nickname{{Value: c.Nickname}}
	}
	if c.Company != "" || c.JobTitle != "" || c.Department != "" {
		p.Organizations = []*people.Organization{{Name: c.Company, Title: c.JobTitle, Department: c.Department}}
	}
	for _, n := range c.Numbers {
		t := n.Type
		if n.Label != "" {
			t = n.Label
		}
		p.PhoneNumbers = append(p.PhoneNumbers, &people.PhoneNumber{Value: n.Raw, Type: t})
	}
	if base != nil { // numbers ringcard cannot read stay as they are
		for _, pn := range base.PhoneNumbers {
			if pn != nil && pn.Value != "" {
				if _, err := norm.Parse(pn.Value, ""); err != nil {
					p.PhoneNumbers = append(p.PhoneNumbers, &people.PhoneNumber{Value: pn.Value, Type: pn.Type})
				}
			}
		}
	}
	for _, e := range c.Emails {
		p.EmailAddresses = append(p.EmailAddresses, &people.EmailAddress{Value: e.Address, Type: e.Type})
	}
	for _, a := range c.Addresses {
		p.Addresses = append(p.Addresses, &people.Address{FormattedValue: a.Formatted, Type: a.Type})
	}
	for _, u := range c.Websites {
		p.Urls = append(p.Urls, &people.Url{Value: u})
	}
	if c.Birthday != "" {
		p.Birthdays = []*people.Birthday{parseBirthday(c.Birthday)}
	}
	if bio != "" {
		p.Biographies = []*people.Biography{{Value: bio, ContentType: "TEXT_PLAIN"}}
	}
	for _, f := range c.Custom {
		p.UserDefined = append(p.UserDefined, &people.UserDefined{Key: f.Key, Value: f.Value})
	}
	if c.Stage != "" {
		p.UserDefined = append(p.UserDefined, &people.UserDefined{Key: StageKey, Value: c.Stage})
	}
	p.Memberships = memberships(c, base, groups)
	return p
}

// memberships lists the system groups the contact has in Google plus its
// ringcard groups (which must exist in Google already).
func memberships(c *contacts.Contact, base *people.Person, groups groupNames) []*people.Membership {
	var out []*people.Membership
	seen := map[string]bool{}
	add := func(rn string) {
		if rn != "" && !seen[rn] {
			seen[rn] = true
			out = append(out, &people.Membership{ContactGroupMembership: &people.ContactGroupMembership{ContactGroupResourceName: rn}})
		}
	}
	if base == nil {
		add(myContacts)
	} else {
		for _, m := range base.Memberships {
			if m == nil || m.ContactGroupMembership == nil {
				continue
			}
			rn := m.ContactGroupMembership.ContactGroupResourceName
			if groups.system[rn] {
				add(rn) // system groups (myContacts, starred) are Google's business
			}
		}
	}
	for _, g := range c.Groups {
		add(groups.byName[strings.ToLower(g)])
	}
	return out
}
