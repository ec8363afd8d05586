package peoplestub

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Request is one logged request.
type Request struct {
	// Op is the API method id, e.g. "people.connections.list", or
	// "unknown" for unrouted paths.
	Op string
	// Method is the HTTP method.
	Method string
	// Path is the URL path, e.g. "/v1/people/me/connections".
	Path string
	// Query is a copy of the query parameters.
	Query url.Values
	// Body is the request body (the batch methods carry their masks and
	// contacts there).
	Body []byte
	// Status is the HTTP status answered (0 if the connection was closed).
	Status int
	// Time is when the request arrived, by the server's clock.
	Time time.Time
}

type requestLog struct {
	mu   sync.Mutex
	reqs []Request
}

func (l *requestLog) begin(op string, r *http.Request, now time.Time) int {
	q := url.Values{}
	for k, v := range r.URL.Query() {
		q[k] = append([]string(nil), v...)
	}
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, Request{Op: op, Method: r.Method, Path: r.URL.Path, Query: q, Body: body, Time: now})
	return len(l.reqs) - 1
}

func (l *requestLog) finish(i, code int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i < len(l.reqs) {
		l.reqs[i].Status = code
	}
}

// Requests returns a copy of the request log, oldest first. op filters
// by API method id; empty returns all.
func (s *Server) Requests(op string) []Request {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	var out []Request
	for _, r := range s.log.reqs {
		if op == "" || r.Op == op {
			out = append(out, r)
		}
	}
	return out
}

// RequestCount returns how many requests were made for an API method id
// (empty counts all).
func (s *Server) RequestCount(op string) int {
	return len(s.Requests(op))
}

// LastRequest returns the latest request for an API method id (empty:
// any) and whether there was one.
func (s *Server) LastRequest(op string) (Request, bool) {
	rs := s.Requests(op)
	if len(rs) == 0 {
		return Request{}, false
	}
	return rs[len(rs)-1], true
}

// ResetLog clears the request log.
func (s *Server) ResetLog() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.reqs = nil
}
