package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/messaging"
)

// searchSendMax bounds the contacts a group send takes from a search.
const searchSendMax = 5000

// sendForm is the group send page: what to send to whom from which SIMs,
// and once checked, the preview.
type sendForm struct {
	Channel   string
	Group     string
	Query     string // a search: its contacts get the message
	Template  string // "name|language|channel"
	Subject   string
	Text      string
	SIMs      []string // chosen, "<device id>:<slot>"
	Groups    []string
	SIMChoice []dialOption
	Templates []templateOption
	Preview   *messaging.Preview
	Count     int // contacts the search found
}

// sendRequest reads the group send form into a request (and the form, to
// show it again).
func (h *Handler) sendRequest(c *gin.Context) (sendForm, messaging.SendRequest, error) {
	_ = c.Request.ParseForm()
	f := sendForm{Channel: c.PostForm("channel"), Group: c.PostForm("group"), Query: strings.TrimSpace(c.PostForm("q")),
		Template: c.PostForm("template"), Subject: c.PostForm("subject"), Text: c.PostForm("text"), SIMs: c.PostFormArray("sim")}
	req := messaging.SendRequest{Channel: f.Channel, Group: f.Group, Subject: f.Subject, Text: f.Text}
	if f.Template != "" {
		parts := strings.Split(f.Template, "|")
		if len(parts) != 3 {
			return f, req, contacts.Errorf(contacts.EInvalid, "template: unknown")
		}
		req.Template, req.Language, req.Channel, f.Channel = parts[0], parts[1], parts[2], parts[2]
	}
	if f.Query != "" {
		q := h.query(f.Query)
		q.Limit = searchSendMax
		hits, err := h.b.Search(c.Request.Context(), q)
		if err != nil {
			return f, req, err
		}
		for _, hit := range hits {
			req.ContactIDs = append(req.ContactIDs, hit.Contact.ID)
		}
		f.Count = len(hits)
		if len(hits) == 0 && f.Group == "" {
			return f, req, contacts.Errorf(contacts.EInvalid, "recipients: the search %q finds nobody", f.Query)
		}
	}
	if req.Channel == messages.SMS {
		for _, s := range f.SIMs {
			dev, slot, ok := strings.Cut(s, ":")
			n, err := strconv.Atoi(slot)
			if !ok || err != nil || dev == "" {
				return f, req, contacts.Errorf(contacts.EInvalid, "sims: %q is not a phone and SIM", s)
			}
			req.SIMs = append(req.SIMs, messages.SIMRef{DeviceID: dev, Slot: n})
		}
	}
	return f, req, nil
}

// renderSend shows the group send page with f's choices.
func (h *Handler) renderSend(c *gin.Context, status int, f sendForm) error {
	ctx := c.Request.Context()
	groups, err := h.b.Groups(ctx)
	if err != nil {
		return err
	}
	opts, err := h.dialOptions(c)
	if err != nil {
		return err
	}
	ts, err := h.b.MessageTemplates(ctx)
	if err != nil {
		return err
	}
	f.Groups = groups
	for _, o := range opts {
		if !strings.HasSuffix(o.Value, ":0") {
			f.SIMChoice = append(f.SIMChoice, o)
		}
	}
	for _, t := range ts {
		f.Templates = append(f.Templates, templateOption{Value: t.Name + "|" + t.Language + "|" + t.Channel,
			Label: t.Name + " (" + t.Language + ", " + T(h.lang(c), "msg.ch."+t.Channel) + ")"})
	}
	if f.Channel == "" {
		f.Channel = messages.SMS
	}
	return h.render(c, status, "sends", f)
}

// sendPage is the group send form: ?group= or ?q= (the search) chooses
// who; every work SIM is chosen at first.
func (h *Handler) sendPage(c *gin.Context) error {
	f := sendForm{Group: c.Query("group"), Query: strings.TrimSpace(c.Query("q"))}
	opts, err := h.dialOptions(c)
	if err != nil {
		return err
	}
	for _, o := range opts {
		f.SIMs = append(f.SIMs, o.Value)
	}
	return h.renderSend(c, http.StatusOK, f)
}

