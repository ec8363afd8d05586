package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/server/officeapi"
	"github.com/ringcard/ringcard/server/web"
)

func (s *Server) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// ClientIP is the peer's address unless the peer is a configured reverse
	// proxy: X-Forwarded-For from anyone would let a client escape the
	// pairing and sign-in lockouts by inventing addresses, and behind a proxy
	// without this every client would share the proxy's address.
	_ = r.SetTrustedProxies(s.cfg.TrustedProxies) // validated in config.Config.Validate
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = false
	r.Use(s.transportHeaders, s.logRequests, s.recoverPanics, web.SecurityHeaders, s.access) // access: who may use each route (access.go)
	r.NoRoute(func(c *gin.Context) {
		if wantsPage(c) {
			s.web.NotFoundPage(c)
			return
		}
		s.fail(c, contacts.Errorf(contacts.ENotFound, "no such route: %s %s", c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		s.fail(c, &contacts.Error{Code: "method_not_allowed", Message: c.Request.Method + " is not allowed on " + c.Request.URL.Path})
	})

	r.GET("/healthz", s.handle(s.health))
	r.GET("/metrics", s.serveMetrics())
	api := r.Group("/api/v1")
	api.POST("/pair", s.handle(s.pair))

	dev := api.Group("")
	dev.GET("/device", s.handle(s.getDevice))
	dev.PUT("/device", s.handle(s.putDevice))
	dev.POST("/calls", s.handle(s.postCall))
	dev.POST("/calls/:call_id/end", s.handle(s.endCall))
	dev.POST("/notes", s.handle(s.postNote))
	dev.POST("/contacts", s.handle(s.postContact))
	dev.GET("/cards/lookup", s.handle(s.lookupCard))
	dev.GET("/cards", s.handle(s.directory))
	dev.GET("/ws", s.handle(s.websocket))
	s.mountFollowups(dev)
	s.mountPipeline(dev)
	office := r.Group("/api/v1/office")
	s.mountWeb(r, office)
	s.mountGoogle(office)
	s.mountPush(office)
	s.mountData(office)
	s.mountMessages(dev, office)
	s.mountOrders(office)
	return r
}

// wantsPage reports whether a request is a browser opening a page (a GET
// asking for HTML, outside the API): it gets an HTML error page.
func wantsPage(c *gin.Context) bool {
	return (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) &&
		!strings.HasPrefix(c.Request.URL.Path, "/api/") && strings.Contains(c.GetHeader("Accept"), "text/html")
}

func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.log.Debug("request", "method", c.Request.Method, "path", c.Request.URL.Path, "status", c.Writer.Status(), "took", time.Since(start))
}

func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic in handler", "path", c.Request.URL.Path, "panic", v)
			s.fail(c, contacts.Errorf(contacts.EInternal, "internal error"))
		}
	}()
	c.Next()
}

// officeOptions is what each part of the office API (server/officeapi)
// takes from the server.
func (s *Server) officeOptions() officeapi.Options {
	return officeapi.Options{Now: s.now, Decode: s.readJSON, Fail: s.fail}
}
