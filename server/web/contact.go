package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// historyMax is how much history the client page shows.
const historyMax = 1000

type contactData struct {
	C             *contacts.Contact
	Card          protocol.Card
	History       []contacts.HistoryEntry
	HistoryCapped bool
	Stages        []string
	Changes       []sqlite.AuditEntry
	Dial          dialSelect // the phones and SIMs click-to-call can use
	Followups     []followupRow
	FollowupForm  followupForm
	Money         string      // "owes 1,240.00 €, 12 days overdue · 2 open orders" (orders.go)
	Msg           messageData // the client's messages and the send box
	Offer         *stageOffer // the message a stage move offers (stageoffer.go)
}

func (h *Handler) contactPage(c *gin.Context) error {
	return h.renderContact(c, c.Param("id"), messageForm{})
}

// renderContact renders the client page, its message box as in form.
func (h *Handler) renderContact(c *gin.Context, id string, form messageForm) error {
	ctx := c.Request.Context()
	ct, err := h.b.Contact(ctx, id)
	if err != nil {
		return err
	}
	card, err := h.b.ContactCard(ctx, ct)
	if err != nil {
		return err
	}
	hist, err := h.b.History(ctx, ct.ID, "", historyMax, "")
	if err != nil {
		return err
	}
	stages, err := h.stages(c, ct.Stage)
	if err != nil {
		return err
	}
	changes, err := h.b.Audit(ctx, sqlite.AuditFilter{ContactID: ct.ID, Limit: 10})
	if err != nil {
		return err
	}
	opts, err := h.dialOptions(c)
	if err != nil {
		return err
	}
	fus, err := h.b.Followups(ctx, sqlite.FollowupFilter{ContactID: ct.ID, Status: sqlite.FollowupOpen})
	if err != nil {
		return err
	}
	fform, err := h.followupForm(c, "/contacts/"+ct.ID+"#followups")
	if err != nil {
		return err
	}
	msg, err := h.contactMessages(c, ct.ID, opts, form)
	if err != nil {
		return err
	}
	money, err := h.moneyText(ctx, ct.ID)
	if err != nil {
		return err
	}
	offer, err := h.stageOffer(c, ct.ID, "", ct.Stage, opts, "/contacts/"+ct.ID)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "contact", contactData{C: ct, Card: card, History: hist,
		HistoryCapped: len(hist) >= historyMax, Stages: stages, Changes: changes, Dial: dialSelect{ID: "dial-from", Options: opts, Remember: true},
		Followups: h.followupRows(fus), FollowupForm: fform, Money: money, Msg: msg, Offer: offer})
}

// stages are the pipeline's stages (settings: the office's pipeline), its
// "lost" stage, and the contact's current stage should it be another (set
// before the pipeline changed, or imported).
func (h *Handler) stages(c *gin.Context, current string) ([]string, error) {
	p, err := h.b.Pipeline(c.Request.Context())
	if err != nil {
		return nil, err
	}
	out := append(append([]string{}, p.Stages...), p.Lost)
	if current != "" && !contains(out, current) {
		out = append(out, current)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// addNote adds a note to the contact's history, by the signed-in user.
func (h *Handler) addNote(c *gin.Context) error {
	u := currentSession(c).User
	n := contacts.Note{ID: contacts.NewID(), ContactID: c.Param("id"), Text: strings.TrimSpace(c.PostForm("text")),
		Author: u.Name, At: h.now().UTC().Truncate(time.Millisecond)}
	if err := n.Validate(); err != nil {
		return err
	}
	if _, err := h.b.AddNote(c.Request.Context(), &n); err != nil {
		return err
	}
	return redirect(c, "/contacts/"+n.ContactID+"#history")
}

func (h *Handler) setStage(c *gin.Context) error {
	stage := strings.TrimSpace(c.PostForm("stage"))
	id := c.Param("id")
	p, err := h.b.Pipeline(c.Request.Context())
	if err != nil {
		return err
	}
	if stage != "" && !p.Valid(stage) { // as the phones' API: only the pipeline's stages
		return contacts.Errorf(contacts.EInvalid, "stage: %q is not one of %v or %q", stage, p.Stages, p.Lost)
	}
	if err := h.b.SetStage(c.Request.Context(), id, stage, currentSession(c).User.Name, ""); err != nil {
		return err
	}
	to, err := h.offerURL(c, "/contacts/"+id, stage, "", "")
	if err != nil {
		return err
	}
	return redirect(c, to)
}
