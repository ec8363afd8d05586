package server

import (
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
)

// Access is who may use a route.
type Access string

// The kinds of access a route can need.
const (
	Public Access = "public" // anyone (the handler may still limit, e.g. pairing codes, sign-in)
	Device Access = "device" // a paired phone's bearer token
	Staff  Access = "staff"  // a signed-in office account, staff or admin
	Admin  Access = "admin"  // a signed-in admin
	// Monitor is an admin, a request with the metrics token, or a scraper
	// on this machine (observe.go).
	Monitor Access = "monitor"
)

// Rule is one line of the access table.
type Rule struct {
	Method, Path string // as registered with gin (FullPath)
	Access       Access
}

// accessRules decides, for every route the server registers, who may use
// it. It is the only place that does: the access middleware looks each
// request's route up here, and a route missing from it is refused (a test
// walks every registered route and fails on one without a rule).
//
// Staff do the daily work: search, cards, notes, edits, groups, follow-ups,
// stage moves, calls, the live board and dialling. Only admins manage
// accounts, phones, card templates, pipeline stages, the Google sync and its
// conflicts, import, export, the audit log and settings. Export is the whole
// client base in one file: admin only, so that one staff account (or one
// left signed in on a shared PC) cannot walk away with every client.
var accessRules = []Rule{
	{"GET", "/healthz", Public}, // only "ok"; the details for an admin or the metrics token (observe.go)
	{"GET", "/metrics", Monitor},
	{"GET", "/static/app.css", Public}, // the pages' stylesheet and script: the sign-in page needs them
	{"GET", "/static/app.js", Public},
	{"GET", "/signin", Public},
	{"POST", "/signin", Public},
	{"POST", "/api/v1/pair", Public}, // a one-time code; 5 wrong codes per address in 10 minutes

	// The phone protocol.
	{"GET", "/api/v1/device", Device},
	{"PUT", "/api/v1/device", Device},
	{"POST", "/api/v1/calls", Device},
	{"POST", "/api/v1/calls/:call_id/end", Device},
	{"POST", "/api/v1/notes", Device},
	{"POST", "/api/v1/contacts", Device},
	{"GET", "/api/v1/cards/lookup", Device},
	{"GET", "/api/v1/cards", Device},
	{"GET", "/api/v1/ws", Device},
	{"GET", "/api/v1/followups", Device},
	{"POST", "/api/v1/followups", Device},
	{"GET", "/api/v1/followups/:followup_id", Device},
	{"PATCH", "/api/v1/followups/:followup_id", Device},
	{"GET", "/api/v1/pipeline", Device},
	{"POST", "/api/v1/contacts/:contact_id/stage", Device},
	{"POST", "/api/v1/messages/:message_id/status", Device},
	{"POST", "/api/v1/messages/received", Device}, // work SIMs only

	// Office pages: the daily work.
	{"POST", "/signout", Staff},
	{"GET", "/", Staff},
	{"GET", "/contacts/new", Staff},
	{"POST", "/contacts/new", Staff},
	{"GET", "/contacts/:id", Staff},
	{"GET", "/contacts/:id/edit", Staff},
	{"POST", "/contacts/:id/edit", Staff},
	{"POST", "/contacts/:id/notes", Staff},
	{"POST", "/contacts/:id/stage", Staff},
	{"POST", "/contacts/:id/followups", Staff},
	{"POST", "/contacts/:id/message", Staff}, // one message to this client (preview or send)
	{"POST", "/contacts/:id/optout", Staff},
	{"GET", "/calls", Staff},
	{"GET", "/board", Staff},
	{"GET", "/followups", Staff},
	{"POST", "/followups/:id", Staff},
	{"GET", "/pipeline", Staff},
	{"GET", "/settings", Staff}, // staff see only their language
	{"POST", "/settings/language", Staff},
	{"GET", "/contacts/:id/orders", Staff},
	{"POST", "/contacts/:id/orders", Staff},
	{"POST", "/orders/:id/stage", Staff},
	{"POST", "/orders/:id/documents", Staff},
	{"POST", "/documents/:id/payments", Staff},
	{"GET", "/forecast", Staff},

	// Office pages: admins only.
	{"GET", "/devices", Admin},
	{"POST", "/devices/pair", Admin},
	{"POST", "/devices/:id/revoke", Admin},
	{"POST", "/settings/templates", Admin},
	{"POST", "/settings/users", Admin},
	{"POST", "/settings/users/:login/disable", Admin},
	{"POST", "/settings/users/:login/enable", Admin},
	{"POST", "/settings/users/:login/password", Admin},
	{"POST", "/settings/users/:login/role", Admin},
	{"POST", "/settings/users/:login/unlock", Admin},
	{"GET", "/audit", Admin},
	{"GET", "/settings/messages", Admin}, // message templates: as PUT /api/v1/office/message-templates
	{"POST", "/settings/messages", Admin},
	{"GET", "/sends", Admin}, // group sends: as POST /api/v1/office/sends
	{"POST", "/sends/preview", Admin},
	{"POST", "/sends", Admin},
	{"GET", "/sends/:id", Admin},
	{"GET", "/data", Admin},
	{"POST", "/data/import", Admin},
	{"POST", "/data/import/apply", Admin},
	{"GET", "/data/export", Admin},

	// Office JSON: the daily work.
	{"GET", "/api/v1/office/search", Staff},
	{"GET", "/api/v1/office/board", Staff},
	{"GET", "/api/v1/office/devices", Staff}, // which phones can dial, and their health
	{"POST", "/api/v1/office/dial", Staff},
	{"GET", "/api/v1/office/calls/open", Staff},
	{"GET", "/api/v1/office/live", Staff},
	{"GET", "/api/v1/office/sync/status", Staff},
	{"GET", "/api/v1/office/followups", Staff},
	{"POST", "/api/v1/office/followups", Staff},
	{"GET", "/api/v1/office/followups/:followup_id", Staff},
	{"PATCH", "/api/v1/office/followups/:followup_id", Staff},
	{"GET", "/api/v1/office/pipeline", Staff},
	{"POST", "/api/v1/office/contacts/:contact_id/stage", Staff},
	{"GET", "/api/v1/office/pipeline/stats", Staff},
	{"GET", "/api/v1/office/lists/leads", Staff},
	{"GET", "/api/v1/office/lists/interested", Staff},
	{"GET", "/api/v1/office/lists/missed", Staff},
	{"GET", "/api/v1/office/duplicates", Staff},
	{"POST", "/api/v1/office/duplicates/merge", Staff}, // one pair at a time, and undoable
	{"POST", "/api/v1/office/merges/:merge_id/undo", Staff},
	{"POST", "/api/v1/office/messages", Staff}, // one message to one client
	{"POST", "/api/v1/office/messages/preview", Staff},
	{"GET", "/api/v1/office/messages/:message_id", Staff},
	{"GET", "/api/v1/office/contacts/:contact_id/messages", Staff},
	{"PUT", "/api/v1/office/contacts/:contact_id/optout", Staff},
	{"GET", "/api/v1/office/message-templates", Staff},
	// Orders, offers, invoices and payments: staff sell and take money; the
	// office's details and stage probabilities are an admin's (PUT below).
	{"GET", "/api/v1/office/office", Staff},
	{"POST", "/api/v1/office/orders", Staff},
	{"GET", "/api/v1/office/orders/:order_id", Staff},
	{"PUT", "/api/v1/office/orders/:order_id", Staff},
	{"POST", "/api/v1/office/orders/:order_id/stage", Staff},
	{"POST", "/api/v1/office/orders/:order_id/documents", Staff},
	{"GET", "/api/v1/office/documents/:document_id/:format", Staff},
	{"POST", "/api/v1/office/payments", Staff},
	{"GET", "/api/v1/office/contacts/:contact_id/orders", Staff},
	{"GET", "/api/v1/office/forecast", Staff},
	{"GET", "/api/v1/office/forecast.xlsx", Staff},

	// Office JSON: admins only.
	{"POST", "/api/v1/office/preview", Admin}, // card templates
	{"PUT", "/api/v1/office/devices/:id/sims/:slot", Admin},
	{"PUT", "/api/v1/office/pipeline", Admin},
	{"PUT", "/api/v1/office/office", Admin}, // documents' letterhead, bank details, order prefix, stage probabilities
	{"POST", "/api/v1/office/sync/run", Admin},
	{"GET", "/api/v1/office/sync/conflicts", Admin},
	{"POST", "/api/v1/office/sync/conflicts/:id/resolve", Admin},
	{"POST", "/api/v1/office/sends", Admin}, // a group send: many clients, the office's SIMs at risk of a carrier block
	{"POST", "/api/v1/office/sends/preview", Admin},
	{"GET", "/api/v1/office/sends/:send_id", Admin},
	{"PUT", "/api/v1/office/message-templates", Admin}, // like card templates
}

