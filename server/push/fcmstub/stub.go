// Package fcmstub is an in-process stand-in for the FCM HTTP v1 send API,
// meant to be reached through the official Firebase Admin SDK:
//
//	srv := httptest.NewServer(fcmstub.New())
//	app, _ := firebase.NewApp(ctx, &firebase.Config{ProjectID: "p"},
//		option.WithEndpoint(srv.URL+"/v1"), option.WithoutAuthentication())
//	client, _ := app.Messaging(ctx)
//
// It serves POST /v1/projects/{project}/messages:send, validates requests
// the way FCM does, records every accepted message and answers with FCM's
// own error bodies. Faults (unregistered tokens, queued errors, latency)
// can be injected from any goroutine.
//
// The SDK's SendEach and SendEachForMulticast issue one messages:send
// request per message, so they work unchanged. The retired multipart batch
// endpoint used by the deprecated SendAll is not served (404), as on FCM.
package fcmstub

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Message is one accepted send request as the stub recorded it.
type Message struct {
	// ID is the message id in the answer's name, projects/P/messages/ID.
	ID string
	// Project is the project id from the request path.
	Project string
	// ValidateOnly is set for dry runs; FCM would not deliver these.
	ValidateOnly bool
	// Token is the registration token the message was addressed to.
	Token string
	// Data is the data payload (nil when absent).
	Data map[string]string
	// Notification reports a top-level notification block.
	Notification bool
	// Android holds the android block, nil when absent.
	Android *Android
	// Raw is the "message" object exactly as sent.
	Raw json.RawMessage
	// Received is when the stub accepted the message.
	Received time.Time
}

// Android is the recorded android block of a Message.
type Android struct {
	// Priority is "normal", "high" or "" (unset), lower-cased.
	Priority string
	// HasTTL reports whether ttl was sent; TTL and TTLRaw are set with it.
	HasTTL bool
	// TTL is the parsed ttl.
	TTL time.Duration
	// TTLRaw is the ttl string as sent, e.g. "3.5s".
	TTLRaw string
	// CollapseKey is the collapse_key, "" when unset.
	CollapseKey string
	// Notification reports an android.notification block.
	Notification bool
}

// Attempt is one send request, accepted or not.
type Attempt struct {
	// Token is the target token, "" if the request did not parse.
	Token string
	// Status is the HTTP status answered.
	Status int
	// At is when the request arrived.
	At time.Time
}

type fault struct {
	kind       ErrorKind
	retryAfter time.Duration
}

// Server is the FCM stand-in. The zero value is not usable; call New.
type Server struct {
	mu           sync.Mutex
	unregistered map[string]bool
	faults       []fault
	delay        time.Duration
	gate         chan struct{}
	messages     []Message
	attempts     []Attempt
	nextID       int
	now          func() time.Time
}

// New returns an empty stub that accepts every project id.
func New() *Server {
	return &Server{unregistered: make(map[string]bool), now: time.Now}
}

// Unregister makes every later send to token fail with UNREGISTERED.
func (s *Server) Unregister(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unregistered[token] = true
}

// FailNext makes the next n valid send requests fail with kind. When
// retryAfter is positive the answers carry a Retry-After header in whole
// seconds. Queued failures are consumed in order. FailNext panics on an
// unknown kind.
func (s *Server) FailNext(n int, kind ErrorKind, retryAfter time.Duration) {
	if !kind.Known() {
		panic(fmt.Sprintf("fcmstub: unknown error kind %q", kind))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, fault{kind: kind, retryAfter: retryAfter})
	}
}

// SetDelay makes every later request wait d before it is answered (or until
// the client gives up).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Hold makes later requests wait, after they are counted in Attempts but
// before they are answered, until release is called or the client gives
// up. release may be called more than once.
func (s *Server) Hold() (release func()) {
	gate := make(chan struct{})
	s.mu.Lock()
	s.gate = gate
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			if s.gate == gate {
				s.gate = nil
			}
			s.mu.Unlock()
			close(gate)
		})
	}
}

// Messages returns a copy of the accepted messages in arrival order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// MessagesFor returns the accepted messages addressed to token.
func (s *Server) MessagesFor(token string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.Token == token {
			out = append(out, m)
		}
	}
	return out
}

// Attempts returns every send request seen so far, failed ones included.
func (s *Server) Attempts() []Attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Attempt(nil), s.attempts...)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	project, ok := parsePath(r.URL.Path)
	if !ok {
		writeStatus(w, http.StatusNotFound, "NOT_FOUND", "Requested entity was not found.")
		return
	}
	if r.Method != http.MethodPost {
		writeStatus(w, http.StatusMethodNotAllowed, "INVALID_ARGUMENT", "Method not allowed.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeStatus(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Could not read request body.")
		return
	}
	msg, bad := parse(body)
	idx, gate, delay := s.arrive(msg.Token)
	if !s.wait(r.Context(), gate, delay) {
		return // the client went away; nothing to answer
	}
	status := s.answer(w, project, msg, bad)
	s.mu.Lock()
	s.attempts[idx].Status = status
	s.mu.Unlock()
}

// arrive counts the request and returns its index with the current gate
// and delay.
func (s *Server) arrive(token string) (int, chan struct{}, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts = append(s.attempts, Attempt{Token: token, At: s.now()})
	return len(s.attempts) - 1, s.gate, s.delay
}

func (s *Server) wait(ctx context.Context, gate chan struct{}, delay time.Duration) bool {
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return false
		}
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// answer writes the response for a parsed request and returns its status.
func (s *Server) answer(w http.ResponseWriter, project string, msg Message, bad *badRequest) int {
	if bad != nil {
		writeBadRequest(w, bad.field, bad.description)
		return http.StatusBadRequest
	}
	s.mu.Lock()
	var f *fault
	if len(s.faults) > 0 {
		f = &s.faults[0]
		s.faults = s.faults[1:]
	} else if s.unregistered[msg.Token] {
		f = &fault{kind: Unregistered}
	}
	if f != nil {
		s.mu.Unlock()
		writeKind(w, f.kind, f.retryAfter)
		sh, _ := shapeOf(f.kind)
		return sh.code
	}
	s.nextID++
	msg.ID = fmt.Sprintf("%d", s.nextID)
	msg.Project = project
	msg.Received = s.now()
	s.messages = append(s.messages, msg)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"name": "projects/" + project + "/messages/" + msg.ID})
	return http.StatusOK
}

// parsePath extracts the project from /v1/projects/{project}/messages:send.
func parsePath(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/v1/projects/")
	if !ok {
		return "", false
	}
	project, ok := strings.CutSuffix(rest, "/messages:send")
	if !ok || project == "" || strings.Contains(project, "/") {
		return "", false
	}
	return project, true
}
