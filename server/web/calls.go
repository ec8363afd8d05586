package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
)

// callRow is a call as the calls page and the live board show it.
type callRow struct {
	ID        string      `json:"id"`
	ContactID string      `json:"contact_id,omitempty"`
	Name      string      `json:"name,omitempty"`
	Number    string      `json:"number"`
	Direction string      `json:"direction"`
	Outcome   string      `json:"outcome,omitempty"`
	Text      string      `json:"text"`
	By        string      `json:"by"`
	DeviceID  string      `json:"device_id,omitempty"`
	SIM       int         `json:"sim,omitempty"`
	SIMLabel  string      `json:"sim_label,omitempty"`
	StartedAt string      `json:"started_at"`
	When      string      `json:"when"`
	Seconds   int         `json:"seconds"` // how long it has been going (board)
	CreateURL string      `json:"-"`
	AtParam   string      `json:"-"`
	DialTo    string      `json:"-"` // the number to call back, "" when withheld
	Dial      *dialSelect `json:"-"` // call back from (missed calls)
}

func (h *Handler) rows(c *gin.Context, calls []*contacts.Call) ([]callRow, error) {
	var ids []string
	for _, cl := range calls {
		if cl.ContactID != "" {
			ids = append(ids, cl.ContactID)
		}
	}
	names, err := h.b.ContactNames(c.Request.Context(), ids)
	if err != nil {
		return nil, err
	}
	lang, now := h.lang(c), h.now()
	out := make([]callRow, 0, len(calls))
	for _, cl := range calls {
		r := callRow{ID: cl.ID, ContactID: cl.ContactID, Name: names[cl.ContactID], Number: cl.Number.Raw, Direction: cl.Direction,
			Outcome: cl.Outcome, Text: callText(lang, cl.Direction, outcomeOf(cl.Outcome, cl.EndNotReported != ""), cl.DurationS), By: cl.By, DeviceID: cl.DeviceID, SIM: cl.SIMSlot,
			SIMLabel: cl.SIMLabel, StartedAt: cl.StartedAt.UTC().Format(time.RFC3339), When: localWhen(lang, cl.StartedAt),
			Seconds: max(0, int(now.Sub(cl.StartedAt).Seconds())), AtParam: strconv.FormatInt(cl.StartedAt.UnixMilli(), 10),
			DialTo: cl.Number.Raw}
		if r.Number == "" {
			r.Number = T(lang, "call.withheld")
		}
		if r.Name == "" {
			r.ContactID = "" // deleted since
		}
		r.CreateURL = "/contacts/new?" + url.Values{"number": {cl.Number.Raw}, "sim": {strconv.Itoa(cl.SIMSlot)}, "at": {r.AtParam}}.Encode()
		out = append(out, r)
	}
	return out, nil
}

type callsData struct {
	Today, Missed, Unknown []callRow
	Groups                 []string
}

func (h *Handler) callsPage(c *gin.Context) error {
	ctx := c.Request.Context()
	now := h.now().Local()
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	var d callsData
	for _, q := range []struct {
		dst   *[]callRow
		fetch func() ([]*contacts.Call, error)
	}{
		{&d.Today, func() ([]*contacts.Call, error) { return h.b.CallsSince(ctx, midnight, 300) }},
		{&d.Missed, func() ([]*contacts.Call, error) { return h.b.MissedNotReturned(ctx, now.AddDate(0, 0, -7), 100) }},
		{&d.Unknown, func() ([]*contacts.Call, error) { return h.b.UnknownCalls(ctx, now.AddDate(0, 0, -30), 100) }},
	} {
		calls, err := q.fetch()
		if err != nil {
			return err
		}
		if *q.dst, err = h.rows(c, calls); err != nil {
			return err
		}
	}
	groups, err := h.b.Groups(ctx)
	if err != nil {
		return err
	}
	d.Groups = groups
	opts, err := h.dialOptions(c)
	if err != nil {
		return err
	}
	for i := range d.Missed {
		if r := &d.Missed[i]; r.DialTo != "" && len(opts) > 0 {
			// Call back on the phone and SIM the call came in on, when it can.
			r.Dial = &dialSelect{ID: "from-" + r.ID, Options: opts, Selected: pickDial(opts, r.DeviceID, r.SIM)}
		}
	}
	return h.render(c, http.StatusOK, "calls", d)
}

func (h *Handler) boardPage(c *gin.Context) error {
	return h.render(c, http.StatusOK, "board", nil)
}

// BoardResponse is what the live board polls: calls ringing or in progress,
// and a line for each phone flagged silent (it may be missing calls).
type BoardResponse struct {
	Calls  []callRow `json:"calls"`
	Alerts []string  `json:"alerts"`
	At     string    `json:"at"`
}

func (h *Handler) boardJSON(c *gin.Context) error {
	calls, err := h.b.ActiveCalls(c.Request.Context(), h.now().Add(-h.cfg.ActiveCallAge))
	if err != nil {
		return err
	}
	rows, err := h.rows(c, calls)
	if err != nil {
		return err
	}
	alerts, err := h.silentAlerts(c)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, BoardResponse{Calls: rows, Alerts: alerts, At: h.now().UTC().Format(time.RFC3339)})
	return nil
}

// silentAlerts words "Marco's phone has been silent since 10:12" for every
// active phone the server flagged silent and that has not come back. The
// board polls this with its calls rather than following the live feed's
// device events, so a phone already silent when the page opens shows too.
func (h *Handler) silentAlerts(c *gin.Context) ([]string, error) {
	devs, err := h.b.DeviceHealth(c.Request.Context())
	if err != nil {
		return nil, err
	}
	lang, now := h.lang(c), h.now().Local()
	out := []string{}
	for _, d := range devs {
		if d.Revoked || d.Connected || d.SilentSince.IsZero() {
			continue
		}
		since := d.SilentSince.Local()
		if y, m, dd := since.Date(); y == now.Year() && m == now.Month() && dd == now.Day() {
			out = append(out, T(lang, "board.silent", d.Name, since.Format("15:04")))
		} else {
			out = append(out, T(lang, "board.silentdate", d.Name, since.Format("2006-01-02 15:04")))
		}
	}
	return out, nil
}