// previewSend shows who gets the message, who is skipped and why, the SMS
// parts and the plan over days, storing nothing.
func (h *Handler) previewSend(c *gin.Context) error {
	f, req, err := h.sendRequest(c)
	if err != nil {
		return err
	}
	p, err := h.b.PlanMessage(c.Request.Context(), req, currentSession(c).User.Name)
	if err != nil {
		return err
	}
	f.Preview = p
	return h.renderSend(c, http.StatusOK, f)
}

// startSend starts the group send and shows its progress.
func (h *Handler) startSend(c *gin.Context) error {
	_, req, err := h.sendRequest(c)
	if err != nil {
		return err
	}
	p, err := h.b.SendMessage(c.Request.Context(), req, currentSession(c).User.Name)
	if err != nil {
		return err
	}
	if p.SendID == "" && len(p.Recipients) == 1 { // one client: a single message, on their page
		return redirect(c, "/contacts/"+p.Recipients[0].ContactID+"#messages")
	}
	return redirect(c, "/sends/"+p.SendID)
}

// sendProgressData is the progress page's.
type sendProgressData struct {
	P        *sqlite.SendProgress
	Done     int
	Percent  int
	Skipped  int
	Rows     []statusCount
	Failures []sqlite.ReasonCount
	Running  bool // messages still on their way: the page updates itself (app.js)
}

type statusCount struct {
	Status string
	N      int
}

// deliveryReportWait is how long a send's page keeps waiting for delivery
// reports after its last change.
const deliveryReportWait = 10 * time.Minute

// sendRunning tells whether a send's messages are still on their way.
// Delivery reports may follow an SMS that was sent, but many carriers never
// send one: a send stops waiting for them once none came for
// deliveryReportWait.
func sendRunning(p *sqlite.SendProgress, now time.Time) bool {
	if p.ByStatus[messages.StatusPlanned]+p.ByStatus[messages.StatusDispatched]+p.ByStatus[messages.StatusQueued] > 0 {
		return true
	}
	return p.Send.Channel == messages.SMS && p.ByStatus[messages.StatusSent] > 0 && now.Sub(p.LastChange) < deliveryReportWait
}

// failuresMax is how many failure reasons the progress page lists.
const failuresMax = 20

// sendProgress shows a group send's messages counted by status, those
// skipped, and why some failed. While messages are on their way the page
// polls itself (app.js swaps #send-progress in place); the Refresh link
// does the same without script.
func (h *Handler) sendProgress(c *gin.Context) error {
	ctx := c.Request.Context()
	p, err := h.b.SendProgress(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	d := sendProgressData{P: p}
	d.Done = p.ByStatus[messages.StatusDelivered] + p.ByStatus[messages.StatusFailed]
	if p.Send.Channel == messages.Email {
		d.Done += p.ByStatus[messages.StatusSent]
	}
	if p.Send.Total > 0 {
		d.Percent = d.Done * 100 / p.Send.Total
	}
	var skipped []messaging.Skip
	if err := json.Unmarshal([]byte(p.Send.Skipped), &skipped); err == nil {
		d.Skipped = len(skipped)
	}
	for _, st := range []string{messages.StatusPlanned, messages.StatusDispatched, messages.StatusQueued, messages.StatusSent, messages.StatusDelivered, messages.StatusFailed} {
		d.Rows = append(d.Rows, statusCount{st, p.ByStatus[st]})
	}
	d.Running = sendRunning(p, h.now())
	if p.ByStatus[messages.StatusFailed] > 0 {
		if d.Failures, err = h.b.SendFailures(ctx, p.Send.ID, failuresMax); err != nil {
			return err
		}
	}
	return h.render(c, http.StatusOK, "send_progress", d)
}
