package peoplestub

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	people "google.golang.org/api/people/v1"
)

// contact is one stored contact. The person pointer is never mutated in
// place (writes store a new one), so value copies make cheap snapshots.
type contact struct {
	id      uint64
	name    string   // current resource name
	prev    []string // previous resource names
	person  *people.Person
	groups  []string // contact group resource names, sorted
	version uint64
	seq     uint64
	updated time.Time
	deleted bool
}

func (c *contact) sourceID() string { return fmt.Sprintf("%x", c.id) }

func (c *contact) etag() string {
	var b [17]byte
	b[0] = 0x12
	binary.BigEndian.PutUint64(b[1:], c.id)
	binary.BigEndian.PutUint64(b[9:], c.version)
	return "%" + base64.RawStdEncoding.EncodeToString(b[:])
}

func (c *contact) sourceEtag() string {
	return "#" + base64.RawStdEncoding.EncodeToString([]byte(fmt.Sprintf("%x/%d", c.id, c.version)))
}

// isReadField reports whether f is a valid personFields path.
func isReadField(f string) bool {
	switch f {
	case "addresses", "ageRanges", "biographies", "birthdays", "calendarUrls",
		"clientData", "coverPhotos", "emailAddresses", "events", "externalIds",
		"genders", "imClients", "interests", "locales", "locations", "memberships",
		"metadata", "miscKeywords", "names", "nicknames", "occupations",
		"organizations", "phoneNumbers", "photos", "relations", "sipAddresses",
		"skills", "urls", "userDefined":
		return true
	}
	return false
}

// isUpdateField reports whether f is a valid updatePersonFields path.
func isUpdateField(f string) bool {
	switch f {
	case "ageRanges", "coverPhotos", "metadata", "photos", "skills":
		return false
	}
	return isReadField(f)
}

// fieldMask is a parsed person field mask; nil means "all fields".
type fieldMask map[string]bool

// parseMask parses a comma-separated mask. required reports whether an
// empty mask is an error; param names the parameter in messages.
func parseMask(raw, param string, required bool, valid func(string) bool) (fieldMask, *apiError) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		if required {
			return nil, errInvalid(param + " mask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.")
		}
		return nil, nil
	}
	m := fieldMask{}
	for _, f := range strings.Split(raw, ",") {
		f = strings.TrimPrefix(strings.TrimSpace(f), "person.")
		if !valid(f) {
			return nil, errInvalid(fmt.Sprintf("Invalid %s mask path: %q. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.", param, f))
		}
		m[f] = true
	}
	return m, nil
}

// jsonName returns the JSON name of a struct field, or "".
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if tag == "" || tag == "-" {
		return ""
	}
	return strings.Split(tag, ",")[0]
}

// applyMask zeroes every field of p not in mask (resourceName and etag
// always stay). A nil mask keeps everything.
func applyMask(p *people.Person, mask fieldMask) {
	if mask == nil {
		return
	}
	v := reflect.ValueOf(p).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		n := jsonName(t.Field(i))
		if n == "" || n == "resourceName" || n == "etag" || mask[n] {
			continue
		}
		v.Field(i).SetZero()
	}
}

// setFields copies the fields named in mask from src into dst.
func setFields(dst, src *people.Person, mask fieldMask) {
	dv, sv := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem()
	t := dv.Type()
	for i := 0; i < t.NumField(); i++ {
		if n := jsonName(t.Field(i)); n != "" && mask[n] && n != "memberships" {
			dv.Field(i).Set(sv.Field(i))
		}
	}
}

// clonePerson deep-copies p through JSON.
func clonePerson(p *people.Person) (*people.Person, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("peoplestub: clone person: %w", err)
	}
	out := &people.Person{}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("peoplestub: clone person: %w", err)
	}
	return out, nil
}

// normalize strips output-only fields and fills computed name fields.
func normalize(p *people.Person) {
	p.ResourceName, p.Etag, p.Metadata, p.Memberships = "", "", nil, nil
	for _, n := range p.Names {
		if n == nil || n.DisplayName != "" {
			continue
		}
		parts := []string{}
		for _, s := range []string{n.HonorificPrefix, n.GivenName, n.MiddleName, n.FamilyName, n.HonorificSuffix} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		n.DisplayName = strings.Join(parts, " ")
		if n.UnstructuredName == "" {
			n.UnstructuredName = n.DisplayName
		}
		switch {
		case n.FamilyName != "" && n.GivenName != "":
			n.DisplayNameLastFirst = n.FamilyName + ", " + n.GivenName
		default:
			n.DisplayNameLastFirst = n.DisplayName
		}
	}
}

