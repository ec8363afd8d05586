package web

import (
	"context"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

type auditFilter struct{ Who, Kind, What, Contact, From, To string }

// auditRow is one line of the log as a person reads it: who in words, from
// where (the phone and its holder, the address signed in from, the
// server's command line), the action and its detail in the user's language.
type auditRow struct {
	At                 time.Time
	Who, Kind, Where   string
	Action, Detail     string
	ContactID, Contact string
}

type auditData struct {
	F       auditFilter
	Actions []actionChoice // what the "what" filter offers
	Kinds   []string
	Names   []string
	Entries []auditRow
	DatePH  string
	Err     string
}

var actorKinds = []string{contacts.ActorUser, contacts.ActorDevice, contacts.ActorSync, contacts.ActorCLI, contacts.ActorSystem}

// auditPage shows the audit log filtered by who, what, contact and date,
// with the web sign-ins (recorded apart, for the lockout) in it.
func (h *Handler) auditPage(c *gin.Context) error {
	ctx := c.Request.Context()
	lang := h.lang(c)
	f := auditFilter{Who: trim(c.Query("who")), Kind: c.Query("kind"), What: trim(c.Query("what")), Contact: trim(c.Query("contact")),
		From: trim(c.Query("from")), To: trim(c.Query("to"))}
	d := auditData{F: f, Kinds: actorKinds, DatePH: datePlaceh[lang], Actions: actionChoices(lang)}
	q := sqlite.AuditFilter{ActorName: f.Who, Action: f.What, ContactID: f.Contact, Limit: 500}
	if contains(actorKinds, f.Kind) {
		q.ActorKind = f.Kind
	}
	if f.From != "" {
		t, err := parseLocalDate(lang, f.From)
		if err != nil {
			d.Err = errText(lang, err)
		}
		q.Since = t
	}
	if f.To != "" {
		t, err := parseLocalDate(lang, f.To)
		if err != nil {
			d.Err = errText(lang, err)
		} else {
			q.Until = t.AddDate(0, 0, 1)
		}
	}
	entries, err := h.b.Audit(ctx, q)
	if err != nil {
		return err
	}
	var ids []string
	for _, e := range entries {
		if e.ContactID != "" {
			ids = append(ids, e.ContactID)
		}
	}
	names, err := h.b.ContactNames(ctx, ids)
	if err != nil {
		return err
	}
	phones, err := h.phoneNames(ctx)
	if err != nil {
		return err
	}
	users, err := h.b.Users(ctx)
	if err != nil {
		return err
	}
	staff := map[string]string{} // login -> name
	for _, u := range users {
		d.Names = append(d.Names, u.Name)
		staff[strings.ToLower(u.Login)] = u.Name
	}
	for _, e := range entries {
		d.Entries = append(d.Entries, auditRowOf(lang, e, names[e.ContactID], phones, staff))
	}
	return h.render(c, http.StatusOK, "audit", d)
}

// phoneNames maps device IDs to "Marco's phone (Marco)".
func (h *Handler) phoneNames(ctx context.Context) (map[string]string, error) {
	devs, err := h.b.Devices(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, d := range devs {
		switch {
		case d.DeviceName != "" && d.Name != "":
			out[d.ID] = d.DeviceName + " (" + d.Name + ")"
		default:
			out[d.ID] = d.DeviceName + d.Name
		}
	}
	return out, nil
}

// auditRowOf words one entry. Actors as the store keeps them: a phone by
// its device ID, a web user by login and address (older rows: "login@address"
// in the ID), the command line by the operating-system account in the ID
// (older rows: that account as the name).
func auditRowOf(lang string, e sqlite.AuditEntry, contactName string, phones, staff map[string]string) auditRow {
	r := auditRow{At: e.At, Who: e.Actor.Name, Kind: T(lang, "actor."+e.Actor.Kind), Action: actionWord(lang, e.Action),
		Detail: auditDetail(lang, e), ContactID: e.ContactID, Contact: contactName}
	if contactName == "" {
		r.Contact = e.ContactID
	}
	switch e.Actor.Kind {
	case contacts.ActorDevice:
		r.Where = phones[e.Actor.ID]
		if r.Where == "" {
			r.Where = T(lang, "audit.gonephone")
		}
	case contacts.ActorUser:
		addr := e.Actor.Address
		if addr == "" {
			_, addr, _ = strings.Cut(e.Actor.ID, "@")
		}
		if addr != "" {
			r.Where = T(lang, "audit.web", addr)
		}
		if strings.HasPrefix(e.Action, "signin.") {
			if name := staff[strings.ToLower(e.Actor.ID)]; name != "" {
				r.Who = name // the attempt is stored under the login typed
			}
		}
	case contacts.ActorCLI:
		account := e.Actor.ID
		if account == "" {
			account = e.Actor.Name
		}
		r.Who, r.Kind, r.Where = T(lang, "audit.cli"), "", T(lang, "audit.cliuser", account)
	case contacts.ActorSync, contacts.ActorSystem:
		r.Who = ""
	}
	return r
}

// knownBrowser ends the detail of a sign-in from a browser that signed in
// to the account before (contacts/sqlite's wording).
const knownBrowser = " from a browser that signed in to it before"

var (
	durRE      = regexp.MustCompile(`^(\d+)m(\d\d)s$`)
	followupRE = regexp.MustCompile(`(?s)^(.*) (\d{4}-\d\d-\d\dT[^ ]+): (.*)$`)
)

// auditDetail words the details ringcard itself writes in lang; text
// people typed (notes, names, follow-ups) is shown as written.
func auditDetail(lang string, e sqlite.AuditEntry) string {
	s := e.Detail
	switch e.Action {
	case "call.start":
		if dir, num, ok := strings.Cut(s, " "); ok && (dir == contacts.Incoming || dir == contacts.Outgoing) {
			return callText(lang, dir, "", 0) + " · " + num
		}
	case "call.end":
		// contacts.CallSummary, and " (next call)" after a call the
		// server closed because its end was never reported.
		s, reason, closed := strings.Cut(s, " (")
		parts := strings.Split(s, ", ")
		if len(parts) >= 2 {
			dir := contacts.Incoming
			if parts[0] == "Outgoing" {
				dir = contacts.Outgoing
			}
			outcome, secs := parts[1], 0
			switch outcome {
			case "in progress":
				outcome = ""
			case "end not reported":
				outcome = endNotReported
			}
			if _, known := catalogue["outcome."+outcome]; outcome != "" && !known {
				break
			}
			if closed {
				return callText(lang, dir, outcome, 0) + " (" + wordOr(lang, "endreason."+strings.ReplaceAll(strings.TrimSuffix(reason, ")"), " ", "_"), strings.TrimSuffix(reason, ")")) + ")"
			}
			if len(parts) == 3 {
				if m := durRE.FindStringSubmatch(parts[2]); m != nil {
					mi, _ := strconv.Atoi(m[1])
					se, _ := strconv.Atoi(m[2])
					secs = mi*60 + se
				}
			}
			return callText(lang, dir, outcome, secs)
		}
	case "stage.set":
		if rest, ok := strings.CutPrefix(s, "Stage: "); ok {
			from, to, moved := strings.Cut(rest, " → ")
			if !moved {
				return T(lang, "hist.stage") + ": " + stageWord(lang, rest)
			}
			return T(lang, "hist.stage") + ": " + stageWord(lang, from) + " → " + stageWord(lang, to)
		}
	case "contact.update":
		src, list, ok := strings.Cut(s, ": ")
		if !ok {
			list, src = s, ""
		}
		var out []string
		for _, f := range strings.Split(list, ", ") {
			out = append(out, wordOr(lang, "changed."+f, f))
		}
		if src != "" {
			return src + ": " + strings.Join(out, ", ")
		}
		return strings.Join(out, ", ")
	case "contacts.import":
		if n, ok := strings.CutSuffix(s, " contacts"); ok {
			if i, err := strconv.Atoi(n); err == nil {
				return T(lang, "audit.ncontacts", number(lang, i))
			}
		}
	case "followup.add":
		// "<assignee> <due, RFC 3339>: <text>"
		if m := followupRE.FindStringSubmatch(s); m != nil {
			if due, err := time.Parse(time.RFC3339, m[2]); err == nil {
				return m[1] + " · " + localWhen(lang, due) + ": " + m[3]
			}
		}
	case "user.add":
		// "<login> (<name>), <role>"
		if i := strings.LastIndex(s, ", "); i > 0 {
			if _, ok := catalogue["role."+s[i+2:]]; ok {
				return s[:i] + ", " + T(lang, "role."+s[i+2:])
			}
		}
	case "access.denied":
		if what, ok := strings.CutSuffix(s, ": needs an admin"); ok {
			return what // the action's words say the rest
		}
	case "contact.delete":
		if s == "deleted in Google" {
			return T(lang, "audit.deletedgoogle")
		}
	case "sync.conflict":
		return conflictField(lang, s)
	case "call.reopen":
		if s == "the phone says it is still going on" {
			return T(lang, "audit.reopen")
		}
	case "contact.merge", "contact.unmerge", "sync.conflict.resolve", "history.import", "device.sim_policy", "contact.optout":
		if out, ok := wordRules(lang, auditRules, s); ok {
			return out
		}
	case "followup.update":
		// "done, snoozed to <RFC 3339>, reassigned from a to b, text"
		parts := strings.Split(s, ", ")
		for i, p := range parts {
			if out, ok := wordRules(lang, followupRules, p); ok {
				parts[i] = out
			}
		}
		return strings.Join(parts, ", ")
	}
	if strings.HasPrefix(e.Action, "signin.") {
		// `login "anna"`, and " from a browser that signed in to it before"
		rest, known := strings.CutSuffix(s, knownBrowser)
		if login, err := strconv.Unquote(strings.TrimPrefix(rest, "login ")); err == nil {
			out := T(lang, "audit.signinlogin", login)
			if known {
				out += " " + T(lang, "audit.knownbrowser")
			}
			return out
		}
	}
	return s
}

// actionChoice is one action the audit log's filter offers, worded.
type actionChoice struct{ Code, Label string }

// actionChoices lists every action the catalogue words, by its words.
func actionChoices(lang string) []actionChoice {
	var out []actionChoice
	for key := range catalogue {
		if code, ok := strings.CutPrefix(key, "action."); ok {
			out = append(out, actionChoice{Code: code, Label: T(lang, key)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// detailRule words one kind of audit detail ringcard writes in English;
// words[i], when set, is the catalogue prefix that words group i (a SIM
// policy), or "field" for a sync conflict's field; other groups are data, shown as written
// (times in lang's format).
type detailRule struct {
	re    *regexp.Regexp
	key   string
	words []string
}

var (
	auditRules = []detailRule{
		{regexp.MustCompile(`^merged into (\S+) \((.*)\), merge (\d+)$`), "audit.mergedinto", nil},
		{regexp.MustCompile(`^merged (\S+) \((.*)\), merge (\d+)$`), "audit.merged", nil},
		{regexp.MustCompile(`^undid merge (\d+): (\S+) is back$`), "audit.unmergedback", nil},
		{regexp.MustCompile(`^undid merge (\d+)$`), "audit.unmerged", nil},
		{regexp.MustCompile(`^match: keep apart: push as a new Google contact$`), "audit.keptapart", nil},
		{regexp.MustCompile(`^match: no longer ambiguous: kept as its own contact$`), "audit.ownapart", nil},
		{regexp.MustCompile(`^match: link(?:ed)? to (\S+)$`), "audit.linked", nil},
		{regexp.MustCompile(`^(.+): local$`), "audit.keptlocal", []string{"field"}},
		{regexp.MustCompile(`^(.+): google$`), "audit.keptgoogle", []string{"field"}},
		{regexp.MustCompile(`^(.+): value$`), "audit.keptvalue", []string{"field"}},
		{regexp.MustCompile(`^(.*): (\d+) calls and notes of numbers without a contact$`), "audit.historyimport", nil},
		{regexp.MustCompile(`^(.*) SIM (\d+): (\w+)$`), "audit.simpolicy", []string{"", "", "policy."}},
		{regexp.MustCompile(`^no SMS: (true|false), no e-mail: (true|false) \(SMS reply to SIM (.*)\)$`), "audit.optoutreply", []string{"optout.sms.", "optout.email."}},
		{regexp.MustCompile(`^no SMS: (true|false), no e-mail: (true|false) \(office: (.*)\)$`), "audit.optoutoffice", []string{"optout.sms.", "optout.email."}},
		{regexp.MustCompile(`^no SMS: (true|false), no e-mail: (true|false) \(import (.*) row (\d+)\)$`), "audit.optoutimport", []string{"optout.sms.", "optout.email."}},
	}
	followupRules = []detailRule{
		{regexp.MustCompile(`^done$`), "audit.fudone", nil},
		{regexp.MustCompile(`^cancelled$`), "audit.fucancelled", nil},
		{regexp.MustCompile(`^snoozed to (\S+)$`), "audit.fusnoozed", nil},
		{regexp.MustCompile(`^reassigned from (.*) to (.*)$`), "audit.fugiven", nil},
		{regexp.MustCompile(`^text$`), "audit.futext", nil},
	}
)

// wordRules words s by the first rule that matches it whole.
func wordRules(lang string, rules []detailRule, s string) (string, bool) {
	for _, r := range rules {
		m := r.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		args := make([]any, 0, len(m)-1)
		for i, a := range m[1:] {
			switch {
			case i < len(r.words) && r.words[i] == "field":
				a = conflictField(lang, a)
			case i < len(r.words) && r.words[i] != "":
				a = wordOr(lang, r.words[i]+strings.ReplaceAll(a, " ", "_"), wordOr(lang, r.words[i]+a, a))
			default:
				if t, err := time.Parse(time.RFC3339, a); err == nil {
					a = localWhen(lang, t)
				}
			}
			args = append(args, a)
		}
		return T(lang, r.key, args...), true
	}
	return "", false
}
