package peoplestub

import (
	"fmt"
	"net/http"
	"strings"

	people "google.golang.org/api/people/v1"
)

// Batch limits from the API reference.
const (
	maxBatchCreate = 200
	maxBatchUpdate = 200
	maxBatchDelete = 500
)

// readMaskOrSkip parses a batch readMask; empty skips the post-mutate get.
func readMaskOrSkip(raw string) (fieldMask, bool, *apiError) {
	if strings.TrimSpace(raw) == "" {
		return nil, true, nil
	}
	m, err := parseMask(raw, "readMask", true, isReadField)
	return m, false, err
}

func (s *Server) batchCreate(r *http.Request, _ string) (int, any, *apiError) {
	var req people.BatchCreateContactsRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	mask, skip, err := readMaskOrSkip(req.ReadMask)
	if err != nil {
		return 0, nil, err
	}
	if err := checkBatchSize(len(req.Contacts), maxBatchCreate); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLimit(len(req.Contacts)); err != nil {
		return 0, nil, err
	}
	for _, ct := range req.Contacts {
		if ct != nil && ct.ContactPerson != nil {
			if _, err := s.groupsFromMemberships(ct.ContactPerson.Memberships); err != nil {
				return 0, nil, err
			}
		}
	}
	resp := &people.BatchCreateContactsResponse{}
	for _, ct := range req.Contacts {
		var in *people.Person
		if ct != nil {
			in = ct.ContactPerson
		}
		c, err := s.newPerson(in)
		if err != nil {
			return 0, nil, err
		}
		pr := &people.PersonResponse{HttpStatusCode: 200, Status: &people.Status{}, RequestedResourceName: c.name}
		if !skip {
			pr.Person = c.render(mask, false)
		}
		resp.CreatedPeople = append(resp.CreatedPeople, pr)
	}
	return http.StatusOK, resp, nil
}

// batchUpdate is all-or-nothing: any invalid entry (unknown contact or
// stale etag) fails the whole call before anything is written.
func (s *Server) batchUpdate(r *http.Request, _ string) (int, any, *apiError) {
	var req people.BatchUpdateContactsRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	upd, err := parseMask(req.UpdateMask, "updateMask", true, isUpdateField)
	if err != nil {
		return 0, nil, err
	}
	mask, skip, err := readMaskOrSkip(req.ReadMask)
	if err != nil {
		return 0, nil, err
	}
	if err := checkBatchSize(len(req.Contacts), maxBatchUpdate); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, p := range req.Contacts {
		c, err := s.lookup(name)
		if err != nil {
			return 0, nil, err
		}
		if p.Etag != c.etag() {
			return 0, nil, errPrecondition(MsgEtagMismatch)
		}
	}
	resp := &people.BatchUpdateContactsResponse{UpdateResult: map[string]people.PersonResponse{}}
	for name, p := range req.Contacts {
		c, err := s.applyUpdate(name, &p, upd)
		if err != nil {
			return 0, nil, err
		}
		pr := people.PersonResponse{HttpStatusCode: 200, Status: &people.Status{}, RequestedResourceName: name}
		if !skip {
			pr.Person = c.render(mask, false)
		}
		resp.UpdateResult[name] = pr
	}
	return http.StatusOK, resp, nil
}

func (s *Server) batchDelete(r *http.Request, _ string) (int, any, *apiError) {
	var req people.BatchDeleteContactsRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if len(req.ResourceNames) == 0 {
		return 0, nil, errInvalid("resourceNames must not be empty.")
	}
	if len(req.ResourceNames) > maxBatchDelete {
		return 0, nil, errInvalid(fmt.Sprintf("Too many resourceNames in the request. The maximum is %d.", maxBatchDelete))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range req.ResourceNames {
		if _, err := s.lookup(n); err != nil {
			return 0, nil, err
		}
	}
	for _, n := range req.ResourceNames {
		if c := s.contacts[n]; c != nil {
			s.remove(c)
		}
	}
	return http.StatusOK, struct{}{}, nil
}

// checkBatchSize answers as People API does for an empty or too large
// batch of contacts.
func checkBatchSize(n, most int) *apiError {
	if n == 0 {
		return errInvalid("contacts must not be empty.")
	}
	if n > most {
		return errInvalid(fmt.Sprintf("Too many contacts in the request. The maximum is %d.", most))
	}
	return nil
}