// render builds the wire form of c. withPrev adds
// metadata.previousResourceNames (only sync results carry it).
func (c *contact) render(mask fieldMask, withPrev bool) *people.Person {
	meta := &people.PersonMetadata{
		ObjectType: "PERSON",
		Sources: []*people.Source{{
			Type: "CONTACT", Id: c.sourceID(), Etag: c.sourceEtag(),
			UpdateTime: c.updated.UTC().Format(time.RFC3339Nano),
		}},
	}
	if withPrev && len(c.prev) > 0 {
		meta.PreviousResourceNames = append([]string(nil), c.prev...)
	}
	if c.deleted {
		meta.Deleted = true
		return &people.Person{ResourceName: c.name, Etag: c.etag(), Metadata: meta}
	}
	p := *c.person
	p.ResourceName, p.Etag, p.Metadata = c.name, c.etag(), meta
	p.Memberships = nil
	for _, g := range c.groups {
		p.Memberships = append(p.Memberships, &people.Membership{
			Metadata: &people.FieldMetadata{Source: &people.Source{Type: "CONTACT", Id: c.sourceID()}},
			ContactGroupMembership: &people.ContactGroupMembership{
				ContactGroupId:           strings.TrimPrefix(g, "contactGroups/"),
				ContactGroupResourceName: g,
			},
		})
	}
	applyMask(&p, mask)
	return &p
}

// touch records a write to c: new etag, new change sequence.
// Callers hold s.mu.
func (s *Server) touch(c *contact) {
	s.seq++
	c.seq = s.seq
	c.version++
	c.updated = s.now()
}

// insert stores a new contact built from p (already normalized and owned
// by the store). Callers hold s.mu and have checked the limit.
func (s *Server) insert(p *people.Person, groups []string) *contact {
	s.nextID++
	c := &contact{id: s.nextID, person: p}
	c.name = fmt.Sprintf("people/c%d", c.id)
	if len(groups) == 0 {
		groups = []string{"contactGroups/myContacts"}
	}
	s.contacts[c.name] = c
	s.byID[c.id] = c
	s.all = append(s.all, c)
	s.touch(c)
	s.setGroups(c, groups)
	return c
}

// setGroups replaces c's memberships, keeping groups' member sets and
// etags in step. Callers hold s.mu.
func (s *Server) setGroups(c *contact, groups []string) {
	want := map[string]bool{}
	for _, g := range groups {
		want[g] = true
	}
	for _, g := range c.groups {
		if !want[g] {
			if gr := s.groups[g]; gr != nil {
				delete(gr.members, c.id)
				s.touchGroup(gr)
			}
		}
	}
	have := map[string]bool{}
	for _, g := range c.groups {
		have[g] = true
	}
	out := make([]string, 0, len(want))
	for g := range want {
		out = append(out, g)
		if !have[g] {
			if gr := s.groups[g]; gr != nil {
				gr.members[c.id] = struct{}{}
				s.touchGroup(gr)
			}
		}
	}
	sort.Strings(out)
	c.groups = out
}

// remove deletes c, leaving a tombstone for sync. Callers hold s.mu.
func (s *Server) remove(c *contact) {
	s.setGroups(c, nil)
	delete(s.contacts, c.name)
	c.deleted = true
	s.touch(c)
}

// checkLimit reports the contact-limit error if n more contacts would
// exceed MaxContacts. Callers hold s.mu.
func (s *Server) checkLimit(n int) *apiError {
	if len(s.contacts)+n > s.opts.MaxContacts {
		return errPrecondition(MsgContactLimit)
	}
	return nil
}

// lookup finds a live contact by resource name.
func (s *Server) lookup(name string) (*contact, *apiError) {
	c := s.contacts[name]
	if c == nil {
		return nil, errNotFound()
	}
	return c, nil
}

// groupsFromMemberships extracts group resource names from memberships.
func (s *Server) groupsFromMemberships(ms []*people.Membership) ([]string, *apiError) {
	var out []string
	for _, m := range ms {
		if m == nil || m.ContactGroupMembership == nil {
			continue
		}
		g := m.ContactGroupMembership.ContactGroupResourceName
		if g == "" && m.ContactGroupMembership.ContactGroupId != "" {
			g = "contactGroups/" + m.ContactGroupMembership.ContactGroupId
		}
		if gr := s.groups[g]; gr == nil || gr.deleted {
			return nil, errInvalid(fmt.Sprintf("Contact group %q not found.", g))
		}
		out = append(out, g)
	}
	return out, nil
}
