package peoplestub

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	people "google.golang.org/api/people/v1"
)

// maxCursors bounds how many page tokens are remembered.
const maxCursors = 4096

// syncToken is an issued sync token.
type syncToken struct {
	kind    string // "people" or "groups"
	seq     uint64 // changes after this sequence are returned
	fp      string // parameters of the call that requested it
	issued  time.Time
	expired bool
}

// listSession is a snapshot taken by the first page of a list.
type listSession struct {
	fp        string
	items     []contact
	groups    []*people.ContactGroup
	syncSeq   uint64 // sequence at snapshot time, for nextSyncToken
	giveSync  bool
	withPrev  bool
	syncKind  string
	syncFP    string
	pageSize  int
	totalSize int
}

// pageCursor is what a page token points at. Tokens are reusable, so a
// page can be retried after a failure.
type pageCursor struct {
	sess   *listSession
	offset int
}

// newToken returns a fresh opaque token. Callers hold s.mu.
func (s *Server) newToken(prefix string) string {
	s.tokenN++
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s:%d:%d", prefix, s.tokenN, s.now().UnixNano())))
}

// ExpireSyncTokens makes every sync token issued so far fail with
// EXPIRED_SYNC_TOKEN.
func (s *Server) ExpireSyncTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.syncTokens {
		t.expired = true
	}
}

// checkSync validates a sync token. Callers hold s.mu.
func (s *Server) checkSync(tok, kind, fp string) (*syncToken, *apiError) {
	t := s.syncTokens[tok]
	if t == nil || t.kind != kind {
		return nil, errInvalid("Sync token is invalid.")
	}
	if t.expired || (s.opts.SyncTokenTTL > 0 && s.now().Sub(t.issued) > s.opts.SyncTokenTTL) {
		return nil, errExpiredSyncToken()
	}
	if t.fp != fp {
		return nil, errInvalid(MsgInvalidArgument)
	}
	return t, nil
}

// pageSizeParam parses pageSize with Google's bounds.
func pageSizeParam(q url.Values, def int) (int, *apiError) {
	v := q.Get("pageSize")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1000 {
		return 0, errInvalid("Invalid pageSize: must be between 1 and 1000.")
	}
	if n == 0 {
		n = def
	}
	return n, nil
}

// fingerprint joins the given query params (pageToken excluded) so
// pages can be checked for unchanged parameters.
func fingerprint(q url.Values, keys ...string) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + strings.Join(q[k], ",") + "&")
	}
	return b.String()
}

func (s *Server) listConnections(r *http.Request, _ string) (int, any, *apiError) {
	q := r.URL.Query()
	mask, err := parseMask(personFieldsParam(q), "personFields", true, isReadField)
	if err != nil {
		return 0, nil, err
	}
	size, err := pageSizeParam(q, 100)
	if err != nil {
		return 0, nil, err
	}
	order := q.Get("sortOrder")
	switch order {
	case "", "LAST_MODIFIED_ASCENDING", "LAST_MODIFIED_DESCENDING", "FIRST_NAME_ASCENDING", "LAST_NAME_ASCENDING":
	default:
		return 0, nil, errInvalid(fmt.Sprintf("Invalid value at 'sort_order', %q", order))
	}
	fp := fingerprint(q, "personFields", "requestMask.includeField", "pageSize", "sortOrder", "requestSyncToken", "syncToken", "sources")
	syncFP := fingerprint(q, "personFields", "requestMask.includeField", "sources")

	s.mu.Lock()
	defer s.mu.Unlock()
	if tok := q.Get("pageToken"); tok != "" {
		cur, ok := s.cursors[tok]
		if !ok || cur.sess.syncKind != "people" {
			return 0, nil, errInvalid("Page token is invalid.")
		}
		if cur.sess.fp != fp {
			return 0, nil, errInvalid(MsgInvalidArgument)
		}
		return http.StatusOK, s.connectionsPage(cur, mask), nil
	}
	sess := &listSession{fp: fp, pageSize: size, syncSeq: s.seq, syncKind: "people", syncFP: syncFP}
	sess.giveSync = q.Get("requestSyncToken") == "true"
	if st := q.Get("syncToken"); st != "" {
		t, err := s.checkSync(st, "people", syncFP)
		if err != nil {
			return 0, nil, err
		}
		sess.giveSync, sess.withPrev = true, true
		for _, c := range s.all {
			if c.seq > t.seq {
				sess.items = append(sess.items, *c)
			}
		}
		sort.Slice(sess.items, func(i, j int) bool { return sess.items[i].seq < sess.items[j].seq })
	} else {
		sess.items = make([]contact, 0, len(s.contacts))
		for _, c := range s.all {
			if !c.deleted {
				sess.items = append(sess.items, *c)
			}
		}
		sortContacts(sess.items, order)
	}
	if sess.items == nil {
		sess.items = []contact{}
	}
	sess.totalSize = len(sess.items)
	return http.StatusOK, s.connectionsPage(pageCursor{sess: sess}, mask), nil
}

// sortContacts orders a full listing by sortOrder.
func sortContacts(items []contact, order string) {
	key := func(c *contact, family bool) string {
		if len(c.person.Names) == 0 || c.person.Names[0] == nil {
			return "\uffff"
		}
		if family {
			return strings.ToLower(c.person.Names[0].FamilyName)
		}
		return strings.ToLower(c.person.Names[0].GivenName)
	}
	switch order {
	case "LAST_MODIFIED_DESCENDING":
		sort.SliceStable(items, func(i, j int) bool { return items[i].seq > items[j].seq })
	case "FIRST_NAME_ASCENDING", "LAST_NAME_ASCENDING":
		fam := order == "LAST_NAME_ASCENDING"
		sort.SliceStable(items, func(i, j int) bool { return key(&items[i], fam) < key(&items[j], fam) })
	default:
		sort.SliceStable(items, func(i, j int) bool { return items[i].seq < items[j].seq })
	}
}

// connectionsPage renders one page and registers the next page token.
// Callers hold s.mu.
func (s *Server) connectionsPage(cur pageCursor, mask fieldMask) *people.ListConnectionsResponse {
	sess := cur.sess
	end := min(cur.offset+sess.pageSize, len(sess.items))
	resp := &people.ListConnectionsResponse{
		TotalItems:  int64(sess.totalSize),
		TotalPeople: int64(sess.totalSize),
		Connections: make([]*people.Person, 0, end-cur.offset),
	}
	for i := cur.offset; i < end; i++ {
		resp.Connections = append(resp.Connections, sess.items[i].render(mask, sess.withPrev))
	}
	if end < len(sess.items) {
		resp.NextPageToken = s.addCursor(pageCursor{sess: sess, offset: end})
	} else if sess.giveSync {
		resp.NextSyncToken = s.issueSync(sess)
	}
	return resp
}

// issueSync creates the nextSyncToken for a finished list. Callers hold s.mu.
func (s *Server) issueSync(sess *listSession) string {
	tok := s.newToken("sync-" + sess.syncKind)
	s.syncTokens[tok] = &syncToken{kind: sess.syncKind, seq: sess.syncSeq, fp: sess.syncFP, issued: s.now()}
	return tok
}

// addCursor registers a page token. Callers hold s.mu.
func (s *Server) addCursor(cur pageCursor) string {
	tok := s.newToken("page")
	s.cursors[tok] = cur
	s.cursorFIFO = append(s.cursorFIFO, tok)
	if len(s.cursorFIFO) > maxCursors {
		delete(s.cursors, s.cursorFIFO[0])
		s.cursorFIFO = s.cursorFIFO[1:]
	}
	return tok
}
