// Package server is ringcard's HTTP side: the routes and who may use each
// (routes.go, access.go), the phone protocol's REST calls and the reading
// side of its websocket (phonews.go: resume, ack, calls, notes), the
// rendering of stored events for the phones (render.go), push, and the
// wiring of the other parts: the event hub that numbers events per device
// and writes them to the phones' sockets (server/hub), the office's JSON
// (server/officeapi, server/orderapi) and its web view (server/web, backed
// by webview.go).
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/hub"
	"github.com/ringcard/ringcard/server/messaging"
	"github.com/ringcard/ringcard/server/metrics"
	"github.com/ringcard/ringcard/server/officeapi"
	"github.com/ringcard/ringcard/server/orderapi"
	"github.com/ringcard/ringcard/server/tlsconf"
	"github.com/ringcard/ringcard/server/web"
)

// Server is the running ringcard server.
type Server struct {
	cfg    config.Config
	db     *sqlite.DB
	log    *slog.Logger
	now    func() time.Time
	norm   contacts.Normalizer
	tpls   atomic.Pointer[contacts.Templates]
	hub    *hub.Hub
	pairRL *limiter
	pairMu sync.Mutex // one pairing attempt at a time (see pair)
	// answering counts calls whose card is being built: the hub's fan-out
	// waits for them (the call path answers first and fans out after).
	answering atomic.Int32
	lastCall  atomic.Int64   // when a phone last asked for a card (UnixNano)
	live      officeapi.Feed // the office's feed of calls and phone health
	private   privateCalls   // calls on private SIMs, never stored
	calls     callWatch      // closes calls of phones that went away (opencalls.go)
	fcm       *fcmWaker      // nil when FCM is off
	engine    *gin.Engine
	web       *web.Handler // the office web view (webview.go)
	http      *http.Server
	metrics   *metrics.Metrics // /metrics (observe.go)
	// metricsToken is the SHA-256 of metrics.token (nil: none accepted).
	metricsToken *[32]byte
	tls          *tlsconf.Transport // how the listener is secured (transport.go)
	proxies      []*net.IPNet       // trusted_proxies, parsed
	msg          *messaging.Service // SMS and e-mail to clients (messages.go)
	orders       *orderapi.API      // orders, documents, payments, forecast (orders.go)
	google       *officeapi.Sync    // the Google Contacts sync and its office routes (google.go)
	board        *officeapi.Board   // the office's live board (officepush.go)
}

// fanOutWindow is the shortest time between two fan-outs while phones are
// ringing or the previous fan-out is still being written (hub.Options): a
// phone then gets what came in the window in one socket write instead of
// one write per change, and the calls keep the CPU. Otherwise a change goes
// at once. Frames are unchanged. The ringing phone's card is an answer, not
// an event: it never waits.
const fanOutWindow = 20 * time.Millisecond

// callsRecent is how recently a phone must have asked for a card for the
// hub to count phones as ringing (hub.Options.Calling).
const callsRecent = 100 * time.Millisecond

// New wires a server around an open database.
func New(ctx context.Context, cfg config.Config, db *sqlite.DB, log *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, db: db, log: log, now: db.Now, norm: db.Normalizer(), // one clock: the store's
		pairRL: newLimiter(5, 10*time.Minute), metricsToken: metricsTokenHash(cfg.Metrics.Token)}
	s.cfg.Metrics.Token = ""   // only its hash is kept
	s.metrics = s.newMetrics() // its gauges read the hub only when scraped
	if err := s.loadTemplates(ctx); err != nil {
		return nil, err
	}
	if err := s.setupTransport(); err != nil {
		return nil, err
	}
	opts := hub.Options{PingInterval: cfg.PingInterval.D(), IdleTimeout: cfg.IdleTimeout.D(), Retention: cfg.Retention.D(),
		Busy: func() bool { return s.answering.Load() > 0 }, MaxHold: 10 * time.Millisecond, FanOutWindow: fanOutWindow,
		Calling: func() bool { return time.Since(time.Unix(0, s.lastCall.Load())) < callsRecent }}
	waker, err := s.startFCM(ctx)
	if err != nil {
		return nil, err
	}
	if waker != nil {
		s.fcm, opts.Waker = waker, waker
	}
	if err := db.ResetConnected(ctx); err != nil {
		return nil, err
	}
	h, err := hub.New(ctx, db, log, s.renderEvent, opts)
	if err != nil {
		return nil, fmt.Errorf("start hub: %w", err)
	}
	s.hub = h
	mcfg, err := cfg.Messaging()
	if err != nil {
		return nil, err
	}
	mcfg.Busy = func() bool { return s.answering.Load() > 0 } // calls go first, as in the hub
	s.msg = messaging.New(db, log, mcfg)
	s.engine = s.routes()
	return s, nil
}

// Handler is the server's HTTP handler (tests serve it with httptest).
func (s *Server) Handler() http.Handler { return s.engine }

// Routes lists every route the server serves (the access table's test
// walks them all).
func (s *Server) Routes() gin.RoutesInfo { return s.engine.Routes() }

// Hub is the event hub.
func (s *Server) Hub() *hub.Hub { return s.hub }

// Serve runs the hub and answers on ln until ctx is cancelled, then shuts
// down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); s.hub.Run(hubCtx) }()
	go s.watchSilent(hubCtx, time.Minute)
	s.calls.start(hubCtx)
	go s.sweepOpenCalls(hubCtx)
	msgDone := make(chan struct{})
	go func() { defer close(msgDone); s.msg.Run(hubCtx) }()
	s.http = &http.Server{Handler: s.engine, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	ln = s.secureListener(ln)
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), s.cfg.Shutdown)
		s.hub.CloseAll()
		err = s.http.Shutdown(sctx)
		cancel()
	}
	stopHub()
	<-hubDone
	s.calls.stop()
	<-msgDone
	if s.fcm != nil {
		dctx, cancel := context.WithTimeout(context.Background(), s.cfg.Shutdown)
		if derr := s.fcm.disp.Close(dctx); derr != nil {
			s.log.Warn("fcm: messages left unsent at shutdown", "err", derr)
		}
		cancel()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func (s *Server) templates() *contacts.Templates { return s.tpls.Load() }

const templatesKey = "card_templates"

func (s *Server) loadTemplates(ctx context.Context) error {
	t := contacts.DefaultTemplates()
	if _, err := s.db.Setting(ctx, templatesKey, &t); err != nil {
		return fmt.Errorf("load card templates: %w", err)
	}
	s.tpls.Store(&t)
	return nil
}

// SetTemplates validates, saves and applies a new template set.
func (s *Server) SetTemplates(ctx context.Context, t contacts.Templates) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if err := s.db.SetSetting(ctx, templatesKey, t); err != nil {
		return err
	}
	s.tpls.Store(&t)
	s.hub.ForgetRendered()
	return nil
}
