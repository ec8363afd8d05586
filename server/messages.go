package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/messages"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/messaging"
)

// mountMessages adds the phones' message reports and the office's sending
// endpoints (who may use each: access.go).
func (s *Server) mountMessages(dev, office gin.IRouter) {
	dev.POST("/messages/:message_id/status", s.handle(s.messageStatus))
	dev.POST("/messages/received", s.handle(s.messageReceived))
	office.POST("/messages", s.handle(s.startMessages(s.readOne)))
	office.POST("/messages/preview", s.handle(s.previewMessages(s.readOne)))
	office.GET("/messages/:message_id", s.handle(s.officeMessage))
	office.GET("/contacts/:contact_id/messages", s.handle(s.officeContactMessages))
	office.PUT("/contacts/:contact_id/optout", s.handle(s.officeOptOut))
	office.POST("/sends", s.handle(s.startMessages(s.readGroup)))
	office.POST("/sends/preview", s.handle(s.previewMessages(s.readGroup)))
	office.GET("/sends/:send_id", s.handle(s.officeSendProgress))
	office.GET("/message-templates", s.handle(s.officeMessageTemplates))
	office.PUT("/message-templates", s.handle(s.officeSetMessageTemplates))
}

// MessageTemplates is the office's set of message templates.
type MessageTemplates struct {
	Templates []messages.Template `json:"templates"`
}

func (s *Server) officeMessageTemplates(c *gin.Context) error {
	ts, err := s.msg.Templates(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, MessageTemplates{Templates: ts})
	return nil
}

func (s *Server) officeSetMessageTemplates(c *gin.Context) error {
	var req MessageTemplates
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	if err := s.msg.SetTemplates(c.Request.Context(), req.Templates); err != nil {
		return err
	}
	c.JSON(http.StatusOK, req)
	return nil
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

func staffName(c *gin.Context) string {
	return contacts.ActorFrom(c.Request.Context()).Name
}

// readOne reads a message to a single contact.
func (s *Server) readOne(c *gin.Context) (messaging.SendRequest, error) {
	var req messaging.SendRequest
	if err := s.readJSON(c, &req); err != nil {
		return req, err
	}
	if len(req.ContactIDs) != 1 || req.Group != "" {
		return req, contacts.Errorf(contacts.EInvalid, "contact_ids: exactly one contact (a group send is POST /api/v1/office/sends)")
	}
	if req.Channel == messages.SMS && len(req.SIMs) != 1 {
		return req, contacts.Errorf(contacts.EInvalid, "sims: exactly one phone and SIM for one message")
	}
	return req, nil
}

// readGroup reads a group send (or a send to several contacts).
func (s *Server) readGroup(c *gin.Context) (messaging.SendRequest, error) {
	var req messaging.SendRequest
	err := s.readJSON(c, &req)
	return req, err
}

// previewMessages answers the plan of a send read by read (who gets what,
// when, from which SIM, who is skipped); nothing is stored.
func (s *Server) previewMessages(read func(*gin.Context) (messaging.SendRequest, error)) func(*gin.Context) error {
	return func(c *gin.Context) error {
		req, err := read(c)
		if err != nil {
			return err
		}
		p, _, err := s.msg.Plan(c.Request.Context(), req, staffName(c))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, p)
		return nil
	}
}

// startMessages stores a send read by read and answers its plan (202: the
// messages go out as the caps and hours allow).
func (s *Server) startMessages(read func(*gin.Context) (messaging.SendRequest, error)) func(*gin.Context) error {
	return func(c *gin.Context) error {
		req, err := read(c)
		if err != nil {
			return err
		}
		p, err := s.msg.Start(c.Request.Context(), req, staffName(c))
		if err != nil {
			return err
		}
		c.JSON(http.StatusAccepted, p)
		return nil
	}
}

// SendProgressView is a group send's progress.
type SendProgressView struct {
	SendID    string         `json:"send_id"`
	Channel   string         `json:"channel"`
	CreatedBy string         `json:"created_by"`
	Total     int            `json:"total"`
	Done      int            `json:"done"` // delivered, sent (e-mail) or failed
	ByStatus  map[string]int `json:"by_status"`
	Finish    time.Time      `json:"finish"`
}

