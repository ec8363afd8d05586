// Package officeapi is the office's JSON API under /api/v1/office that is
// not orders (server/orderapi): the Google sync's status, runs and
// conflicts, and (in the files of each part) the office's other routes.
// Each part takes a small options struct (its store, the server's strict
// JSON reader and its error writer, the protocol's error shape) and mounts
// its routes on the office group; who may use each route is decided in one
// place, server/access.go.
package officeapi

import "github.com/gin-gonic/gin"

// handle adapts a handler that returns an error to gin: the error goes to
// fail, which writes it in the protocol's error shape.
func handle(fail func(c *gin.Context, err error), h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			fail(c, err)
		}
	}
}
