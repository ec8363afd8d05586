// Package messaging sends the office's messages to clients: it plans group
// sends over the phones' work SIMs, hands each SMS to its phone as a
// numbered sms.send event (stored in the same transaction that marks the
// message dispatched, so none is handed twice, even across a kill -9),
// paces every SIM within its caps and the office's hours, records what the
// phones report, and submits e-mail to the office's mail server with
// retries. The server's HTTP handlers call it; it knows nothing of HTTP.
package messaging

import (
	"context"
	"log/slog"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
)

// Config tunes the service.
type Config struct {
	Caps  messages.Caps  // per-SIM pacing
	Hours messages.Hours // when SMS go out; nil: any time
	Loc   *time.Location // the office's zone for days; nil: local
	Tick  time.Duration  // how often due messages are looked for; default 1s
	// Mailer submits e-mail; nil: e-mail is off (messages wait, planned).
	Mailer Mailer
	// Retries are the waits after each temporary e-mail failure; after the
	// last, the message fails. Default 1m, 5m, 30m, 2h.
	Retries []time.Duration
}

// Service is the messaging side of a running server.
type Service struct {
	db   *sqlite.DB
	log  *slog.Logger
	now  func() time.Time
	cfg  Config
	kick chan struct{}
}

// New makes the service; Run starts its dispatch loop.
func New(db *sqlite.DB, log *slog.Logger, cfg Config) *Service {
	if cfg.Caps == (messages.Caps{}) {
		cfg.Caps = messages.DefaultCaps()
	}
	if cfg.Loc == nil {
		cfg.Loc = time.Local
	}
	if cfg.Tick <= 0 {
		cfg.Tick = time.Second
	}
	if cfg.Retries == nil {
		cfg.Retries = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}
	}
	return &Service{db: db, log: log, now: db.Now, cfg: cfg, kick: make(chan struct{}, 1)}
}

// Caps are the per-SIM caps in force.
func (s *Service) Caps() messages.Caps { return s.cfg.Caps }

// poke asks the loop to look for due messages now.
func (s *Service) poke() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run dispatches due messages until ctx ends. An e-mail a previous run was
// sending when the server stopped is marked failed (it may have gone: it
// is never sent again on its own).
func (s *Service) Run(ctx context.Context) {
	if n, err := s.db.FailInterruptedEmail(ctx, "the server stopped while sending this e-mail: it may or may not have gone out; send it again if the client did not get it"); err != nil {
		s.log.Error("messages: mark interrupted e-mail", "err", err)
	} else if n > 0 {
		s.log.Warn("messages: e-mail interrupted by a restart marked failed", "count", n)
	}
	t := time.NewTicker(s.cfg.Tick)
	defer t.Stop()
	for {
		s.dispatchSMS(ctx)
		s.sendEmail(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}
