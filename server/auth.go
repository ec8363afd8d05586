package server

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

const deviceKey = "ringcard.device"

// authDevice admits a request with a valid bearer token of an active device.
func (s *Server) authDevice(c *gin.Context) {
	h := c.GetHeader("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		s.fail(c, contacts.Errorf(contacts.EUnauthorized, "Authorization: Bearer <token> is required"))
		return
	}
	d, err := s.db.DeviceByToken(c.Request.Context(), sqlite.HashSecret(strings.TrimSpace(token)))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(deviceKey, d)
	c.Request = c.Request.WithContext(contacts.WithActor(c.Request.Context(), contacts.Actor{Kind: contacts.ActorDevice, ID: d.ID, Name: d.Name}))
	s.hub.Seen(d.ID)
	c.Next()
}

func device(c *gin.Context) *contacts.Device {
	return c.MustGet(deviceKey).(*contacts.Device)
}
