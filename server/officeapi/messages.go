package officeapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/messaging"
)

// MessageStore is what the message routes need from the database.
type MessageStore interface {
	Contact(ctx context.Context, id string) (*contacts.Contact, error)
	Message(ctx context.Context, id string) (*messages.Message, error)
	ContactMessages(ctx context.Context, contactID string, limit int) ([]*messages.Message, error)
	ContactOptOut(ctx context.Context, contactID string) (sqlite.OptOut, error)
	SetOptOut(ctx context.Context, contactID string, noSMS, noEmail *bool, source string) error
}

// Messages serves the office's SMS and e-mail to clients: one message or a
// group send (previewed, then started), their progress, a client's
// messages and opt-outs, and the message templates. The phones' reports on
// the messages they send are the phone API's (package server).
type Messages struct {
	store MessageStore
	svc   *messaging.Service
	o     Options
}

// NewMessages returns the message routes, sending through svc.
func NewMessages(store MessageStore, svc *messaging.Service, o Options) *Messages {
	return &Messages{store: store, svc: svc, o: o}
}

// Mount adds the routes to the office group (/api/v1/office). Their access
// rules are in server/access.go.
func (m *Messages) Mount(office gin.IRouter) {
	h := func(f func(c *gin.Context) error) gin.HandlerFunc { return handle(m.o.Fail, f) }
	office.POST("/messages", h(m.start(m.readOne)))
	office.POST("/messages/preview", h(m.preview(m.readOne)))
	office.GET("/messages/:message_id", h(m.message))
	office.GET("/contacts/:contact_id/messages", h(m.contactMessages))
	office.PUT("/contacts/:contact_id/optout", h(m.optOut))
	office.POST("/sends", h(m.start(m.readGroup)))
	office.POST("/sends/preview", h(m.preview(m.readGroup)))
	office.GET("/sends/:send_id", h(m.sendProgress))
	office.GET("/message-templates", h(m.templates))
	office.PUT("/message-templates", h(m.setTemplates))
}

// MessageTemplates is the office's set of message templates.
type MessageTemplates struct {
	Templates []messages.Template `json:"templates"`
}

func (m *Messages) templates(c *gin.Context) error {
	ts, err := m.svc.Templates(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, MessageTemplates{Templates: ts})
	return nil
}

func (m *Messages) setTemplates(c *gin.Context) error {
	var req MessageTemplates
	if err := m.o.Decode(c, &req); err != nil {
		return err
	}
	if err := m.svc.SetTemplates(c.Request.Context(), req.Templates); err != nil {
		return err
	}
	c.JSON(http.StatusOK, req)
	return nil
}

func staffName(c *gin.Context) string {
	return contacts.ActorFrom(c.Request.Context()).Name
}

// readOne reads a message to a single contact.
func (m *Messages) readOne(c *gin.Context) (messaging.SendRequest, error) {
	var req messaging.SendRequest
	if err := m.o.Decode(c, &req); err != nil {
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
func (m *Messages) readGroup(c *gin.Context) (messaging.SendRequest, error) {
	var req messaging.SendRequest
	err := m.o.Decode(c, &req)
	return req, err
}

// previewMessages answers the plan of a send read by read (who gets what,
// when, from which SIM, who is skipped); nothing is stored.
func (m *Messages) preview(read func(*gin.Context) (messaging.SendRequest, error)) func(*gin.Context) error {
	return func(c *gin.Context) error {
		req, err := read(c)
		if err != nil {
			return err
		}
		p, _, err := m.svc.Plan(c.Request.Context(), req, staffName(c))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, p)
		return nil
	}
}

// startMessages stores a send read by read and answers its plan (202: the
// messages go out as the caps and hours allow).
func (m *Messages) start(read func(*gin.Context) (messaging.SendRequest, error)) func(*gin.Context) error {
	return func(c *gin.Context) error {
		req, err := read(c)
		if err != nil {
			return err
		}
		p, err := m.svc.Start(c.Request.Context(), req, staffName(c))
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

func (m *Messages) sendProgress(c *gin.Context) error {
	p, err := m.svc.Progress(c.Request.Context(), c.Param("send_id"))
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

func (m *Messages) message(c *gin.Context) error {
	msg, err := m.store.Message(c.Request.Context(), c.Param("message_id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, messageView(msg))
	return nil
}

func (m *Messages) contactMessages(c *gin.Context) error {
	ctx := c.Request.Context()
	if _, err := m.store.Contact(ctx, c.Param("contact_id")); err != nil {
		return err
	}
	ms, err := m.store.ContactMessages(ctx, c.Param("contact_id"), 200)
	if err != nil {
		return err
	}
	o, err := m.store.ContactOptOut(ctx, c.Param("contact_id"))
	if err != nil {
		return err
	}
	out := make([]MessageView, 0, len(ms))
	for _, msg := range ms {
		out = append(out, messageView(msg))
	}
	c.JSON(http.StatusOK, gin.H{"messages": out, "no_sms": o.NoSMS, "no_email": o.NoEmail})
	return nil
}

// OptOutRequest sets a contact's opt-outs (a missing field stays as it is).
type OptOutRequest struct {
	NoSMS   *bool `json:"no_sms"`
	NoEmail *bool `json:"no_email"`
}

func (m *Messages) optOut(c *gin.Context) error {
	var req OptOutRequest
	if err := m.o.Decode(c, &req); err != nil {
		return err
	}
	ctx := c.Request.Context()
	if _, err := m.store.Contact(ctx, c.Param("contact_id")); err != nil {
		return err
	}
	if err := m.store.SetOptOut(ctx, c.Param("contact_id"), req.NoSMS, req.NoEmail, "office: "+staffName(c)); err != nil {
		return err
	}
	o, err := m.store.ContactOptOut(ctx, c.Param("contact_id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"no_sms": o.NoSMS, "no_email": o.NoEmail})
	return nil
}
