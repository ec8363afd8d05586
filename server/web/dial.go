package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
)

// dialOption is one phone and SIM the office can ask to place a call.
type dialOption struct {
	Value string // "<device id>:<slot>", what the page posts to the dial endpoint
	Name  string // the phone's name, for "sent to Giulia's phone"
	Label string
	Push  bool // offline, and the server can wake it by push
}

// dialSelect is a "call from" selector: its element ID, the choices and
// the one chosen first.
type dialSelect struct {
	ID       string
	Options  []dialOption
	Selected string
	Remember bool // the browser keeps the last choice (the client page)
}

func dialValue(deviceID string, slot int) string { return deviceID + ":" + strconv.Itoa(slot) }

// dialOptions lists what click-to-call can use: every active phone's work
// SIMs (a staff member's private or ignored SIM never places office calls),
// or the phone itself when it reported no SIMs; phones online now first. A
// phone that is offline gets the request by push when the server sends
// push, else when it next connects; the option says which.
func (h *Handler) dialOptions(c *gin.Context) ([]dialOption, error) {
	devs, err := h.b.DeviceHealth(c.Request.Context())
	if err != nil {
		return nil, err
	}
	lang := h.lang(c)
	var out []dialOption
	devs = slices.Clone(devs)
	slices.SortStableFunc(devs, func(a, b DeviceHealth) int {
		switch {
		case a.Connected == b.Connected:
			return 0
		case a.Connected:
			return -1
		}
		return 1
	})
	for _, d := range devs {
		if d.Revoked {
			continue
		}
		state := ""
		switch {
		case d.Connected:
		case d.HasFCM:
			state = " — " + T(lang, "dial.offline")
		default: // no push: the request waits for the phone's next connection
			state = " — " + T(lang, "dial.offlinewaits")
		}
		if len(d.SIMs) == 0 {
			out = append(out, dialOption{Value: dialValue(d.ID, 0), Name: d.Name, Label: d.Name + state, Push: d.HasFCM})
			continue
		}
		for _, s := range d.SIMs {
			if s.EffectivePolicy() != contacts.SIMWork {
				continue
			}
			label := d.Name + " · SIM " + strconv.Itoa(s.Slot)
			if s.Label != "" {
				label += " (" + s.Label + ")"
			}
			out = append(out, dialOption{Value: dialValue(d.ID, s.Slot), Name: d.Name, Label: label + state, Push: d.HasFCM})
		}
	}
	return out, nil
}

// pickDial is the option for a call back: the phone and SIM the call came
// in on, else another work SIM of that phone, else "" (the first option).
func pickDial(opts []dialOption, deviceID string, slot int) string {
	want := dialValue(deviceID, slot)
	same := ""
	for _, o := range opts {
		if o.Value == want {
			return want
		}
		if same == "" && strings.HasPrefix(o.Value, deviceID+":") {
			same = o.Value
		}
	}
	return same
}
