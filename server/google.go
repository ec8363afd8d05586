package server

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/officeapi"
	contactsync "github.com/ringcard/ringcard/sync"
)

// NewGoogleEngine builds the sync engine for the configured account. It
// fails with officeapi.ErrGoogleNotConnected when there is none.
func NewGoogleEngine(ctx context.Context, cfg config.Config, db *sqlite.DB, log *slog.Logger) (*contactsync.Engine, error) {
	return newGoogleEngine(ctx, cfg, db, log, nil)
}

// newGoogleEngine is NewGoogleEngine telling onRun each run's outcome.
func newGoogleEngine(ctx context.Context, cfg config.Config, db *sqlite.DB, log *slog.Logger, onRun func(error)) (*contactsync.Engine, error) {
	gc := cfg.Google
	if !gc.Connected() {
		return nil, officeapi.ErrGoogleNotConnected
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
	s.google.Run(ctx, e)
	s.log.Info("google sync started", "endpoint", s.cfg.Google.Endpoint, "interval", s.cfg.Google.Interval)
}

// mountGoogle adds the Google sync's office routes (server/officeapi) and
// shows the sync's state on the web view's settings page.
func (s *Server) mountGoogle(office gin.IRouter) {
	s.google = officeapi.NewSync(s.db, s.cfg.Google, s.officeOptions())
	s.google.Mount(office)
	s.web.SetSyncStatus(s.google)
}
