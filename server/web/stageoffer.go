package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"

	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/messaging"
)

// stageOffer is the message a stage move offers: a template tied to the
// client's new stage (messages.Template.Stage, "order ready"), filled for
// this client, to edit and send, or to skip. Sending it is the client
// page's one message (POST /contacts/:id/message): any staff member's.
type stageOffer struct {
	ContactID string
	Stage     string
	Name      string           // the template offered ("" when none can go)
	Choice    string           // "name|language|channel" offered
	Choices   []templateOption // every template on this stage
	Channel   string
	SIM       string       // "<device id>:<slot>" it goes from (SMS)
	SIMs      []dialOption // the work SIMs
	Subject   string
	Text      string // filled for the client
	To        string
	Segments  int
	Passed    []string // in the page's language: what was not offered, and why
	Self      string   // the page offering it (the switch form's target)
	Extra     string   // a query value the page needs kept (order=<id>)
	ExtraName string
	OrderID   string // the order moved (order page): {order} is its number
	CSRF      string
}

// stageOffer builds the offer for the page at self when the request says a
// move to a stage just happened (?offer=<stage>), what was moved (the
// client, or one of their orders) is still in it (current), and the stage
// has templates; nil otherwise. orderID is the order moved (the order
// page; "" for the client page). ?tpl= and ?sim= are the
// user's choices on the offer. The page's language is offered first, SMS
// before e-mail; a channel the client opted out of (or has no number or
// address for, or no work SIM to send from) is passed over, and said why.
func (h *Handler) stageOffer(c *gin.Context, contactID, orderID, current string, sims []dialOption, self string) (*stageOffer, error) {
	stage := c.Query("offer")
	if stage == "" || stage != current {
		return nil, nil
	}
	ctx := c.Request.Context()
	ts, err := h.b.MessageTemplates(ctx)
	if err != nil {
		return nil, err
	}
	on := messages.OnStage(ts, stage)
	if len(on) == 0 {
		return nil, nil
	}
	lang := h.lang(c)
	rank := func(t messages.Template) int {
		r := 0
		if t.Language != lang {
			r += 2
		}
		if t.Channel != messages.SMS {
			r++
		}
		return r
	}
	slices.SortStableFunc(on, func(a, b messages.Template) int { return rank(a) - rank(b) })
	o := &stageOffer{ContactID: contactID, OrderID: orderID, Stage: stage, Self: self, CSRF: currentSession(c).CSRF}
	for _, s := range sims {
		if !strings.HasSuffix(s.Value, ":0") {
			o.SIMs = append(o.SIMs, s)
		}
	}
	o.SIM = c.Query("sim")
	if !slices.ContainsFunc(o.SIMs, func(s dialOption) bool { return s.Value == o.SIM }) {
		o.SIM = ""
		if len(o.SIMs) > 0 {
			o.SIM = o.SIMs[0].Value
		}
	}
	for _, t := range on {
		o.Choices = append(o.Choices, templateOption{Value: templateValue(t), Label: t.Name + " (" + t.Language + ", " + T(lang, "msg.ch."+t.Channel) + ")"})
	}
	try := on
	if want := c.Query("tpl"); want != "" {
		if i := slices.IndexFunc(on, func(t messages.Template) bool { return templateValue(t) == want }); i >= 0 {
			try = []messages.Template{on[i]}
		}
	}
	staff := currentSession(c).User.Name
	for _, t := range try {
		why, err := h.fillOffer(c, o, t, staff)
		if err != nil {
			return nil, err
		}
		if why == "" {
			break
		}
		if why = T(lang, "msg.ch."+t.Channel) + ": " + why; !slices.Contains(o.Passed, why) {
			o.Passed = append(o.Passed, why)
		}
	}
	return o, nil
}

// fillOffer plans template t for the offer's client and, when it can go,
// fills the offer with it; otherwise it says why not, in the page's
// language.
func (h *Handler) fillOffer(c *gin.Context, o *stageOffer, t messages.Template, staff string) (string, error) {
	lang := h.lang(c)
	req := messaging.SendRequest{Channel: t.Channel, ContactIDs: []string{o.ContactID}, Template: t.Name, Language: t.Language, OrderID: o.OrderID}
	if t.Channel == messages.SMS {
		dev, slot, _ := strings.Cut(o.SIM, ":")
		n, err := strconv.Atoi(slot)
		if o.SIM == "" || err != nil {
			return T(lang, "msg.nosims"), nil
		}
		req.SIMs = []messages.SIMRef{{DeviceID: dev, Slot: n}}
	}
	p, err := h.b.PlanMessage(c.Request.Context(), req, staff)
	if code := contacts.ErrorCode(err); code == contacts.EInvalid || code == contacts.ENotFound {
		return errText(lang, err), nil // the SIM went private, the phone was removed: the page still shows, saying why
	}
	if err != nil {
		return "", err
	}
	if len(p.Skipped) > 0 {
		return skipWord(lang, p.Skipped[0].Reason), nil
	}
	if len(p.Recipients) == 0 {
		return T(lang, "msg.skipped"), nil
	}
	r := p.Recipients[0]
	o.Name, o.Choice, o.Channel, o.Subject, o.Text, o.To, o.Segments = t.Name, templateValue(t), t.Channel, r.Subject, r.Text, r.To, r.Segments
	return "", nil
}

// templateValue is a template's value in a picker: "name|language|channel".
func templateValue(t messages.Template) string { return t.Name + "|" + t.Language + "|" + t.Channel }

// offerURL is where a move to stage lands: page with the offer when the
// stage has a template to offer, page itself otherwise. extra is more of
// the query ("order=<id>").
func (h *Handler) offerURL(c *gin.Context, page, stage, extra, anchor string) (string, error) {
	ts, err := h.b.MessageTemplates(c.Request.Context())
	if err != nil {
		return "", err
	}
	if len(messages.OnStage(ts, stage)) == 0 {
		return page + anchor, nil
	}
	q := url.Values{"offer": {stage}}
	if k, v, ok := strings.Cut(extra, "="); ok {
		q.Set(k, v)
	}
	return page + "?" + q.Encode() + "#stage-offer", nil
}
