package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

const deviceKey = "ringcard.device"

// callStartRoute is the REST call start: its caller waits for a card.
const callStartRoute = "/api/v1/calls"

// authDevice admits a request with a valid bearer token of an active device.
// The scheme is matched in any case ("bearer", "BEARER"), as RFC 7235 says.
//
// A phone's write (a call, a note, a contact...) runs to its end even if
// the phone goes away meanwhile (its context is not canceled with the
// connection): it is short, and meant to finish (a phone retries with the
// same ids). It also keeps the call path fast: with a context that can be
// canceled, the SQLite driver starts a goroutine per statement to watch it,
// and database/sql one per query, each waking another thread (BENCHMARKS.md,
// "Fourth pass"). A read (GET: a directory page, a lookup) stops when the
// phone has gone.
func (s *Server) authDevice(c *gin.Context) {
	if c.Request.Method == http.MethodPost && c.FullPath() == callStartRoute {
		// A phone is ringing: the hub's fan-out waits from here until its
		// card is written, the token check included.
		s.answering.Add(1)
		defer s.answering.Add(-1)
		s.lastCall.Store(time.Now().UnixNano())
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(c.GetHeader("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		s.fail(c, contacts.Errorf(contacts.EUnauthorized, "Authorization: Bearer <token> is required"))
		return
	}
	ctx := c.Request.Context()
	hash := sqlite.HashSecret(strings.TrimSpace(token))
	var d *contacts.Device
	var err error
	if c.Request.Method == http.MethodGet {
		d, err = s.db.DeviceByToken(ctx, hash)
	} else {
		// A write: the token is read where the write will run, on the
		// write connection, whose cache the last commit kept (a reader's
		// is dropped by every commit: sqlite.ReadSnapshot).
		ctx = context.WithoutCancel(ctx)
		d, err = s.db.DeviceByTokenToWrite(ctx, hash)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(deviceKey, d)
	c.Request = c.Request.WithContext(contacts.WithActor(ctx, contacts.Actor{Kind: contacts.ActorDevice, ID: d.ID, Name: d.Name}))
	s.hub.Seen(d.ID)
	c.Next()
}

func device(c *gin.Context) *contacts.Device {
	return c.MustGet(deviceKey).(*contacts.Device)
}
