package web

import (
	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// SignedInUser is the user of the request's live session, or nil. It is
// for routes outside the session-guarded groups that show more to staff
// than to anyone (the health details, /metrics); it never redirects.
func (h *Handler) SignedInUser(c *gin.Context) *sqlite.User {
	if s := currentSession(c); s != nil {
		return s.User
	}
	s, err := h.session(c)
	if err != nil {
		return nil
	}
	return s.User
}
