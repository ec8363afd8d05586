package peoplestub

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	people "google.golang.org/api/people/v1"
)

// Group types as sent by Google.
const (
	// SystemGroup is the groupType of built-in groups such as myContacts.
	SystemGroup = "SYSTEM_CONTACT_GROUP"
	// UserGroup is the groupType of user-created groups.
	UserGroup = "USER_CONTACT_GROUP"
)

// group is a stored contact group.
type group struct {
	name       string // resource name
	title      string
	formatted  string
	gtype      string
	clientData []*people.GroupClientData
	members    map[uint64]struct{}
	version    uint64
	seq        uint64
	updated    time.Time
	deleted    bool
}

func (g *group) etag() string {
	return "%" + base64.RawStdEncoding.EncodeToString([]byte(fmt.Sprintf("%s#%d", g.name, g.version)))
}

func (s *Server) initSystemGroups() {
	for _, sg := range [][2]string{
		{"myContacts", "My Contacts"}, {"starred", "Starred"},
		{"friends", "Friends"}, {"family", "Family"}, {"coworkers", "Coworkers"},
	} {
		g := &group{name: "contactGroups/" + sg[0], title: sg[0], formatted: sg[1],
			gtype: SystemGroup, members: map[uint64]struct{}{}}
		s.groups[g.name] = g
		s.groupOrder = append(s.groupOrder, g)
		s.touchGroup(g)
	}
}

// touchGroup records a change to g. Callers hold s.mu.
func (s *Server) touchGroup(g *group) {
	s.seq++
	g.seq = s.seq
	g.version++
	g.updated = s.now()
}

// isGroupField reports whether f is a valid groupFields path.
func isGroupField(f string) bool {
	switch f {
	case "clientData", "groupType", "memberCount", "metadata", "name":
		return true
	}
	return false
}

// groupMask parses groupFields/readGroupFields, defaulting to def.
func groupMask(raw, param, def string) (fieldMask, *apiError) {
	if strings.TrimSpace(raw) == "" {
		raw = def
	}
	m := fieldMask{}
	for _, f := range strings.Split(raw, ",") {
		f = strings.TrimSpace(f)
		if !isGroupField(f) {
			return nil, errInvalid(fmt.Sprintf("Invalid %s mask path: %q.", param, f))
		}
		m[f] = true
	}
	return m, nil
}

// render builds the full wire form of g. Callers hold s.mu.
func (s *Server) renderGroup(g *group, maxMembers int) *people.ContactGroup {
	cg := &people.ContactGroup{ResourceName: g.name, Etag: g.etag(),
		Metadata: &people.ContactGroupMetadata{UpdateTime: g.updated.UTC().Format(time.RFC3339Nano)}}
	if g.deleted {
		cg.Metadata.Deleted = true
		return cg
	}
	cg.GroupType, cg.Name, cg.FormattedName = g.gtype, g.title, g.formatted
	cg.MemberCount, cg.ClientData = int64(len(g.members)), g.clientData
	if maxMembers > 0 {
		var names []string
		for id := range g.members {
			names = append(names, s.byID[id].name)
		}
		sort.Strings(names)
		cg.MemberResourceNames = names[:min(maxMembers, len(names))]
	}
	return cg
}

// maskGroup returns a copy of cg restricted to mask.
func maskGroup(cg *people.ContactGroup, mask fieldMask) *people.ContactGroup {
	out := &people.ContactGroup{ResourceName: cg.ResourceName, Etag: cg.Etag,
		MemberResourceNames: cg.MemberResourceNames}
	if mask["metadata"] || (cg.Metadata != nil && cg.Metadata.Deleted) {
		out.Metadata = cg.Metadata
	}
	if mask["groupType"] {
		out.GroupType = cg.GroupType
	}
	if mask["name"] {
		out.Name, out.FormattedName = cg.Name, cg.FormattedName
	}
	if mask["memberCount"] {
		out.MemberCount = cg.MemberCount
	}
	if mask["clientData"] {
		out.ClientData = cg.ClientData
	}
	return out
}

const defaultGroupFields = "metadata,groupType,memberCount,name"

