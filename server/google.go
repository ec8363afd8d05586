package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/web"
	contactsync "github.com/ringcard/ringcard/sync"
)

// googleRunner holds the sync engine while it runs in the background.
type googleRunner struct {
	mu     sync.Mutex
	engine *contactsync.Engine
}

func (g *googleRunner) get() *contactsync.Engine {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.engine
}

// ErrGoogleNotConnected means no Google account is connected.
var ErrGoogleNotConnected = contacts.Errorf(contacts.EConflict, "Google Contacts is not connected: run `ringcard google connect`")

// NewGoogleEngine builds the sync engine for the configured account. It
// fails with ErrGoogleNotConnected when there is none.
func NewGoogleEngine(ctx context.Context, cfg config.Config, db *sqlite.DB, log *slog.Logger) (*contactsync.Engine, error) {
	return newGoogleEngine(ctx, cfg, db, log, nil)
}

// newGoogleEngine is NewGoogleEngine telling onRun each run's outcome.
func newGoogleEngine(ctx context.Context, cfg config.Config, db *sqlite.DB, log *slog.Logger, onRun func(error)) (*contactsync.Engine, error) {
	gc := cfg.Google
	if !gc.Connected() {
		return nil, ErrGoogleNotConnected
	}
	var client *http.Client
	if !gc.NoAuth {
		var err error
		client, err = GoogleOAuth(cfg).HTTPClient(ctx, contactsync.TokenFile{Path: gc.TokenFile})
		if err != nil {
			return nil, err
		}
	}
	p, err := contactsync.NewGoogle(ctx, gc.Endpoint, client, gc.NoAuth)
	if err != nil {
		return nil, err
	}
	return contactsync.New(db, p, contactsync.Options{
		Log: log.With("component", "google"), Interval: gc.Interval.D(),
		NoteLogLimit: gc.NoteLogLimit, NotesInLog: gc.NotesInLog, OnRun: onRun,
		RequestsPerMinute: gc.Pace(),
	}), nil
}

// GoogleOAuth is the configured OAuth client.
func GoogleOAuth(cfg config.Config) contactsync.OAuth {
	return contactsync.OAuth{ClientID: cfg.Google.ClientID, ClientSecret: cfg.Google.ClientSecret,
		AuthURL: cfg.Google.AuthURL, TokenURL: cfg.Google.TokenURL}
}

// StartGoogle starts the sync in the background when an account is
// connected; it stops with ctx. It never blocks or fails the server:
// Google being unreachable only shows in the sync status.
func (s *Server) StartGoogle(ctx context.Context) {
	if !s.cfg.Google.Connected() {
		s.log.Info("google sync is off (not connected)")
		return
	}
	e, err := newGoogleEngine(ctx, s.cfg, s.db, s.log, func(err error) { s.metrics.SyncRun(syncResult(err)) })
	if err != nil {
		s.log.Error("google sync not started", "err", err)
		return
	}
	s.google.mu.Lock()
	s.google.engine = e
	s.google.mu.Unlock()
	go e.Run(ctx)
	s.log.Info("google sync started", "endpoint", s.cfg.Google.Endpoint, "interval", s.cfg.Google.Interval)
}

// mountGoogle registers the office's sync endpoints on an
// office-authenticated group (paths relative to it, e.g. /api/v1/office).
func (s *Server) mountGoogle(r gin.IRouter) {
	r.GET("/sync/status", s.handle(s.googleStatus))
	r.POST("/sync/run", s.handle(s.googleRun))
	r.GET("/sync/conflicts", s.handle(s.googleConflicts))
	r.POST("/sync/conflicts/:id/resolve", s.handle(s.googleResolve))
}

func (s *Server) syncStatus(ctx context.Context) (contactsync.Status, error) {
	st, err := contactsync.ReadStatus(ctx, s.db)
	st.Connected = s.cfg.Google.Connected()
	st.Running = s.google.get() != nil
	return st, err
}

func (s *Server) googleStatus(c *gin.Context) error {
	st, err := s.syncStatus(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, st)
	return nil
}

// googleRun starts a sync now; with ?wait=true it answers when the sync
// is done, with its report.
func (s *Server) googleRun(c *gin.Context) error {
	e := s.google.get()
	if e == nil {
		return ErrGoogleNotConnected
	}
	if c.Query("wait") != "true" {
		e.Trigger()
		st, err := s.syncStatus(c.Request.Context())
		if err != nil {
			return err
		}
		c.JSON(http.StatusAccepted, gin.H{"started": true, "status": st})
		return nil
	}
	rep, runErr := e.RunOnce(c.Request.Context())
	st, err := s.syncStatus(c.Request.Context())
	if err != nil {
		return err
	}
	code := http.StatusOK
	if runErr != nil {
		code = http.StatusBadGateway
		if errors.Is(runErr, contactsync.ErrBusy) {
			code = http.StatusConflict
		}
	}
	c.JSON(code, gin.H{"report": rep, "status": st})
	return nil
}

func (s *Server) googleConflicts(c *gin.Context) error {
	limit, _ := strconv.Atoi(c.Query("limit"))
	ks, err := s.db.SyncConflicts(c.Request.Context(), c.Query("all") != "true", limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"conflicts": ks})
	return nil
}

// resolveRequest is the body of POST /sync/conflicts/:id/resolve.
type resolveRequest struct {
	Choice string `json:"choice"` // local, google or value
	Value  string `json:"value"`  // with choice "value"
}

func (s *Server) googleResolve(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return contacts.Errorf(contacts.EInvalid, "id: %q is not a conflict id", c.Param("id"))
	}
	var req resolveRequest
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request.Context()
	if contacts.ActorFrom(ctx).Kind == contacts.ActorSystem {
		ctx = contacts.WithActor(ctx, contacts.Actor{Kind: contacts.ActorUser, Name: "office"})
	}
	k, err := contactsync.ResolveConflict(ctx, s.db, id, req.Choice, req.Value)
	if err != nil {
		return err
	}
	if e := s.google.get(); e != nil {
		e.Trigger()
	}
	c.JSON(http.StatusOK, gin.H{"conflict": k})
	return nil
}

// syncStatusView shows the sync's state on the web view's settings page.
type syncStatusView struct{ s *Server }

func (v syncStatusView) SyncStatus(ctx context.Context) web.SyncStatus {
	st, err := v.s.syncStatus(ctx)
	out := web.SyncStatus{Connected: st.Connected, LastSync: st.LastSuccess, LastError: st.LastError, Conflicts: st.OpenConflicts}
	if err != nil {
		out.LastError = "status unavailable: " + contacts.ErrorMessage(err)
	}
	if st.Connected {
		out.Account = v.s.cfg.Google.Endpoint
		if out.Account == "" {
			out.Account = "Google Contacts"
		}
		out.Detail = fmt.Sprintf("%d contacts linked, %d changes waiting to go to Google", st.Linked, st.OutboxLength)
		out.Staff, out.Bulk, out.DoneAbout = st.Waiting.Staff, st.Waiting.Bulk, st.DoneAbout
		if st.Drain != nil {
			out.PerMinute = int(st.Drain.PerMinute + 0.5)
		}
	}
	return out
}
