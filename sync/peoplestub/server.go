// Package peoplestub is an in-memory stand-in for Google's People API v1,
// served as an http.Handler and meant to be reached through the official
// client google.golang.org/api/people/v1:
//
//	srv := httptest.NewServer(peoplestub.New(peoplestub.Options{}))
//	svc, _ := people.NewService(ctx,
//		option.WithEndpoint(srv.URL+"/"), option.WithoutAuthentication())
//
// It implements contacts (connections.list with paging and sync tokens,
// get, getBatchGet, create/update/delete and their batch forms) and
// contact groups (list/get/batchGet/create/update/delete/members.modify)
// with Google's JSON shapes and error bodies (a refused batch names its bad
// contacts), plus Google's per-minute quota (Options.QuotaPerMinute, and
// the extra quota of a full listing's first page), fault injection and a
// request log for tests.
package peoplestub

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Defaults mirroring Google's documented limits.
const (
	// DefaultMaxContacts is the per-account contact limit (25,000).
	DefaultMaxContacts = 25000
	// DefaultSyncTokenTTL is how long a sync token stays valid (7 days).
	DefaultSyncTokenTTL = 7 * 24 * time.Hour
)

// Options configures a Server. The zero value is usable.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SyncTokenTTL is the age after which a sync token is rejected with
	// EXPIRED_SYNC_TOKEN. Zero means DefaultSyncTokenTTL; negative means
	// tokens never expire by age (ExpireSyncTokens still works).
	SyncTokenTTL time.Duration
	// MaxContacts is the contact limit; zero means DefaultMaxContacts.
	MaxContacts int
	// QuotaPerMinute, when positive, is the account's requests a minute
	// (Google's default per-user limit is 90): one more in any 60 seconds
	// is answered 429 RESOURCE_EXHAUSTED as Google does. Zero: no quota.
	QuotaPerMinute int
	// FullSyncQuotaPerMinute, when positive, is the extra quota Google
	// puts on the first page of a full contacts listing (fixed at Google,
	// its value undocumented). Zero: none.
	FullSyncQuotaPerMinute int
}

// Server is the fake People API. It is safe for concurrent use.
type Server struct {
	opts Options
	now  func() time.Time

	mu     sync.Mutex
	seq    uint64 // global change sequence
	nextID uint64
	tokenN uint64

	contacts map[string]*contact // live contacts by resource name
	byID     map[uint64]*contact
	all      []*contact // every contact ever created, incl. deleted

	groups     map[string]*group // by resource name, incl. deleted
	groupOrder []*group
	nextGroup  uint64

	syncTokens map[string]*syncToken
	cursors    map[string]pageCursor
	cursorFIFO []string

	faults faultState
	quota  quotaState
	log    requestLog
}

// New returns a Server with the system contact groups and no contacts.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SyncTokenTTL == 0 {
		opts.SyncTokenTTL = DefaultSyncTokenTTL
	}
	if opts.MaxContacts == 0 {
		opts.MaxContacts = DefaultMaxContacts
	}
	s := &Server{
		opts:       opts,
		now:        opts.Now,
		nextID:     7100000000000000000,
		contacts:   map[string]*contact{},
		byID:       map[uint64]*contact{},
		groups:     map[string]*group{},
		syncTokens: map[string]*syncToken{},
		cursors:    map[string]pageCursor{},
		nextGroup:  0x1f3a5c7e9b0d2460,
	}
	s.initSystemGroups()
	return s
}

// handlerFunc serves one API method; path is the part after "/v1/".
type handlerFunc func(s *Server, r *http.Request, path string) (int, any, *apiError)

// route maps a request to its API method id and handler.
func route(method, p string) (string, handlerFunc) {
	switch {
	case p == "people/me/connections" && method == http.MethodGet:
		return "people.connections.list", (*Server).listConnections
	case p == "people:createContact" && method == http.MethodPost:
		return "people.createContact", (*Server).createContact
	case p == "people:batchGet" && method == http.MethodGet:
		return "people.getBatchGet", (*Server).getBatchGet
	case p == "people:batchCreateContacts" && method == http.MethodPost:
		return "people.batchCreateContacts", (*Server).batchCreate
	case p == "people:batchUpdateContacts" && method == http.MethodPost:
		return "people.batchUpdateContacts", (*Server).batchUpdate
	case p == "people:batchDeleteContacts" && method == http.MethodPost:
		return "people.batchDeleteContacts", (*Server).batchDelete
	case strings.HasPrefix(p, "people/") && strings.HasSuffix(p, ":updateContact") && method == http.MethodPatch:
		return "people.updateContact", (*Server).updateContact
	case strings.HasPrefix(p, "people/") && strings.HasSuffix(p, ":deleteContact") && method == http.MethodDelete:
		return "people.deleteContact", (*Server).deleteContact
	case strings.HasPrefix(p, "people/") && !strings.Contains(p, ":") && method == http.MethodGet:
		return "people.get", (*Server).getPerson
	case p == "contactGroups" && method == http.MethodGet:
		return "contactGroups.list", (*Server).listGroups
	case p == "contactGroups" && method == http.MethodPost:
		return "contactGroups.create", (*Server).createGroup
	case p == "contactGroups:batchGet" && method == http.MethodGet:
		return "contactGroups.batchGet", (*Server).batchGetGroups
	case strings.HasPrefix(p, "contactGroups/") && strings.HasSuffix(p, "/members:modify") && method == http.MethodPost:
		return "contactGroups.members.modify", (*Server).modifyMembers
	case strings.HasPrefix(p, "contactGroups/") && method == http.MethodGet:
		return "contactGroups.get", (*Server).getGroup
	case strings.HasPrefix(p, "contactGroups/") && method == http.MethodPut:
		return "contactGroups.update", (*Server).updateGroup
	case strings.HasPrefix(p, "contactGroups/") && method == http.MethodDelete:
		return "contactGroups.delete", (*Server).deleteGroup
	}
	return "unknown", nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, "/v1/")
	op, h := route(r.Method, p)
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	idx := s.log.begin(op, r, s.now())
	defer func() { s.log.finish(idx, rec.code) }()

	if err := s.applyFaults(rec, r, op); err != nil {
		writeError(rec, err)
		return
	}
	if h == nil || !strings.HasPrefix(r.URL.Path, "/v1/") {
		writeError(rec, errNotFound())
		return
	}
	if err := s.takeQuota(r, op); err != nil {
		writeError(rec, err)
		return
	}
	code, body, apiErr := h(s, r, p)
	if apiErr != nil {
		writeError(rec, apiErr)
		return
	}
	writeJSON(rec, code, body)
}

// statusRecorder remembers the status code written.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (w *statusRecorder) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}
