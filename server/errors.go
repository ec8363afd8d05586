package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[string]int{
	contacts.EInvalid:       http.StatusBadRequest,
	contacts.EInvalidNumber: http.StatusBadRequest,
	contacts.EUnauthorized:  http.StatusUnauthorized,
	contacts.EForbidden:     http.StatusForbidden,
	contacts.ENotFound:      http.StatusNotFound,
	contacts.EConflict:      http.StatusConflict,
	contacts.ETooLarge:      http.StatusRequestEntityTooLarge,
	contacts.ERateLimited:   http.StatusTooManyRequests,
	"method_not_allowed":    http.StatusMethodNotAllowed,
	contacts.EInternal:      http.StatusInternalServerError,
}

// rateLimited is an error that carries how long to wait.
type rateLimited struct {
	message    string
	retryAfter int
}

func (e *rateLimited) Error() string { return contacts.ERateLimited + ": " + e.message }

// handler is a gin handler that returns an error; handle() renders it.
type handler func(c *gin.Context) error

func (s *Server) handle(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.fail(c, err)
		}
	}
}

// fail writes err in the protocol's error shape. Internal errors are logged
// with their detail and shown as a bare "internal error".
func (s *Server) fail(c *gin.Context, err error) {
	code := errorCode(err)
	status := statusOf[code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	var rl *rateLimited
	if errors.As(err, &rl) {
		c.Header("Retry-After", strconv.Itoa(rl.retryAfter))
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request.Method, "path", c.FullPath(), "err", err)
	}
	body := errorBody(err)
	if s.web != nil {
		body.Error.Text = s.web.ErrorText(c, err)
	}
	c.AbortWithStatusJSON(status, body)
}

func errorCode(err error) string {
	var rl *rateLimited
	if errors.As(err, &rl) {
		return contacts.ERateLimited
	}
	var de *protocol.DecodeError
	if errors.As(err, &de) {
		return contacts.EInvalid
	}
	return contacts.ErrorCode(err)
}

func errorBody(err error) protocol.ErrorResponse {
	code := errorCode(err)
	msg := contacts.ErrorMessage(err)
	var de *protocol.DecodeError
	var rl *rateLimited
	switch {
	case errors.As(err, &rl):
		msg = rl.message
	case errors.As(err, &de):
		msg = de.Error()
	}
	return protocol.ErrorResponse{Error: protocol.ErrorBody{Code: code, Message: msg}}
}

// readJSON reads the request body (at most MaxBody bytes) into v strictly.
func (s *Server) readJSON(c *gin.Context, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return contacts.Errorf(contacts.ETooLarge, "body: larger than %d bytes", s.cfg.MaxBody)
		}
		return contacts.Errorf(contacts.EInvalid, "body: could not be read")
	}
	return protocol.Decode(body, v)
}
