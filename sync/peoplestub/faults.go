package peoplestub

import (
	"net/http"
	"strings"
	"sync"
	"time"

	people "google.golang.org/api/people/v1"
)

// DownMode selects how a Server behaves while "down".
type DownMode int

const (
	// Up serves requests normally.
	Up DownMode = iota
	// Down503 answers every request with 503 UNAVAILABLE.
	Down503
	// DownCloseConn aborts every request by closing the connection
	// without a response.
	DownCloseConn
)

// Fault is a queued failure returned instead of serving a request.
type Fault struct {
	// Status is the HTTP status to return, e.g. 429, 500 or 503.
	Status int
	// RetryAfter, when positive, is sent as the Retry-After header (in
	// whole seconds, rounded up).
	RetryAfter time.Duration
	// Op restricts the fault to one API method id such as
	// "people.connections.list" or "people.updateContact"; empty matches all.
	Op string
	// PathPrefix restricts the fault to request paths with this prefix,
	// e.g. "/v1/contactGroups"; empty matches all.
	PathPrefix string
	// Count is how many requests fail; values < 1 mean 1.
	Count int
}

type faultState struct {
	mu     sync.Mutex
	queue  []Fault
	delay  time.Duration
	down   DownMode
	reject func(*people.Person) string
}

// RejectContacts makes the batch create and update methods find the
// contacts for which reject returns a message invalid (INVALID_ARGUMENT,
// that message), as Google does for a contact it will not store: the
// whole batch is refused and the contact named. nil stops it.
func (s *Server) RejectContacts(reject func(*people.Person) string) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.reject = reject
}

// rejects is the injected rejection of p, if any.
func (f *faultState) rejects(p *people.Person) string {
	f.mu.Lock()
	r := f.reject
	f.mu.Unlock()
	if r == nil || p == nil {
		return ""
	}
	return r(p)
}

// InjectFault queues a failure. Queued faults are consumed in order by
// the first matching requests.
func (s *Server) InjectFault(f Fault) {
	if f.Count < 1 {
		f.Count = 1
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.queue = append(s.faults.queue, f)
}

// FailNext queues n failures with the given HTTP status for any request.
func (s *Server) FailNext(n, status int) {
	s.InjectFault(Fault{Status: status, Count: n})
}

// ClearFaults drops all queued faults, the delay and down mode.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.queue = nil
	s.faults.delay = 0
	s.faults.down = Up
}

// PendingFaults reports how many queued failures are still to be served.
func (s *Server) PendingFaults() int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	n := 0
	for _, f := range s.faults.queue {
		n += f.Count
	}
	return n
}

// SetDelay makes every request wait d (real time, cancelled with the
// request's context) before being served. Zero disables it.
func (s *Server) SetDelay(d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.delay = d
}

// SetDown switches down mode on or off.
func (s *Server) SetDown(m DownMode) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.down = m
}

// applyFaults returns the error to send instead of serving r, if any. In
// DownCloseConn mode it aborts the handler, closing the connection.
func (s *Server) applyFaults(w http.ResponseWriter, r *http.Request, op string) *apiError {
	s.faults.mu.Lock()
	delay, down := s.faults.delay, s.faults.down
	var hit *Fault
	if down == Up {
		for i := range s.faults.queue {
			f := &s.faults.queue[i]
			if (f.Op == "" || f.Op == op) && strings.HasPrefix(r.URL.Path, f.PathPrefix) {
				c := *f
				hit = &c
				f.Count--
				if f.Count == 0 {
					s.faults.queue = append(s.faults.queue[:i], s.faults.queue[i+1:]...)
				}
				break
			}
		}
	}
	s.faults.mu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	switch down {
	case Down503:
		return statusError(http.StatusServiceUnavailable, 0)
	case DownCloseConn:
		if rec, ok := w.(*statusRecorder); ok {
			rec.code = 0
		}
		panic(http.ErrAbortHandler)
	}
	if hit != nil {
		return statusError(hit.Status, hit.RetryAfter)
	}
	return nil
}
