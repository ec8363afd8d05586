package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// FollowupRequest makes a follow-up (mobile-protocol/followups.md).
type FollowupRequest struct {
	FollowupID string    `json:"followup_id"`
	ContactID  string    `json:"contact_id"`
	DueAt      time.Time `json:"due_at"`
	Text       string    `json:"text"`
	Assignee   string    `json:"assignee,omitempty"` // default: whoever makes it
}

// FollowupChangeRequest marks a follow-up done or cancelled, snoozes it or
// reassigns it.
type FollowupChangeRequest struct {
	Done        bool      `json:"done,omitempty"`
	Cancel      bool      `json:"cancel,omitempty"`
	SnoozeUntil time.Time `json:"snooze_until,omitzero"`
	Assignee    string    `json:"assignee,omitempty"`
	Text        string    `json:"text,omitempty"`
}

// FollowupResponse carries one follow-up.
type FollowupResponse struct {
	Followup sqlite.Followup `json:"followup"`
}

// FollowupList carries follow-ups, soonest due first.
type FollowupList struct {
	Followups []sqlite.Followup `json:"followups"`
}

// mountFollowups adds the follow-up routes to a group whose middleware put
// the actor in the request context (phones and the office alike).
func (s *Server) mountFollowups(r gin.IRouter) {
	r.GET("/followups", s.handle(s.listFollowups))
	r.POST("/followups", s.handle(s.postFollowup))
	r.GET("/followups/:followup_id", s.handle(s.getFollowup))
	r.PATCH("/followups/:followup_id", s.handle(s.patchFollowup))
}

// listFollowups lists open follow-ups of the caller (?assignee= for
// someone else's, ?status=done|cancelled|all).
func (s *Server) listFollowups(c *gin.Context) error {
	ctx := c.Request.Context()
	f := sqlite.FollowupFilter{Assignee: c.DefaultQuery("assignee", contacts.ActorFrom(ctx).Name), Status: c.DefaultQuery("status", sqlite.FollowupOpen),
		ContactID: c.Query("contact_id")}
	if f.Status == "all" {
		f.Status = ""
	}
	if c.Query("assignee") == "*" {
		f.Assignee = ""
	}
	list, err := s.db.Followups(ctx, f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, FollowupList{Followups: list})
	return nil
}

func (s *Server) postFollowup(c *gin.Context) error {
	var req FollowupRequest
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request.Context()
	f := &sqlite.Followup{ID: req.FollowupID, ContactID: req.ContactID, Due: req.DueAt, Text: strings.TrimSpace(req.Text),
		Assignee: strings.TrimSpace(req.Assignee)}
	if f.Assignee == "" {
		f.Assignee = contacts.ActorFrom(ctx).Name
	}
	created, err := s.db.AddFollowup(ctx, f)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.JSON(status, FollowupResponse{Followup: *f})
	return nil
}

func (s *Server) getFollowup(c *gin.Context) error {
	f, err := s.db.Followup(c.Request.Context(), protocol.CanonicalID(c.Param("followup_id")))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, FollowupResponse{Followup: *f})
	return nil
}

func (s *Server) patchFollowup(c *gin.Context) error {
	var req FollowupChangeRequest
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	if req.Done && req.Cancel {
		return contacts.Errorf(contacts.EInvalid, "done and cancel: give one")
	}
	f, err := s.db.UpdateFollowup(c.Request.Context(), protocol.CanonicalID(c.Param("followup_id")), sqlite.FollowupChange{
		Done: req.Done, Cancel: req.Cancel, Snooze: req.SnoozeUntil, Assignee: req.Assignee, Text: req.Text})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, FollowupResponse{Followup: *f})
	return nil
}

// followupTick is how often due follow-ups are looked for.
const followupTick = 20 * time.Second

// StartFollowups looks for due follow-ups every 20 seconds until ctx ends
// and stores a followup.due event for the assignee's phones; the hub
// delivers it (and push, when configured, wakes a phone that is offline).
// The same tick runs the server's other periodic jobs (housekeeping.go).
func (s *Server) StartFollowups(ctx context.Context) {
	go func() {
		t := time.NewTicker(followupTick)
		defer t.Stop()
		var hk housekeeping
		for {
			s.fireFollowups(ctx)
			s.housekeep(ctx, &hk)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

func (s *Server) fireFollowups(ctx context.Context) {
	ctx = contacts.WithActor(ctx, contacts.Actor{Kind: contacts.ActorSystem, Name: "ringcard"})
	n, err := s.db.FireDueFollowups(ctx, s.now())
	if err != nil && ctx.Err() == nil {
		s.log.Error("due follow-ups", "err", err)
	}
	if n > 0 {
		s.log.Info("follow-ups due", "count", n)
	}
}
