package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// dueInput is the ISO date-time a form may also send (what a browser's
// own date-time picker and scripts post).
const dueInput = "2006-01-02T15:04"

// parseDue reads a date and time typed in lang's format (07.12.2026 09:00
// in Russian, 07/12/2026 09:00 in Italian, 2026-12-07 09:00 in English)
// or in ISO form.
func parseDue(lang, s string) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	for _, l := range []string{dateLayout(lang) + " 15:04", dueInput, "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, localErr(contacts.EInvalid, T(lang, "fu.baddue", s, datePlaceh[lang]+" "+T(lang, "fu.timeph")))
}

// followupRow is a follow-up as the pages list it.
type followupRow struct {
	sqlite.Followup
	Overdue bool
}

// followupForm is what the follow-up list and form need besides the rows.
type followupForm struct {
	Staff      []string // who a follow-up can be given to
	Me         string
	DefaultDue string // tomorrow 09:00, in the user's date format
	DuePH      string // how to write a date and time, in the user's language
	Back       string // where the actions return to
	CSRF       string
}

// followupList is what the "followups" partial lists.
type followupList struct {
	Rows        []followupRow
	Form        followupForm
	ShowContact bool
}

// List is the page's rows for the partial.
func (d followupsData) List() followupList {
	return followupList{Rows: d.Rows, Form: d.Form, ShowContact: true}
}

// FollowupList is the client page's follow-ups for the partial.
func (d contactData) FollowupList() followupList {
	return followupList{Rows: d.Followups, Form: d.FollowupForm}
}

type followupsData struct {
	Who   string // "me" or "all"
	Rows  []followupRow
	Due   int
	Form  followupForm
	Error string
}

// followupsPage lists open follow-ups, soonest due first, the overdue
// ones marked: the whole office's or the signed-in staff member's.
func (h *Handler) followupsPage(c *gin.Context) error {
	d := followupsData{Who: c.DefaultQuery("who", "all")}
	f := sqlite.FollowupFilter{Status: sqlite.FollowupOpen, Limit: 500}
	me := currentSession(c).User.Name
	if d.Who == "me" {
		f.Assignee = me
	}
	list, err := h.b.Followups(c.Request.Context(), f)
	if err != nil {
		return err
	}
	d.Rows = h.followupRows(list)
	for _, r := range d.Rows {
		if r.Overdue {
			d.Due++
		}
	}
	if d.Form, err = h.followupForm(c, "/followups?who="+url.QueryEscape(d.Who)); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "followups", d)
}

func (h *Handler) followupRows(list []sqlite.Followup) []followupRow {
	now := h.now()
	out := make([]followupRow, 0, len(list))
	for _, f := range list {
		out = append(out, followupRow{Followup: f, Overdue: !f.Due.After(now)})
	}
	return out
}

// followupForm lists the staff a follow-up can go to: every active staff
// account and every paired phone's name (follow-ups reach the phones by
// that name).
func (h *Handler) followupForm(c *gin.Context, back string) (followupForm, error) {
	ctx := c.Request.Context()
	me := currentSession(c).User.Name
	names := map[string]bool{me: true}
	users, err := h.b.Users(ctx)
	if err != nil {
		return followupForm{}, err
	}
	for _, u := range users {
		if !u.Disabled() {
			names[u.Name] = true
		}
	}
	devs, err := h.b.Devices(ctx)
	if err != nil {
		return followupForm{}, err
	}
	for _, d := range devs {
		if !d.Revoked() {
			names[d.Name] = true
		}
	}
	f := followupForm{Me: me, Back: back, CSRF: currentSession(c).CSRF}
	for n := range names {
		f.Staff = append(f.Staff, n)
	}
	sort.Strings(f.Staff)
	t := h.now().Local().AddDate(0, 0, 1)
	lang := h.lang(c)
	f.DefaultDue = localWhen(lang, time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, time.Local))
	f.DuePH = datePlaceh[lang] + " " + T(lang, "fu.timeph")
	return f, nil
}

// addFollowup makes a follow-up for a contact from the client page.
func (h *Handler) addFollowup(c *gin.Context) error {
	id := c.Param("id")
	due, err := parseDue(h.lang(c), c.PostForm("due"))
	if err != nil {
		return err
	}
	f := &sqlite.Followup{ID: contacts.NewID(), ContactID: id, Due: due, Text: strings.TrimSpace(c.PostForm("text")),
		Assignee: strings.TrimSpace(c.PostForm("assignee"))}
	if f.Assignee == "" {
		f.Assignee = currentSession(c).User.Name
	}
	if _, err := h.b.AddFollowup(c.Request.Context(), f); err != nil {
		return err
	}
	return redirect(c, "/contacts/"+id+"#followups")
}

// changeFollowup marks a follow-up done, snoozes it or gives it to someone
// else, from the follow-ups page or the client page.
func (h *Handler) changeFollowup(c *gin.Context) error {
	var ch sqlite.FollowupChange
	switch c.PostForm("action") {
	case "done":
		ch.Done = true
	case "snooze":
		until, err := h.snoozeUntil(c.PostForm("until"))
		if err != nil {
			return err
		}
		ch.Snooze = until
	case "assign":
		if ch.Assignee = strings.TrimSpace(c.PostForm("assignee")); ch.Assignee == "" {
			return contacts.Errorf(contacts.EInvalid, "assignee: required")
		}
	default:
		return contacts.Errorf(contacts.EInvalid, "action: done, snooze or assign")
	}
	if _, err := h.b.UpdateFollowup(c.Request.Context(), c.Param("id"), ch); err != nil {
		if ch.Assignee != "" && contacts.ErrorCode(err) == contacts.EInvalid && strings.HasPrefix(contacts.ErrorMessage(err), "nothing to change") {
			return redirect(c, safeNext(c.PostForm("back"))) // given to whoever already has it
		}
		return err
	}
	return redirect(c, safeNext(c.PostForm("back")))
}

// snoozeUntil reads a snooze choice: 1h, tomorrow (09:00) or nextweek
// (same time in 7 days), or a date and time.
func (h *Handler) snoozeUntil(v string) (time.Time, error) {
	now := h.now().Local()
	switch v {
	case "1h":
		return now.Add(time.Hour), nil
	case "tomorrow":
		t := now.AddDate(0, 0, 1)
		return time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, time.Local), nil
	case "nextweek":
		return now.AddDate(0, 0, 7), nil
	}
	t, err := time.ParseInLocation(dueInput, v, time.Local)
	if err != nil {
		return time.Time{}, contacts.Errorf(contacts.EInvalid, "until: 1h, tomorrow, nextweek or a date and time")
	}
	return t, nil
}
