package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/messages"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/messaging"
	"github.com/ringcard/ringcard/server/officeapi"
)

// mountMessages adds the phones' message reports and the office's sending
// endpoints (server/officeapi; who may use each: access.go).
func (s *Server) mountMessages(dev, office gin.IRouter) {
	dev.POST("/messages/:message_id/status", s.handle(s.messageStatus))
	dev.POST("/messages/received", s.handle(s.messageReceived))
	officeapi.NewMessages(s.db, s.msg, s.officeOptions()).Mount(office)
}

func (s *Server) messageStatus(c *gin.Context) error {
	var req protocol.MessageStatus
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	m, err := s.msg.Report(c.Request.Context(), device(c).ID, c.Param("message_id"), req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, protocol.MessageStatusResponse{MessageID: m.ID, Status: m.Status})
	return nil
}

// messageReceived marks the sender "no SMS" when the reply is an opt-out.
// Only work SIMs report; nothing of the text is kept.
func (s *Server) messageReceived(c *gin.Context) error {
	var req protocol.SMSReceived
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	d := device(c)
	sim, ok := d.SIM(req.SIMSlot)
	if !ok {
		return contacts.Errorf(contacts.EInvalid, "sim_slot: the phone has no SIM %d", req.SIMSlot)
	}
	if sim.EffectivePolicy() != contacts.SIMWork {
		return contacts.Errorf(contacts.EForbidden, "SIM %d is %s: a phone never reports messages received on it", req.SIMSlot, sim.EffectivePolicy())
	}
	if _, err := time.Parse(time.RFC3339, req.ReceivedAt); err != nil {
		return contacts.Errorf(contacts.EInvalid, "received_at: an RFC 3339 time")
	}
	ctx := c.Request.Context()
	p, err := s.norm.Parse(req.From, sim.Region)
	if err != nil {
		return err
	}
	resp := protocol.SMSReceivedResponse{}
	if messages.IsStop(req.Text) {
		found, err := s.db.ContactsByNumber(ctx, p.Key)
		if err != nil {
			return err
		}
		yes := true
		for _, ct := range found {
			if err := s.db.SetOptOut(ctx, ct.ID, &yes, nil, "SMS reply to SIM "+sim.Label); err != nil {
				return err
			}
			resp.OptedOut, resp.ContactID = true, ct.ID
		}
	}
	c.JSON(http.StatusOK, resp)
	return nil
}

// Messaging is the messaging service (the CLI and tests start sends with it).
func (s *Server) Messaging() *messaging.Service { return s.msg }
