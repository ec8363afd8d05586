package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/server/officeapi"
)

// StageRequest moves a contact's lead or order to a stage.
type StageRequest struct {
	Stage string `json:"stage"`
}

// mountPipeline adds the routes phones and the office share: the stages
// and moving a contact between them.
func (s *Server) mountPipeline(r gin.IRouter) {
	r.GET("/pipeline", s.handle(s.getPipeline))
	r.POST("/contacts/:contact_id/stage", s.handle(s.postStage))
}

// mountData mounts the office's data routes on an office-authenticated
// group (whose middleware puts the office user in the request context):
// follow-ups and the pipeline's stages (shared with phones), then the
// office's own (server/officeapi): the pipeline's settings and figures, the
// lists, duplicates and merges.
func (s *Server) mountData(r gin.IRouter) {
	s.mountFollowups(r)
	s.mountPipeline(r)
	officeapi.NewData(s.db, s.officeOptions()).Mount(r)
}

func (s *Server) getPipeline(c *gin.Context) error {
	p, err := s.db.Pipeline(c.Request.Context())
	if err != nil {
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
