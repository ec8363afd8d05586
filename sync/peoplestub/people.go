package peoplestub

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	people "google.golang.org/api/people/v1"
)

// decodeBody reads a JSON request body into v.
func decodeBody(r *http.Request, v any) *apiError {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return errInvalid("Invalid JSON payload received.")
	}
	if len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errInvalid("Invalid JSON payload received. " + err.Error())
	}
	return nil
}

func (s *Server) getPerson(r *http.Request, p string) (int, any, *apiError) {
	q := r.URL.Query()
	mask, err := parseMask(personFieldsParam(q), "personFields", true, isReadField)
	if err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookup(p)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, c.render(mask, false), nil
}

// personFieldsParam returns personFields, or the deprecated
// requestMask.includeField.
func personFieldsParam(q map[string][]string) string {
	if v := q["personFields"]; len(v) > 0 && v[0] != "" {
		return strings.Join(v, ",")
	}
	return strings.Join(q["requestMask.includeField"], ",")
}

func (s *Server) getBatchGet(r *http.Request, _ string) (int, any, *apiError) {
	q := r.URL.Query()
	mask, err := parseMask(personFieldsParam(q), "personFields", true, isReadField)
	if err != nil {
		return 0, nil, err
	}
	names := q["resourceNames"]
	if len(names) == 0 {
		return 0, nil, errInvalid("resourceNames is required.")
	}
	if len(names) > 200 {
		return 0, nil, errInvalid("Too many resourceNames. The maximum is 200.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := &people.GetPeopleResponse{}
	for _, n := range names {
		pr := &people.PersonResponse{RequestedResourceName: n}
		if c := s.contacts[n]; c != nil {
			pr.Person, pr.HttpStatusCode, pr.Status = c.render(mask, false), 200, &people.Status{}
		} else {
			pr.HttpStatusCode = 404
			pr.Status = &people.Status{Code: 5, Message: MsgNotFound}
		}
		resp.Responses = append(resp.Responses, pr)
	}
	return http.StatusOK, resp, nil
}

// newPerson validates and stores one contact from a request person.
// Callers hold s.mu.
func (s *Server) newPerson(in *people.Person) (*contact, *apiError) {
	if in == nil {
		in = &people.Person{}
	}
	if err := s.checkLimit(1); err != nil {
		return nil, err
	}
	groups, err := s.groupsFromMemberships(in.Memberships)
	if err != nil {
		return nil, err
	}
	normalize(in)
	return s.insert(in, groups), nil
}

func (s *Server) createContact(r *http.Request, _ string) (int, any, *apiError) {
	mask, err := parseMask(personFieldsParam(r.URL.Query()), "personFields", false, isReadField)
	if err != nil {
		return 0, nil, err
	}
	in := &people.Person{}
	if err := decodeBody(r, in); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.newPerson(in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, c.render(mask, false), nil
}

// applyUpdate applies one updateContact to the contact named name.
// Callers hold s.mu.
func (s *Server) applyUpdate(name string, in *people.Person, upd fieldMask) (*contact, *apiError) {
	c, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	etag := in.Etag
	if etag == "" && in.Metadata != nil {
		for _, src := range in.Metadata.Sources {
			if src != nil && src.Type == "CONTACT" && src.Etag != "" {
				if src.Etag == c.sourceEtag() {
					etag = c.etag()
				} else {
					etag = src.Etag
				}
			}
		}
	}
	if etag == "" {
		return nil, errPrecondition("Request must set person.etag or person.metadata.sources.etag for the source that is being updated.")
	}
	if etag != c.etag() {
		return nil, errPrecondition(MsgEtagMismatch)
	}
	var groups []string
	if upd["memberships"] {
		if groups, err = s.groupsFromMemberships(in.Memberships); err != nil {
			return nil, err
		}
	}
	next := *c.person
	normalize(in)
	setFields(&next, in, upd)
	c.person = &next
	if upd["memberships"] {
		s.setGroups(c, groups)
	}
	s.touch(c)
	return c, nil
}

func (s *Server) updateContact(r *http.Request, p string) (int, any, *apiError) {
	q := r.URL.Query()
	upd, err := parseMask(strings.Join(q["updatePersonFields"], ","), "updatePersonFields", true, isUpdateField)
	if err != nil {
		return 0, nil, err
	}
	mask, err := parseMask(personFieldsParam(q), "personFields", false, isReadField)
	if err != nil {
		return 0, nil, err
	}
	in := &people.Person{}
	if err := decodeBody(r, in); err != nil {
		return 0, nil, err
	}
	name := strings.TrimSuffix(p, ":updateContact")
	if in.ResourceName != "" && in.ResourceName != name {
		return 0, nil, errInvalid("Resource name in the request body does not match the URL.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.applyUpdate(name, in, upd)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, c.render(mask, false), nil
}

func (s *Server) deleteContact(_ *http.Request, p string) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookup(strings.TrimSuffix(p, ":deleteContact"))
	if err != nil {
		return 0, nil, err
	}
	s.remove(c)
	return http.StatusOK, struct{}{}, nil
}

// Add stores a contact as if created through createContact (memberships
// in p are honoured; none means myContacts) and returns its resource
// name. p is deep-copied.
func (s *Server) Add(p *people.Person) (string, error) {
	cp, err := clonePerson(p)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, apiErr := s.newPerson(cp)
	if apiErr != nil {
		return "", fmt.Errorf("peoplestub: add: %w", apiErr)
	}
	return c.name, nil
}

// Seed quickly adds n generated contacts ("Seed Contact <i>" with an
// email and phone number) and returns their resource names in order.
// It fails without adding anything if the contact limit would be passed.
func (s *Server) Seed(n int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLimit(n); err != nil {
		return nil, fmt.Errorf("peoplestub: seed %d: %w", n, err)
	}
	names := make([]string, 0, n)
	base := len(s.all)
	for i := 0; i < n; i++ {
		k := base + i + 1
		p := &people.Person{
			Names:          []*people.Name{{GivenName: "Seed", FamilyName: fmt.Sprintf("Contact %d", k)}},
			EmailAddresses: []*people.EmailAddress{{Value: fmt.Sprintf("seed%d@example.com", k)}},
			PhoneNumbers:   []*people.PhoneNumber{{Value: fmt.Sprintf("+1555%07d", k)}},
		}
		normalize(p)
		names = append(names, s.insert(p, nil).name)
	}
	return names, nil
}

// EditAsOtherClient simulates another client (e.g. the Contacts web UI)
// editing a contact: edit receives a deep copy of the full person and its
// changes are stored (output-only fields are ignored; memberships are
// applied), giving the contact a new etag and a new change sequence.
func (s *Server) EditAsOtherClient(resourceName string, edit func(*people.Person)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, apiErr := s.lookup(resourceName)
	if apiErr != nil {
		return fmt.Errorf("peoplestub: edit %s: %w", resourceName, apiErr)
	}
	p, err := clonePerson(c.render(nil, false))
	if err != nil {
		return err
	}
	edit(p)
	groups, apiErr := s.groupsFromMemberships(p.Memberships)
	if apiErr != nil {
		return fmt.Errorf("peoplestub: edit %s: %w", resourceName, apiErr)
	}
	normalize(p)
	c.person = p
	s.setGroups(c, groups)
	s.touch(c)
	return nil
}

// DeleteAsOtherClient deletes a contact as another client would.
func (s *Server) DeleteAsOtherClient(resourceName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, apiErr := s.lookup(resourceName)
	if apiErr != nil {
		return fmt.Errorf("peoplestub: delete %s: %w", resourceName, apiErr)
	}
	s.remove(c)
	return nil
}

// Rename gives a contact a new resource name (as Google does when a
// contact gets linked to a profile). The old name stops resolving, and
// later incremental sync results list it in metadata.previousResourceNames.
func (s *Server) Rename(old string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, apiErr := s.lookup(old)
	if apiErr != nil {
		return "", fmt.Errorf("peoplestub: rename %s: %w", old, apiErr)
	}
	s.nextID++
	delete(s.contacts, old)
	c.prev = append(c.prev, old)
	c.name = fmt.Sprintf("people/c%d", s.nextID)
	s.contacts[c.name] = c
	s.touch(c)
	return c.name, nil
}

// Person returns a deep copy of a live contact with all fields, or false.
func (s *Server) Person(resourceName string) (*people.Person, bool) {
	s.mu.Lock()
	c := s.contacts[resourceName]
	var p *people.Person
	if c != nil {
		p = c.render(nil, false)
	}
	s.mu.Unlock()
	if p == nil {
		return nil, false
	}
	cp, err := clonePerson(p)
	return cp, err == nil
}

// ResourceNames lists the live contacts, oldest first.
func (s *Server) ResourceNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.contacts))
	for _, c := range s.all {
		if !c.deleted {
			out = append(out, c.name)
		}
	}
	return out
}

// Len returns the number of live contacts.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.contacts)
}