func (s *Server) listGroups(r *http.Request, _ string) (int, any, *apiError) {
	q := r.URL.Query()
	mask, err := groupMask(q.Get("groupFields"), "groupFields", defaultGroupFields)
	if err != nil {
		return 0, nil, err
	}
	size, err := pageSizeParam(q, 30)
	if err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var cur pageCursor
	if tok := q.Get("pageToken"); tok != "" {
		c, ok := s.cursors[tok]
		if !ok || c.sess.syncKind != "groups" {
			return 0, nil, errInvalid("Page token is invalid.")
		}
		cur = c
	} else {
		sess := &listSession{syncKind: "groups", syncSeq: s.seq, giveSync: true, pageSize: size}
		var since uint64
		incremental := false
		if st := q.Get("syncToken"); st != "" {
			t, err := s.checkSync(st, "groups", "")
			if err != nil {
				return 0, nil, err
			}
			since, incremental = t.seq, true
		}
		for _, g := range s.groupOrder {
			if (incremental && g.seq > since) || (!incremental && !g.deleted) {
				sess.groups = append(sess.groups, s.renderGroup(g, 0))
			}
		}
		sess.totalSize = len(sess.groups)
		cur = pageCursor{sess: sess}
	}
	sess := cur.sess
	end := min(cur.offset+sess.pageSize, len(sess.groups))
	resp := &people.ListContactGroupsResponse{TotalItems: int64(sess.totalSize)}
	for _, cg := range sess.groups[cur.offset:end] {
		resp.ContactGroups = append(resp.ContactGroups, maskGroup(cg, mask))
	}
	if end < len(sess.groups) {
		resp.NextPageToken = s.addCursor(pageCursor{sess: sess, offset: end})
	} else {
		resp.NextSyncToken = s.issueSync(sess)
	}
	return http.StatusOK, resp, nil
}

// liveGroup finds a non-deleted group. Callers hold s.mu.
func (s *Server) liveGroup(name string) (*group, *apiError) {
	g := s.groups[name]
	if g == nil || g.deleted {
		return nil, errNotFound()
	}
	return g, nil
}

func maxMembersParam(r *http.Request) (int, *apiError) {
	v := r.URL.Query().Get("maxMembers")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errInvalid("Invalid maxMembers.")
	}
	return n, nil
}

func (s *Server) getGroup(r *http.Request, p string) (int, any, *apiError) {
	mask, err := groupMask(r.URL.Query().Get("groupFields"), "groupFields", defaultGroupFields)
	if err != nil {
		return 0, nil, err
	}
	maxM, err := maxMembersParam(r)
	if err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.liveGroup(p)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, maskGroup(s.renderGroup(g, maxM), mask), nil
}