// AccessRules returns the access table (for documentation and tests).
func AccessRules() []Rule { return append([]Rule(nil), accessRules...) }

var accessTable = func() map[string]Access {
	m := make(map[string]Access, len(accessRules))
	for _, r := range accessRules {
		k := r.Method + " " + r.Path
		if _, dup := m[k]; dup {
			panic("access: two rules for " + k)
		}
		m[k] = r.Access
	}
	return m
}()

// access enforces the access table on every request: it finds the matched
// route's rule and authenticates as the rule asks. A route without a rule
// is refused; a request that matched no route goes on to the 404/405.
func (s *Server) access(c *gin.Context) {
	route := c.FullPath()
	if route == "" {
		c.Next()
		return
	}
	switch accessTable[c.Request.Method+" "+route] {
	case Public:
		c.Next()
	case Device:
		s.authDevice(c)
	case Staff:
		s.web.Authenticate(c, false)
	case Admin:
		s.web.Authenticate(c, true)
	case Monitor:
		s.monitorAccess(c)
	default:
		s.log.Error("route without an access rule: refused", "method", c.Request.Method, "route", route)
		s.fail(c, contacts.Errorf(contacts.EForbidden, "%s %s has no access rule", c.Request.Method, route))
	}
}

// AccessMarkdown is the access table as the README shows it: per role and
// part (pages, office JSON, phone API), each path with its methods.
func AccessMarkdown() string {
	type row struct {
		access Access
		prefix string
		paths  []string
		verbs  map[string][]string
	}
	var rows []*row
	find := func(a Access, prefix string) *row {
		for _, r := range rows {
			if r.access == a && r.prefix == prefix {
				return r
			}
		}
		r := &row{access: a, prefix: prefix, verbs: map[string][]string{}}
		rows = append(rows, r)
		return r
	}
	for _, rule := range accessRules {
		prefix := ""
		for _, p := range []string{"/api/v1/office", "/api/v1"} {
			if rule.Access != Public && strings.HasPrefix(rule.Path, p+"/") {
				prefix = p
				break
			}
		}
		r := find(rule.Access, prefix)
		path := strings.TrimPrefix(rule.Path, prefix)
		if _, ok := r.verbs[path]; !ok {
			r.paths = append(r.paths, path)
		}
		r.verbs[path] = append(r.verbs[path], rule.Method)
	}
	order := map[Access]int{Public: 0, Device: 1, Staff: 2, Admin: 3, Monitor: 4}
	sort.SliceStable(rows, func(i, j int) bool { return order[rows[i].access] < order[rows[j].access] })
	var b strings.Builder
	b.WriteString("| who | under | routes |\n| --- | --- | --- |\n")
	for _, r := range rows {
		var routes []string
		for _, p := range r.paths {
			routes = append(routes, "`"+strings.Join(r.verbs[p], " ")+" "+p+"`")
		}
		under := "pages"
		if r.prefix != "" {
			under = "`" + r.prefix + "`"
		}
		if r.access == Public {
			under = ""
		}
		b.WriteString("| " + string(r.access) + " | " + under + " | " + strings.Join(routes, ", ") + " |\n")
	}
	return b.String()
}
