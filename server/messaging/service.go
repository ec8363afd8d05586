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
	// Busy reports that a phone is waiting for a card right now: the SMS
	// dispatcher lets it be answered first. nil: never busy.
	Busy func() bool
	// Retries are the waits after each temporary e-mail failure; after the
	// last, the message fails. Default 1m, 5m, 30m, 2h.
	Retries []time.Duration
	// EmailCaps pace the mail account (each e-mail one segment); default
	// DefaultEmailCaps. Its daily cap holds in any 24 hours, as providers
	// count it.
	EmailCaps messages.Caps
	// EmailHours is when e-mail goes out; nil: any time.
	EmailHours messages.Hours
	// SendWithin is how long a phone may take to send an SMS it is given
	// (sms.send's send_before); default 30m. ClockMargin is how much longer
	// the server waits, for the phone's clock being off, before handing a
	// message the phone never took to another phone; default 2m.
	SendWithin  time.Duration
	ClockMargin time.Duration
}

// DefaultEmailCaps are 20 e-mails a minute and 450 a day: under the
// lowest limits of common office accounts (Gmail: 500 a day, Google
// Workspace: 2,000 a day and 500 on trial, both over a rolling 24 hours;
// Microsoft 365: 30 a minute), leaving room for the staff's own mail.
func DefaultEmailCaps() messages.Caps {
	return messages.Caps{PerWindow: 20, Window: time.Minute, Daily: 450}
}

// mailAccount is the "SIM" e-mail is planned and paced on.
var mailAccount = messages.SIMRef{}

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
	if cfg.EmailCaps == (messages.Caps{}) {
		cfg.EmailCaps = DefaultEmailCaps()
	}
	if cfg.SendWithin <= 0 {
		cfg.SendWithin = 30 * time.Minute
	}
	if cfg.ClockMargin <= 0 {
		cfg.ClockMargin = 2 * time.Minute
	}
	if cfg.Retries == nil {
		cfg.Retries = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}
	}
	return &Service{db: db, log: log, now: db.Now, cfg: cfg, kick: make(chan struct{}, 1)}
}

// Caps are the per-SIM caps in force.
func (s *Service) Caps() messages.Caps { return s.cfg.Caps }

// EmailCaps are the mail account's caps in force.
func (s *Service) EmailCaps() messages.Caps { return s.cfg.EmailCaps }

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
		s.Pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}

// Pass does one round of Run's work now: it hands over what silent phones
// never took, hands due SMS to their phones and submits due e-mail, each
// within its caps and hours. Run calls it every tick; a test with a fixed
// clock calls it to see exactly what one round does.
func (s *Service) Pass(ctx context.Context) {
	s.handOffExpired(ctx)
	s.dispatchSMS(ctx)
	s.sendEmail(ctx)
}
