package web

import (
	"context"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/messaging"
)

// Messenger is what the client page needs of the messaging service: plan
// (preview) and start a message, and the office's message templates.
type Messenger interface {
	PlanMessage(ctx context.Context, req messaging.SendRequest, staff string) (*messaging.Preview, error)
	SendMessage(ctx context.Context, req messaging.SendRequest, staff string) (*messaging.Preview, error)
	MessageTemplates(ctx context.Context) ([]messages.Template, error)
	// MessageFields are a client's values for the template placeholders,
	// as a send fills them ({order}: their most recent open order).
	MessageFields(ctx context.Context, c *contacts.Contact, staff string) (messages.Fields, error)
	// SetMessageTemplates validates and replaces the office's message
	// templates (the templates page, admins).
	SetMessageTemplates(ctx context.Context, ts []messages.Template) error
	SendProgress(ctx context.Context, id string) (*sqlite.SendProgress, error)
}

// messagesMax is how many of a client's messages the client page shows.
const messagesMax = 200

// messageForm is the client page's "Send a message" box: the choices and
// what was typed (kept across a preview).
type messageForm struct {
	Channel   string
	SIM       string // "<device id>:<slot>"
	SIMs      []dialOption
	Subject   string
	Text      string
	Templates []templateOption
	Preview   *messaging.Preview
	NoSMS     bool
	NoEmail   bool
}

// templateOption is one message template in the picker: "name|language|channel".
type templateOption struct{ Value, Label string }

// messageData is the client's messages and the send box.
type messageData struct {
	Messages []*messages.Message
	Form     messageForm
	// Phones names the office's phones by device id, so a message says
	// which phone sent it and not only the SIM's slot.
	Phones map[string]string
}

// contactMessages loads the client's messages, opt-outs, the work SIMs and
// the templates for the client page; form carries what was typed.
func (h *Handler) contactMessages(c *gin.Context, id string, sims []dialOption, form messageForm) (messageData, error) {
	ctx := c.Request.Context()
	ms, err := h.b.ContactMessages(ctx, id, messagesMax)
	if err != nil {
		return messageData{}, err
	}
	o, err := h.b.ContactOptOut(ctx, id)
	if err != nil {
		return messageData{}, err
	}
	ts, err := h.b.MessageTemplates(ctx)
	if err != nil {
		return messageData{}, err
	}
	for _, t := range ts {
		form.Templates = append(form.Templates, templateOption{Value: t.Name + "|" + t.Language + "|" + t.Channel,
			Label: t.Name + " (" + t.Language + ", " + T(h.lang(c), "msg.ch."+t.Channel) + ")"})
	}
	phones := make(map[string]string, len(sims))
	for _, s := range sims {
		if dev, _, ok := strings.Cut(s.Value, ":"); ok {
			phones[dev] = s.Name
		}
	}
	for _, s := range sims { // only a phone's SIMs: a phone without SIMs cannot send
		if !strings.HasSuffix(s.Value, ":0") {
			form.SIMs = append(form.SIMs, s)
		}
	}
	if form.Channel == "" {
		form.Channel = messages.SMS
	}
	form.NoSMS, form.NoEmail = o.NoSMS, o.NoEmail
	return messageData{Messages: ms, Form: form, Phones: phones}, nil
}

// sendMessage previews (action=preview) or sends the client page's message.
// A template picked is previewed filled with this client; its text is put
// in the box to be edited and sent.
func (h *Handler) sendMessage(c *gin.Context) error {
	id := c.Param("id")
	form := messageForm{Channel: c.PostForm("channel"), SIM: c.PostForm("sim"), Subject: c.PostForm("subject"), Text: c.PostForm("text")}
	// literal: the stage offer's box, filled as shown, is sent as it is
	req := messaging.SendRequest{Channel: form.Channel, ContactIDs: []string{id}, Subject: form.Subject, Text: form.Text, Literal: c.PostForm("literal") == "1"}
	if tpl := c.PostForm("template"); tpl != "" {
		req.Literal = false
		parts := strings.Split(tpl, "|")
		if len(parts) != 3 {
			return contacts.Errorf(contacts.EInvalid, "template: unknown")
		}
		ts, err := h.b.MessageTemplates(c.Request.Context())
		if err != nil {
			return err
		}
		t, ok := messages.Find(ts, parts[0], parts[1], parts[2])
		if !ok {
			return contacts.Errorf(contacts.ENotFound, "no %s template %q in language %q", parts[2], parts[0], parts[1])
		}
		form.Channel, form.Subject, form.Text = t.Channel, t.Subject, t.Text
		req.Channel, req.Subject, req.Text = t.Channel, t.Subject, t.Text
	}
	if req.Channel == messages.SMS {
		dev, slot, ok := strings.Cut(form.SIM, ":")
		n, err := strconv.Atoi(slot)
		if !ok || err != nil || dev == "" {
			return contacts.Errorf(contacts.EInvalid, "sims: choose a phone and SIM to send from")
		}
		req.SIMs = []messages.SIMRef{{DeviceID: dev, Slot: n}}
	}
	staff := currentSession(c).User.Name
	if c.PostForm("action") == "send" && c.PostForm("template") == "" {
		if _, err := h.b.SendMessage(c.Request.Context(), req, staff); err != nil {
			return err
		}
		return redirect(c, "/contacts/"+id+"#messages")
	}
	p, err := h.b.PlanMessage(c.Request.Context(), req, staff)
	if err != nil {
		return err
	}
	form.Preview = p
	return h.renderContact(c, id, form)
}

// setOptOut sets both of the client's opt-outs from the page's checkboxes.
func (h *Handler) setOptOut(c *gin.Context) error {
	id := c.Param("id")
	if _, err := h.b.Contact(c.Request.Context(), id); err != nil {
		return err
	}
	noSMS, noEmail := c.PostForm("no_sms") != "", c.PostForm("no_email") != ""
	if err := h.b.SetOptOut(c.Request.Context(), id, &noSMS, &noEmail, "office: "+currentSession(c).User.Name); err != nil {
		return err
	}
	return redirect(c, "/contacts/"+id+"#messages")
}

// statusWord is a message status in lang.
func statusWord(lang, status string) string {
	if _, ok := catalogue["msg.st."+status]; ok {
		return T(lang, "msg.st."+status)
	}
	return status
}

// skipWord is why a contact is skipped, in lang (reasons.go words them).
func skipWord(lang, reason string) string { return reasonWord(lang, "", reason) }
