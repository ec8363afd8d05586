package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

type auditFilter struct{ Who, Kind, What, Contact, From, To string }

type auditRow struct {
	sqlite.AuditEntry
	ContactName string
}

type auditData struct {
	F       auditFilter
	Kinds   []string
	Names   []string
	Entries []auditRow
}

var actorKinds = []string{contacts.ActorUser, contacts.ActorDevice, contacts.ActorSync, contacts.ActorCLI, contacts.ActorSystem}

// auditPage shows the audit log filtered by who, what, contact and date.
func (h *Handler) auditPage(c *gin.Context) error {
	ctx := c.Request.Context()
	f := auditFilter{Who: trim(c.Query("who")), Kind: c.Query("kind"), What: trim(c.Query("what")), Contact: trim(c.Query("contact")),
		From: c.Query("from"), To: c.Query("to")}
	q := sqlite.AuditFilter{ActorName: f.Who, Action: f.What, ContactID: f.Contact, Limit: 500}
	if contains(actorKinds, f.Kind) {
		q.ActorKind = f.Kind
	}
	if t, err := time.ParseInLocation("2006-01-02", f.From, time.Local); err == nil {
		q.Since = t
	}
	if t, err := time.ParseInLocation("2006-01-02", f.To, time.Local); err == nil {
		q.Until = t.AddDate(0, 0, 1)
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
	d := auditData{F: f, Kinds: actorKinds}
	for _, e := range entries {
		d.Entries = append(d.Entries, auditRow{AuditEntry: e, ContactName: names[e.ContactID]})
	}
	users, err := h.b.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		d.Names = append(d.Names, u.Name)
	}
	return h.render(c, http.StatusOK, "audit", d)
}