func (s *Server) officeSendProgress(c *gin.Context) error {
	p, err := s.msg.Progress(c.Request.Context(), c.Param("send_id"))
	if err != nil {
		return err
	}
	done := p.ByStatus[messages.StatusDelivered] + p.ByStatus[messages.StatusFailed]
	if p.Send.Channel == messages.Email {
		done += p.ByStatus[messages.StatusSent]
	}
	c.JSON(http.StatusOK, SendProgressView{SendID: p.Send.ID, Channel: p.Send.Channel, CreatedBy: p.Send.CreatedBy, Total: p.Send.Total,
		Done: done, ByStatus: p.ByStatus, Finish: p.Send.Finish})
	return nil
}

// MessageView is a message as the office sees it.
type MessageView struct {
	ID        string                  `json:"id"`
	SendID    string                  `json:"send_id,omitempty"`
	ContactID string                  `json:"contact_id"`
	Channel   string                  `json:"channel"`
	To        string                  `json:"to"`
	DeviceID  string                  `json:"device_id,omitempty"`
	SIMSlot   int                     `json:"sim_slot,omitempty"`
	Subject   string                  `json:"subject,omitempty"`
	Text      string                  `json:"text"`
	Segments  int                     `json:"segments,omitempty"`
	Status    string                  `json:"status"`
	Reason    string                  `json:"reason,omitempty"`
	Due       time.Time               `json:"due"`
	CreatedBy string                  `json:"created_by"`
	CreatedAt time.Time               `json:"created_at"`
	History   []messages.StatusChange `json:"history"`
}

func messageView(m *messages.Message) MessageView {
	return MessageView{ID: m.ID, SendID: m.SendID, ContactID: m.ContactID, Channel: m.Channel, To: m.To, DeviceID: m.DeviceID, SIMSlot: m.SIMSlot,
		Subject: m.Subject, Text: m.Text, Segments: m.Segments, Status: m.Status, Reason: m.Reason, Due: m.Due, CreatedBy: m.CreatedBy,
		CreatedAt: m.CreatedAt, History: m.History}
}

func (s *Server) officeMessage(c *gin.Context) error {
	m, err := s.db.Message(c.Request.Context(), c.Param("message_id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, messageView(m))
	return nil
}

func (s *Server) officeContactMessages(c *gin.Context) error {
	ctx := c.Request.Context()
	if _, err := s.db.Contact(ctx, c.Param("contact_id")); err != nil {
		return err
	}
	ms, err := s.db.ContactMessages(ctx, c.Param("contact_id"), 200)
	if err != nil {
		return err
	}
	o, err := s.db.ContactOptOut(ctx, c.Param("contact_id"))
	if err != nil {
		return err
	}
	out := make([]MessageView, 0, len(ms))
	for _, m := range ms {
		out = append(out, messageView(m))
	}
	c.JSON(http.StatusOK, gin.H{"messages": out, "no_sms": o.NoSMS, "no_email": o.NoEmail})
	return nil
}

// OptOutRequest sets a contact's opt-outs (a missing field stays as it is).
type OptOutRequest struct {
	NoSMS   *bool `json:"no_sms"`
	NoEmail *bool `json:"no_email"`
}

func (s *Server) officeOptOut(c *gin.Context) error {
	var req OptOutRequest
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request.Context()
	if _, err := s.db.Contact(ctx, c.Param("contact_id")); err != nil {
		return err
	}
	if err := s.db.SetOptOut(ctx, c.Param("contact_id"), req.NoSMS, req.NoEmail, "office: "+staffName(c)); err != nil {
		return err
	}
	o, err := s.db.ContactOptOut(ctx, c.Param("contact_id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"no_sms": o.NoSMS, "no_email": o.NoEmail})
	return nil
}

// Messaging is the messaging service (the CLI and tests start sends with it).
func (s *Server) Messaging() *messaging.Service { return s.msg }
