package server

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/dataio"
	"github.com/ringcard/ringcard/server/messaging"
	"github.com/ringcard/ringcard/server/web"
)

// mountWeb serves the office web view: pages at /, its JSON on office
// (/api/v1/office).
func (s *Server) mountWeb(r *gin.Engine, office gin.IRouter) {
	cfg := s.cfg.Web
	_ = cfg.Validate() // fills defaults when the config was not validated (tests)
	boardAge := s.cfg.Calls.EffectiveOpenLimit()
	if a := cfg.ActiveCallAge.D(); a > 0 && a < boardAge {
		boardAge = a
	}
	h, err := web.New(webBackend{DB: s.db, s: s}, web.Options{
		Config: web.Config{SecureCookies: cfg.SecureCookies, SessionLifetime: cfg.SessionLifetime.D(), LockoutAttempts: cfg.LockoutAttempts,
			LockoutDelay: cfg.LockoutDelay.D(), LockoutMaxDelay: cfg.LockoutWindow.D(), BoardPoll: cfg.BoardPoll.D(), MinPassword: cfg.MinPassword, ActiveCallAge: boardAge},
		Log: s.log.With("part", "web"), Now: s.now, Fail: s.fail, Transport: s.transportInfo,
		Status: func(err error) int {
			if st := statusOf[errorCode(err)]; st != 0 {
				return st
			}
			return 500
		},
	})
	if err != nil {
		panic(err) // the templates are embedded: only a broken build gets here
	}
	s.web = h
	h.Mount(r, office)
}

// SetSyncStatus lets the settings page show the Google sync's state.
func (s *Server) SetSyncStatus(p web.SyncStatusProvider) { s.web.SetSyncStatus(p) }

// webBackend is the store plus the server's card building, templates,
// pairing and hub, as the web view needs them.
type webBackend struct {
	*sqlite.DB
	s *Server
}

// RecordLoginAttempt stores a sign-in attempt and counts a refused one for
// /metrics.
func (b webBackend) RecordLoginAttempt(ctx context.Context, a sqlite.LoginAttempt) error {
	if a.Outcome != sqlite.LoginOK {
		b.s.metrics.SigninFailed(a.Outcome)
	}
	return b.DB.RecordLoginAttempt(ctx, a)
}

func (b webBackend) ContactCard(ctx context.Context, c *contacts.Contact) (protocol.Card, error) {
	card, err := b.s.contactCard(ctx, c, false)
	if err != nil {
		return protocol.Card{}, err
	}
	return wireCard(card), nil
}

func (b webBackend) PreviewCard(ctx context.Context, t contacts.Templates, c *contacts.Contact) (protocol.Card, error) {
	hist, err := b.History(ctx, c.ID, "", t.HistoryLimit(c), "")
	if err != nil {
		return protocol.Card{}, err
	}
	last, err := b.LastCall(ctx, c.ID, "", nil)
	if err != nil {
		return protocol.Card{}, err
	}
	return wireCard(contacts.BuildCard(&t, contacts.CardInput{Contact: c, History: hist, LastCall: last})), nil
}

func (b webBackend) Templates() contacts.Templates { return *b.s.templates() }

func (b webBackend) SetTemplates(ctx context.Context, t contacts.Templates) error {
	return b.s.SetTemplates(ctx, t)
}

func (b webBackend) NewPairCode(ctx context.Context, name string, sims map[int]string) (web.PairCode, error) {
	to := PairTarget{URL: PairBaseURL(ctx, b.DB, b.s.cfg), Pin: b.s.tls.Pin}
	pc, err := CreatePairCodeFor(ctx, b.DB, name, to, b.s.cfg.PairCodeTTL.D())
	if err != nil {
		return web.PairCode{}, err
	}
	if err := SetPairCodeSIMs(ctx, b.DB, pc.Code, sims); err != nil {
		return web.PairCode{}, err
	}
	return web.PairCode{Code: pc.Code, URL: pc.URL, Name: pc.Name, ExpiresAt: pc.ExpiresAt, Pin: pc.Pin}, nil
}

func (b webBackend) DeviceHealth(ctx context.Context) ([]web.DeviceHealth, error) {
	hs, err := b.s.DeviceHealth(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]web.DeviceHealth, 0, len(hs))
	for _, h := range hs {
		d := web.DeviceHealth{ID: h.ID, Name: h.Name, DeviceName: h.DeviceName, Platform: h.Platform, AppVersion: h.AppVersion,
			SIMs: h.SIMs, Revoked: h.Status != "active", HasFCM: h.PushFCM && b.s.fcm != nil, Connected: h.Connected, Channel: h.Channel,
			LastError: h.LastError, EventsWaiting: h.EventsWaiting,
			LastSeen: zeroIfNil(h.LastSeen), LastErrorAt: zeroIfNil(h.LastErrorAt), SilentSince: zeroIfNil(h.SilentSince)}
		out = append(out, d)
	}
	return out, nil
}

func (b webBackend) Revoke(ctx context.Context, id string) (*contacts.Device, error) {
	d, err := b.RevokeDevice(ctx, id)
	if err != nil {
		return nil, err
	}
	b.s.hub.Revoke(d.ID)
	return d, nil
}

func (b webBackend) PlanImport(ctx context.Context, name string, data []byte, opt dataio.ReadOptions) (*dataio.Source, *dataio.Plan, error) {
	opt.Region = b.s.cfg.DefaultRegion
	src, err := dataio.Read(name, data, opt)
	if err != nil {
		return nil, nil, err
	}
	plan, err := dataio.PlanImport(ctx, b.DB, src)
	if err != nil {
		return nil, nil, err
	}
	return src, plan, nil
}

func (b webBackend) ApplyImport(ctx context.Context, plan *dataio.Plan) error {
	return plan.Apply(ctx, b.DB, nil)
}

func (b webBackend) ExportFiles(ctx context.Context, format, path string) ([]string, error) {
	res, err := dataio.Export(ctx, b.DB, format, path)
	if err != nil {
		return nil, err
	}
	return res.Files, nil
}

func zeroIfNil(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// PlanMessage previews a message without storing it.
func (b webBackend) PlanMessage(ctx context.Context, req messaging.SendRequest, staff string) (*messaging.Preview, error) {
	p, _, err := b.s.msg.Plan(ctx, req, staff)
	return p, err
}

// SendMessage stores a message and starts sending it.
func (b webBackend) SendMessage(ctx context.Context, req messaging.SendRequest, staff string) (*messaging.Preview, error) {
	return b.s.msg.Start(ctx, req, staff)
}

// MessageFields are a client's values for the template placeholders.
func (b webBackend) MessageFields(ctx context.Context, c *contacts.Contact, staff string) (messages.Fields, error) {
	return b.s.msg.FieldsFor(ctx, c, staff)
}

// MessageTemplates are the office's message templates.
func (b webBackend) MessageTemplates(ctx context.Context) ([]messages.Template, error) {
	return b.s.msg.Templates(ctx)
}

// SetMessageTemplates validates and replaces the office's message templates.
func (b webBackend) SetMessageTemplates(ctx context.Context, ts []messages.Template) error {
	return b.s.msg.SetTemplates(ctx, ts)
}

// SendProgress is a group send's messages counted by status.
func (b webBackend) SendProgress(ctx context.Context, id string) (*sqlite.SendProgress, error) {
	return b.s.msg.Progress(ctx, id)
}
