package peoplestub

import (
	"fmt"
	"net/http"
	"strconv"
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

// batchCreate creates contacts all or none: when some are invalid Google
// refuses the whole batch and names them by index in a
// BatchCreateContactsErrorDetails.
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
	bad := map[string]rpcStatus{}
	for i, ct := range req.Contacts {
		if ct == nil || ct.ContactPerson == nil {
			bad[strconv.Itoa(i)] = rpcStatus{Code: rpcInvalidArgument, Message: "contactPerson is required."}
			continue
		}
		if _, err := s.groupsFromMemberships(ct.ContactPerson.Memberships); err != nil {
			bad[strconv.Itoa(i)] = rpcStatus{Code: rpcInvalidArgument, Message: err.Message}
			continue
		}
		if msg := s.faults.rejects(ct.ContactPerson); msg != "" {
			bad[strconv.Itoa(i)] = rpcStatus{Code: rpcInvalidArgument, Message: msg}
		}
	}
	if len(bad) > 0 {
		return 0, nil, errBatch("type.googleapis.com/google.people.v1.BatchCreateContactsErrorDetails", bad)
	}
	resp := &people.BatchCreateContactsResponse{}
	for _, ct := range req.Contacts {
		c, err := s.newPerson(ct.ContactPerson)
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

// batchUpdate is all-or-nothing: when a contact is gone, stale (etag) or
// invalid, Google refuses the whole batch before writing anything and
// names each culprit by resource name in a BatchUpdateContactsErrorDetails.
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
	bad := map[string]rpcStatus{}
	for name, p := range req.Contacts {
		c, err := s.lookup(name)
		switch {
		case err != nil:
			bad[name] = rpcStatus{Code: rpcNotFound, Message: MsgNotFound}
		case p.Etag != c.etag():
			bad[name] = rpcStatus{Code: rpcFailedPrecondition, Message: MsgEtagMismatch}
		default:
			if msg := s.faults.rejects(&p); msg != "" {
				bad[name] = rpcStatus{Code: rpcInvalidArgument, Message: msg}
			}
		}
	}
	if len(bad) > 0 {
		return 0, nil, errBatch("type.googleapis.com/google.people.v1.BatchUpdateContactsErrorDetails", bad)
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

// google.rpc.Code values of per-contact statuses.
const (
	rpcInvalidArgument    = 3
	rpcNotFound           = 5
	rpcFailedPrecondition = 9
)

// errBatch is the error of a refused batch: 400, with the status of the
// most telling contact error (a stale etag first), and every culprit in
// the details. (Google documents the details; the top-level code and
// message are the stub's reading.)
func errBatch(detailType string, bad map[string]rpcStatus) *apiError {
	var e *apiError
	for _, want := range []int{rpcFailedPrecondition, rpcInvalidArgument, rpcNotFound} {
		for _, st := range bad {
			if st.Code != want || e != nil {
				continue
			}
			switch want {
			case rpcFailedPrecondition:
				e = errPrecondition(st.Message)
			default:
				e = errInvalid(st.Message)
			}
		}
	}
	e.Details = []any{batchErrorDetails{Type: detailType, ContactErrors: bad}}
	return e
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
