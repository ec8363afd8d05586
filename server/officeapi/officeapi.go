// Package officeapi is the office's JSON API under /api/v1/office, apart
// from orders (server/orderapi) and what the office shares with the phones
// or reads from the hub (follow-ups, the pipeline's stages, the phones and
// dialling: package server). One file per part: the Google sync's status,
// runs and conflicts (sync.go); the pipeline's settings and figures, the
// lists, duplicates and merges (data.go); the live board and its feed
// (live.go); messages, group sends, opt-outs and message templates
// (messages.go). Each takes what it needs from the store plus Options, and
// mounts its routes on the office group; who may use each route is decided
// in one place, server/access.go.
package officeapi

import (
	"time"

	"github.com/gin-gonic/gin"
)

// Options are what every part takes from the server: its clock, its strict
// JSON reader and its error writer (the protocol's error shape).
type Options struct {
	Now    func() time.Time
	Decode func(c *gin.Context, v any) error
	Fail   func(c *gin.Context, err error)
}

// handle adapts a handler that returns an error to gin: the error goes to
// fail, which writes it in the protocol's error shape.
func handle(fail func(c *gin.Context, err error), h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			fail(c, err)
		}
	}
}
