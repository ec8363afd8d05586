package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/skip2/go-qrcode"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// deviceRow is a phone as the devices page shows it.
type deviceRow struct {
	DeviceHealth
	State                          string // online, silent, offline or revoked (catalogue keys devices.<state>)
	Channel                        string // how it is reached now: a catalogue key
	LastChannel                    string // when it cannot be reached now: how it last was (a catalogue key)
	LastSeenText, SilentText       string
	LastErrorText, LastErrorAtText string
	SIMs                           []simRow
}

// simRow is one SIM with the office's policy for it.
type simRow struct {
	Slot          int
	Label, Policy string
}

// simPolicies are the choices of the SIM policy selector, in its order.
var simPolicies = []string{contacts.SIMWork, contacts.SIMPrivate, contacts.SIMIgnore}

func (h *Handler) devicesPage(c *gin.Context) error {
	devs, err := h.b.DeviceHealth(c.Request.Context())
	if err != nil {
		return err
	}
	lang := h.lang(c)
	rows := make([]deviceRow, 0, len(devs))
	for _, d := range devs {
		rows = append(rows, newDeviceRow(lang, d))
	}
	return h.render(c, http.StatusOK, "devices", struct {
		Devices   []deviceRow
		Policies  []string
		Transport TransportInfo
		PairSlots []int
	}{rows, simPolicies, h.transport(), pairSlots})
}

// pairSlots are the SIM slots the pairing form asks a policy for: phones
// have one or two (a third, rarer, follows its name or is set later).
var pairSlots = []int{1, 2}

// pairPolicies reads the pairing form's SIM policies ("" is unchosen).
func pairPolicies(c *gin.Context) (map[int]string, error) {
	var specs []string
	for _, slot := range pairSlots {
		if p := c.PostForm(fmt.Sprintf("sim%d", slot)); p != "" {
			specs = append(specs, fmt.Sprintf("%d=%s", slot, p))
		}
	}
	return contacts.ParseSIMPolicies(specs)
}

func newDeviceRow(lang string, d DeviceHealth) deviceRow {
	r := deviceRow{DeviceHealth: d, LastSeenText: localWhen(lang, d.LastSeen), SilentText: localWhen(lang, d.SilentSince),
		LastErrorText: d.LastError, LastErrorAtText: localWhen(lang, d.LastErrorAt), Channel: "channel.none"}
	switch {
	case d.Revoked:
		r.State = "revoked"
	case d.Connected:
		r.State = "online"
	case !d.SilentSince.IsZero():
		r.State = "silent"
	default:
		r.State = "offline"
	}
	switch {
	case d.Revoked:
	case d.Connected:
		r.Channel = "channel.ws"
	case d.HasFCM:
		r.Channel = "channel.fcm"
	}
	if r.Channel == "channel.none" && !d.Revoked {
		switch d.Channel {
		case "websocket":
			r.LastChannel = "channel.ws"
		case "fcm":
			r.LastChannel = "channel.fcm"
		}
	}
	for _, s := range d.SIMs {
		r.SIMs = append(r.SIMs, simRow{Slot: s.Slot, Label: strings.TrimSpace(s.Label), Policy: s.EffectivePolicy()})
	}
	return r
}

type pairData struct {
	Name, Code, Expires, Server string
	QR                          template.URL
	Transport                   TransportInfo
	Loopback                    bool   // the QR holds this computer's own address: no phone reaches it
	Scheme, Port                string // the server's, for the advice
}

// loopbackServer tells whether a server URL names this computer only
// (127.0.0.1, ::1, localhost), with its scheme and port.
func loopbackServer(server string) (loop bool, scheme, port string) {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return false, "", ""
	}
	scheme = u.Scheme
	port = u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	host := u.Hostname()
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true, scheme, port
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), scheme, port
}

// pairDevice makes a one-time pairing code and shows it with its QR code.
func (h *Handler) pairDevice(c *gin.Context) error {
	sims, err := pairPolicies(c)
	if err != nil {
		return err
	}
	pc, err := h.b.NewPairCode(c.Request.Context(), c.PostForm("name"), sims)
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(pc.URL, qrcode.Medium, 256)
	if err != nil {
		return fmt.Errorf("make QR code: %w", err)
	}
	link, err := protocol.ParsePairLink(pc.URL)
	if err != nil {
		return fmt.Errorf("read pairing link: %w", err)
	}
	d := pairData{Name: pc.Name, Code: pc.Code, Expires: localWhen(h.lang(c), pc.ExpiresAt), Server: link.Server, Transport: h.transport(),
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))}
	d.Loopback, d.Scheme, d.Port = loopbackServer(link.Server)
	return h.render(c, http.StatusOK, "pair", d)
}

func (h *Handler) revokeDevice(c *gin.Context) error {
	if _, err := h.b.Revoke(c.Request.Context(), c.Param("id")); err != nil {
		return err
	}
	return redirect(c, "/devices")
}
