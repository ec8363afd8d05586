package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/server/hub"
	"github.com/ringcard/ringcard/server/officeapi"
)

// mountPush adds the office's device endpoints and the live board
// (server/officeapi) to an office-authenticated group.
func (s *Server) mountPush(r gin.IRouter) {
	r.GET("/devices", s.handle(s.officeDevices))
	r.PUT("/devices/:id/sims/:slot", s.handle(s.officeSIMPolicy))
	r.POST("/dial", s.handle(s.officeDial))
	s.board = officeapi.NewBoard(s.db, &s.live, officeapi.BoardTimes{OpenLimit: s.cfg.Calls.EffectiveOpenLimit(),
		IdleTimeout: s.cfg.IdleTimeout.D(), PingInterval: s.cfg.PingInterval.D(), WriteTimeout: hub.WriteTimeout}, s.officeOptions())
	s.board.Mount(r)
}

func (s *Server) officeDevices(c *gin.Context) error {
	h, err := s.DeviceHealth(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"devices": h})
	return nil
}

// SIMPolicyRequest sets what ringcard does with one SIM of a phone.
type SIMPolicyRequest struct {
	Policy string `json:"policy"`
	Label  string `json:"label,omitempty"`
}

func (s *Server) officeSIMPolicy(c *gin.Context) error {
	slot, err := strconv.Atoi(c.Param("slot"))
	if err != nil {
		return contacts.Errorf(contacts.EInvalid, "slot: a number from 1 to 8")
	}
	var req SIMPolicyRequest
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	d, err := s.db.SetSIMPolicy(c.Request.Context(), c.Param("id"), slot, req.Policy, req.Label)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, NewDeviceRow(d))
	return nil
}

// DialRequest asks a phone to call a number on one of its SIMs.
type DialRequest struct {
	DeviceID string `json:"device_id"`
	Number   string `json:"number"`
	SIMSlot  int    `json:"sim_slot,omitempty"`
}

func (s *Server) officeDial(c *gin.Context) error {
	var req DialRequest
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	if req.DeviceID == "" {
		return contacts.Errorf(contacts.EInvalid, "device_id: required")
	}
	if err := s.Dial(c.Request.Context(), req.DeviceID, req.Number, req.SIMSlot); err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, gin.H{"status": "sent", "connected": s.hub.IsConnected(req.DeviceID)})
	return nil
}

// OpenCalls lists the calls ringing or in progress across the office.
func (s *Server) OpenCalls(ctx context.Context) ([]*officeapi.LiveCall, error) {
	return s.board.OpenCalls(ctx)
}
