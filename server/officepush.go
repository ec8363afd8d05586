package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"github.com/ringcard/ringcard/contacts"
)

// mountPush adds the office's device and live-call endpoints to an
// office-authenticated group.
func (s *Server) mountPush(r gin.IRouter) {
	r.GET("/devices", s.handle(s.officeDevices))
	r.PUT("/devices/:id/sims/:slot", s.handle(s.officeSIMPolicy))
	r.POST("/dial", s.handle(s.officeDial))
	r.GET("/calls/open", s.handle(s.officeOpenCalls))
	r.GET("/live", s.handle(s.officeLive))
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

func (s *Server) officeOpenCalls(c *gin.Context) error {
	calls, err := s.OpenCalls(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"calls": calls})
	return nil
}

// OpenCalls lists the calls ringing or in progress across the office.
func (s *Server) OpenCalls(ctx context.Context) ([]*LiveCall, error) {
	calls, err := s.db.OpenCalls(ctx, s.now().Add(-s.cfg.Calls.EffectiveOpenLimit()))
	if err != nil {
		return nil, err
	}
	out := make([]*LiveCall, 0, len(calls))
	for _, call := range calls {
		name := ""
		if call.ContactID != "" {
			if ct, err := s.db.Contact(ctx, call.ContactID); err == nil {
				name = ct.Name()
			}
		}
		out = append(out, liveCall(call, name))
	}
	return out, nil
}

var officeUpgrader = websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 4096}

// officeLive streams the live feed to an office page: first the calls open
// now, then every event as it happens.
func (s *Server) officeLive(c *gin.Context) error {
	if !websocket.IsWebSocketUpgrade(c.Request) {
		return contacts.Errorf(contacts.EInvalid, "this endpoint needs a websocket upgrade")
	}
	events, stop := s.live.subscribe()
	defer stop()
	open, err := s.OpenCalls(c.Request.Context())
	if err != nil {
		return err
	}
	ws, err := officeUpgrader.Upgrade(c.Writer, c.Request, nil) // same-origin only: the default origin check
	if err != nil {
		return nil
	}
	defer ws.Close()
	idle := s.cfg.IdleTimeout.D()
	_ = ws.SetReadDeadline(time.Now().Add(idle))
	ws.SetPongHandler(func(string) error { return ws.SetReadDeadline(time.Now().Add(idle)) })
	go func() { // the office page sends nothing; reading notices it leaving (or going silent)
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				stop()
				return
			}
		}
	}()
	write := func(v any) error {
		_ = ws.SetWriteDeadline(time.Now().Add(writeTimeout))
		return ws.WriteJSON(v)
	}
	if err := write(gin.H{"type": "snapshot", "calls": open}); err != nil {
		return nil
	}
	ping := time.NewTicker(s.cfg.PingInterval.D())
	defer ping.Stop()
	for {
		select {
		case e, ok := <-events:
			if !ok {
				_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "too slow"), time.Now().Add(time.Second))
				return nil
			}
			if err := write(e); err != nil {
				return nil
			}
		case <-ping.C:
			if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)); err != nil {
				return nil
			}
		}
	}
}
