package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/skip2/go-qrcode"
)

type deviceRow struct {
	ID, Name, DeviceName, Platform, AppVersion string
	SIMs                                       string
	Online, Revoked                            bool
	LastSeen                                   string
	Channel                                    string // a catalogue key
}

func (h *Handler) devicesPage(c *gin.Context) error {
	devs, err := h.b.Devices(c.Request.Context())
	if err != nil {
		return err
	}
	var rows []deviceRow
	for _, d := range devs {
		r := deviceRow{ID: d.ID, Name: d.Name, DeviceName: d.DeviceName, Platform: d.Platform, AppVersion: d.AppVersion,
			Revoked: d.Revoked(), LastSeen: localTime(d.LastSeen), Channel: "channel.none"}
		var sims []string
		for _, s := range d.SIMs {
			sims = append(sims, strings.TrimSpace(fmt.Sprintf("SIM %d %s", s.Slot, s.Label)))
		}
		r.SIMs = strings.Join(sims, " · ")
		if !r.Revoked {
			r.Online = h.b.DeviceOnline(d.ID)
			switch {
			case r.Online:
				r.Channel = "channel.ws"
			case d.FCMToken != "":
				r.Channel = "channel.fcm"
			}
		}
		rows = append(rows, r)
	}
	return h.render(c, http.StatusOK, "devices", struct{ Devices []deviceRow }{rows})
}

type pairData struct {
	Name, Code, Expires, Server string
	QR                          template.URL
}

// pairDevice makes a one-time pairing code and shows it with its QR code.
func (h *Handler) pairDevice(c *gin.Context) error {
	pc, err := h.b.NewPairCode(c.Request.Context(), c.PostForm("name"))
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(pc.URL, qrcode.Medium, 256)
	if err != nil {
		return fmt.Errorf("make QR code: %w", err)
	}
	server := pc.URL
	if i := strings.Index(server, "server="); i >= 0 {
		server = server[i+len("server="):]
		if j := strings.IndexByte(server, '&'); j >= 0 {
			server = server[:j]
		}
		server = unescape(server)
	}
	d := pairData{Name: pc.Name, Code: pc.Code, Expires: localTime(pc.ExpiresAt), Server: server,
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))}
	return h.render(c, http.StatusOK, "pair", d)
}

func (h *Handler) revokeDevice(c *gin.Context) error {
	if _, err := h.b.Revoke(c.Request.Context(), c.Param("id")); err != nil {
		return err
	}
	return redirect(c, "/devices")
}