func (s *Server) batchGetGroups(r *http.Request, _ string) (int, any, *apiError) {
	q := r.URL.Query()
	mask, err := groupMask(q.Get("groupFields"), "groupFields", defaultGroupFields)
	if err != nil {
		return 0, nil, err
	}
	maxM, err := maxMembersParam(r)
	if err != nil {
		return 0, nil, err
	}
	names := q["resourceNames"]
	if len(names) == 0 || len(names) > 200 {
		return 0, nil, errInvalid("Between 1 and 200 resourceNames are required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := &people.BatchGetContactGroupsResponse{}
	for _, n := range names {
		cr := &people.ContactGroupResponse{RequestedResourceName: n, Status: &people.Status{}}
		if g, err := s.liveGroup(n); err == nil {
			cr.ContactGroup = maskGroup(s.renderGroup(g, maxM), mask)
		} else {
			cr.Status = &people.Status{Code: 5, Message: MsgNotFound}
		}
		resp.Responses = append(resp.Responses, cr)
	}
	return http.StatusOK, resp, nil
}

// nameTaken reports whether a live group other than except uses title.
func (s *Server) nameTaken(title string, except *group) bool {
	for _, g := range s.groupOrder {
		if g != except && !g.deleted && (g.title == title || g.formatted == title) {
			return true
		}
	}
	return false
}

func errGroupExists() *apiError {
	return newErr(http.StatusConflict, "ALREADY_EXISTS", "Contact group name already exists.")
}

func (s *Server) createGroup(r *http.Request, _ string) (int, any, *apiError) {
	var req people.CreateContactGroupRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	mask, err := groupMask(req.ReadGroupFields, "readGroupFields", "metadata,groupType,name")
	if err != nil {
		return 0, nil, err
	}
	if req.ContactGroup == nil || strings.TrimSpace(req.ContactGroup.Name) == "" {
		return 0, nil, errInvalid("Contact group name must not be empty.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nameTaken(req.ContactGroup.Name, nil) {
		return 0, nil, errGroupExists()
	}
	s.nextGroup += 0x1b3
	g := &group{name: fmt.Sprintf("contactGroups/%x", s.nextGroup), title: req.ContactGroup.Name,
		formatted: req.ContactGroup.Name, gtype: UserGroup, clientData: req.ContactGroup.ClientData,
		members: map[uint64]struct{}{}}
	s.groups[g.name] = g
	s.groupOrder = append(s.groupOrder, g)
	s.touchGroup(g)
	return http.StatusOK, maskGroup(s.renderGroup(g, 0), mask), nil
}

func (s *Server) updateGroup(r *http.Request, p string) (int, any, *apiError) {
	var req people.UpdateContactGroupRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	mask, err := groupMask(req.ReadGroupFields, "readGroupFields", "metadata,groupType,name")
	if err != nil {
		return 0, nil, err
	}
	upd, err := groupMask(req.UpdateGroupFields, "updateGroupFields", "name")
	if err != nil {
		return 0, nil, err
	}
	if upd["groupType"] || upd["memberCount"] || upd["metadata"] {
		return 0, nil, errInvalid("updateGroupFields may only contain name and clientData.")
	}
	in := req.ContactGroup
	if in == nil {
		return 0, nil, errInvalid("contactGroup is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.liveGroup(p)
	if err != nil {
		return 0, nil, err
	}
	if g.gtype == SystemGroup {
		return 0, nil, errPrecondition("Cannot update a system contact group.")
	}
	if in.Etag != "" && in.Etag != g.etag() {
		return 0, nil, errPrecondition("Request contact group etag is different than the current contact group etag. Clear local cache and get the latest contact group.")
	}
	if upd["name"] {
		if strings.TrimSpace(in.Name) == "" {
			return 0, nil, errInvalid("Contact group name must not be empty.")
		}
		if s.nameTaken(in.Name, g) {
			return 0, nil, errGroupExists()
		}
		g.title, g.formatted = in.Name, in.Name
	}
	if upd["clientData"] {
		g.clientData = in.ClientData
	}
	s.touchGroup(g)
	return http.StatusOK, maskGroup(s.renderGroup(g, 0), mask), nil
}

func (s *Server) deleteGroup(r *http.Request, p string) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.liveGroup(p)
	if err != nil {
		return 0, nil, err
	}
	if g.gtype == SystemGroup {
		return 0, nil, errPrecondition("Cannot delete a system contact group.")
	}
	deleteContacts := r.URL.Query().Get("deleteContacts") == "true"
	ids := make([]uint64, 0, len(g.members))
	for id := range g.members {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		c := s.byID[id]
		if deleteContacts {
			s.remove(c)
			continue
		}
		var keep []string
		for _, gn := range c.groups {
			if gn != g.name {
				keep = append(keep, gn)
			}
		}
		s.setGroups(c, keep)
		s.touch(c)
	}
	g.deleted = true
	s.touchGroup(g)
	return http.StatusOK, struct{}{}, nil
}

func (s *Server) modifyMembers(r *http.Request, p string) (int, any, *apiError) {
	var req people.ModifyContactGroupMembersRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if len(req.ResourceNamesToAdd)+len(req.ResourceNamesToRemove) > 1000 {
		return 0, nil, errInvalid("The total number of resource names to add and remove must be at most 1000.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.liveGroup(strings.TrimSuffix(p, "/members:modify"))
	if err != nil {
		return 0, nil, err
	}
	resp := &people.ModifyContactGroupMembersResponse{}
	for _, n := range req.ResourceNamesToAdd {
		c := s.contacts[n]
		if c == nil {
			resp.NotFoundResourceNames = append(resp.NotFoundResourceNames, n)
			continue
		}
		if _, in := g.members[c.id]; !in {
			s.setGroups(c, append(append([]string(nil), c.groups...), g.name))
			s.touch(c)
		}
	}
	for _, n := range req.ResourceNamesToRemove {
		c := s.contacts[n]
		if c == nil {
			resp.NotFoundResourceNames = append(resp.NotFoundResourceNames, n)
			continue
		}
		if _, in := g.members[c.id]; !in {
			continue
		}
		if len(c.groups) == 1 {
			resp.CanNotRemoveLastContactGroupResourceNames = append(resp.CanNotRemoveLastContactGroupResourceNames, n)
			continue
		}
		var keep []string
		for _, gn := range c.groups {
			if gn != g.name {
				keep = append(keep, gn)
			}
		}
		s.setGroups(c, keep)
		s.touch(c)
	}
	return http.StatusOK, resp, nil
}
