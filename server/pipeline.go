package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// StageRequest moves a contact's lead or order to a stage.
type StageRequest struct {
	Stage string `json:"stage"`
}

// MergeRequest merges GoneID into KeepID.
type MergeRequest struct {
	KeepID string `json:"keep_id"`
	GoneID string `json:"gone_id"`
}

// mountPipeline adds the routes phones and the office share: the stages
// and moving a contact between them.
func (s *Server) mountPipeline(r gin.IRouter) {
	r.GET("/pipeline", s.handle(s.getPipeline))
	r.POST("/contacts/:contact_id/stage", s.handle(s.postStage))
}

// mountData mounts the office's data routes on an office-authenticated
// group (whose middleware puts the office user in the request context):
// follow-ups, the pipeline and its figures, the lists, duplicates and
// merges, and export.
func (s *Server) mountData(r gin.IRouter) {
	s.mountFollowups(r)
	s.mountPipeline(r)
	r.PUT("/pipeline", s.handle(s.putPipeline))
	r.GET("/pipeline/stats", s.handle(s.pipelineStats))
	r.GET("/lists/leads", s.handle(s.listLeads))
	r.GET("/lists/interested", s.handle(s.listInterested))
	r.GET("/lists/missed", s.handle(s.listMissed))
	r.GET("/duplicates", s.handle(s.listDuplicates))
	r.POST("/duplicates/merge", s.handle(s.postMerge))
	r.POST("/merges/:merge_id/undo", s.handle(s.undoMerge))
}

func (s *Server) getPipeline(c *gin.Context) error {
	p, err := s.db.Pipeline(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, p)
	return nil
}

func (s *Server) putPipeline(c *gin.Context) error {
	var p sqlite.Pipeline
	if err := s.readJSON(c, &p); err != nil {
		return err
	}
	if err := s.db.SetPipeline(c.Request.Context(), p); err != nil {
		return err
	}
	c.JSON(http.StatusOK, p)
	return nil
}

func (s *Server) postStage(c *gin.Context) error {
	var req StageRequest
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request.Context()
	p, err := s.db.Pipeline(ctx)
	if err != nil {
		return err
	}
	if !p.Valid(req.Stage) {
		return contacts.Errorf(contacts.EInvalid, "stage: %q is not one of %v or %q", req.Stage, p.Stages, p.Lost)
	}
	a := contacts.ActorFrom(ctx)
	deviceID := ""
	if a.Kind == contacts.ActorDevice {
		deviceID = a.ID
	}
	if err := s.db.SetStage(ctx, c.Param("contact_id"), req.Stage, a.Name, deviceID); err != nil {
		return err
	}
	ct, err := s.db.Contact(ctx, c.Param("contact_id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"contact_id": ct.ID, "stage": ct.Stage})
	return nil
}

// days reads a ?name=N day count (default def, 1 to 3650).
func days(c *gin.Context, name string, def int) (int, error) {
	v, ok := c.GetQuery(name)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 3650 {
		return 0, contacts.Errorf(contacts.EInvalid, "%s: a number of days from 1 to 3650", name)
	}
	return n, nil
}

// pipelineStats: counts per stage and per staff member, calls per staff
// member per day and time to return missed calls over the last ?days=30.
func (s *Server) pipelineStats(c *gin.Context) error {
	n, err := days(c, "days", 30)
	if err != nil {
		return err
	}
	now := s.now()
	st, err := s.db.PipelineStats(c.Request.Context(), now.AddDate(0, 0, -n), now, time.Local)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, st)
	return nil
}

func (s *Server) listLeads(c *gin.Context) error {
	ctx := c.Request.Context()
	p, err := s.db.Pipeline(ctx)
	if err != nil {
		return err
	}
	list, err := s.db.ContactsInStages(ctx, p.InProgress(), time.Time{}, 500)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"stages": p.InProgress(), "contacts": list})
	return nil
}

// listInterested: contacts in a stage before the order stage whose last
// move is more than ?days=14 old.
func (s *Server) listInterested(c *gin.Context) error {
	n, err := days(c, "days", 14)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	p, err := s.db.Pipeline(ctx)
	if err != nil {
		return err
	}
	list, err := s.db.ContactsInStages(ctx, p.Interested(), s.now().AddDate(0, 0, -n), 500)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"stages": p.Interested(), "days": n, "contacts": list})
	return nil
}

func (s *Server) listMissed(c *gin.Context) error {
	n, err := days(c, "days", 7)
	if err != nil {
		return err
	}
	calls, err := s.db.MissedNotReturned(c.Request.Context(), s.now().AddDate(0, 0, -n), 500)
	if err != nil {
		return err
	}
	type missed struct {
		CallID    string    `json:"call_id"`
		ContactID string    `json:"contact_id,omitempty"`
		Number    string    `json:"number"`
		At        time.Time `json:"at"`
		By        string    `json:"by"`
	}
	out := []missed{}
	for _, m := range calls {
		out = append(out, missed{CallID: m.ID, ContactID: m.ContactID, Number: m.Number.Raw, At: m.StartedAt, By: m.By})
	}
	c.JSON(http.StatusOK, gin.H{"days": n, "calls": out})
	return nil
}

func (s *Server) listDuplicates(c *gin.Context) error {
	pairs, err := s.db.FindDuplicates(c.Request.Context(), 500)
	if err != nil {
		return err
	}
	type pair struct {
		A       *contacts.Contact `json:"a"`
		B       *contacts.Contact `json:"b"`
		Reasons []string          `json:"reasons"`
	}
	out := make([]pair, 0, len(pairs))
	for _, p := range pairs {
		out = append(out, pair{p.A, p.B, p.Reasons})
	}
	c.JSON(http.StatusOK, gin.H{"pairs": out})
	return nil
}

func (s *Server) postMerge(c *gin.Context) error {
	var req MergeRequest
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	id, err := s.db.MergeContacts(c.Request.Context(), req.KeepID, req.GoneID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"merge_id": id, "keep_id": req.KeepID, "gone_id": req.GoneID})
	return nil
}

func (s *Server) undoMerge(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("merge_id"), 10, 64)
	if err != nil {
		return contacts.Errorf(contacts.EInvalid, "merge_id: a number")
	}
	if err := s.db.UndoMerge(c.Request.Context(), id); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"merge_id": id, "undone": true})
	return nil
}
