// Package web is the office web view: server-rendered pages (html/template,
// embedded and parsed once per language), staff sign-in with sessions, CSRF
// tokens and lockout, and the small JSON endpoints the pages poll. It knows
// the store and the server only through the interfaces below; server/
// webview.go plugs the real ones in.
package web

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/dataio"
)

// Config is the web view's part of ringcard's config.
type Config struct {
	SecureCookies   string        // "auto" (Secure when the request came over HTTPS), "always" or "never"
	SessionLifetime time.Duration // how long a sign-in lasts
	LockoutAttempts int           // failed sign-ins (per address, per account) before attempts must wait...
	LockoutDelay    time.Duration // ...this long, doubled with each further failure...
	LockoutMaxDelay time.Duration // ...up to this long
	BoardPoll       time.Duration // how often the live board asks for calls
	MinPassword     int           // shortest password accepted
	ActiveCallAge   time.Duration // a call with no outcome older than this is no longer shown as live
}

// Store is what the web view reads and writes; *sqlite.DB has all of it.
type Store interface {
	Normalizer() contacts.Normalizer
	SessionByToken(ctx context.Context, tokenHash string) (*sqlite.Session, error)
	CreateSession(ctx context.Context, s *sqlite.Session) error
	DeleteSession(ctx context.Context, tokenHash string) error
	UserByLogin(ctx context.Context, login string) (*sqlite.User, error)
	Users(ctx context.Context) ([]*sqlite.User, error)
	AddUser(ctx context.Context, u *sqlite.User) error
	SetUserDisabled(ctx context.Context, login string, disabled bool) error
	SetUserPassword(ctx context.Context, login, hash, keepSession string) error
	SetUserLang(ctx context.Context, login, lang string) error
	SetUserRole(ctx context.Context, login, role string) error
	UnlockUser(ctx context.Context, login string) error
	RecordLoginAttempt(ctx context.Context, a sqlite.LoginAttempt) error
	SigninFailures(ctx context.Context, login, address, device string, since time.Time) (account, addr, dev sqlite.Failures, err error)
	LoginAttempts(ctx context.Context, limit int) ([]sqlite.LoginAttempt, error)
	RecordAudit(ctx context.Context, action, detail string) error
	Setting(ctx context.Context, key string, v any) (bool, error)
	SetSetting(ctx context.Context, key string, v any) error

	Search(ctx context.Context, q sqlite.SearchQuery) ([]sqlite.SearchHit, error)
	Contact(ctx context.Context, id string) (*contacts.Contact, error)
	CreateContact(ctx context.Context, c *contacts.Contact, clientID string) (bool, error)
	UpdateContact(ctx context.Context, c *contacts.Contact) error
	History(ctx context.Context, contactID, numberKey string, limit int, skipCall string) ([]contacts.HistoryEntry, error)
	AddNote(ctx context.Context, n *contacts.Note) (bool, error)
	SetStage(ctx context.Context, contactID, stage, by, deviceID string) error
	Groups(ctx context.Context) ([]string, error)
	Pipeline(ctx context.Context) (sqlite.Pipeline, error)
	PipelineStats(ctx context.Context, since, until time.Time, tz *time.Location) (*sqlite.PipelineStats, error)
	ContactsInStages(ctx context.Context, stages []string, movedBefore time.Time, limit int) ([]*contacts.Contact, error)
	AddFollowup(ctx context.Context, f *sqlite.Followup) (bool, error)
	Followups(ctx context.Context, f sqlite.FollowupFilter) ([]sqlite.Followup, error)
	UpdateFollowup(ctx context.Context, id string, ch sqlite.FollowupChange) (*sqlite.Followup, error)
	ContactNames(ctx context.Context, ids []string) (map[string]string, error)
	RecentlyTouched(ctx context.Context, limit int) ([]sqlite.Touched, error)
	SampleContact(ctx context.Context, group string) (*contacts.Contact, error)

	CallsSince(ctx context.Context, since time.Time, limit int) ([]*contacts.Call, error)
	ActiveCalls(ctx context.Context, since time.Time) ([]*contacts.Call, error)
	MissedNotReturned(ctx context.Context, since time.Time, limit int) ([]*contacts.Call, error)
	UnknownCalls(ctx context.Context, since time.Time, limit int) ([]*contacts.Call, error)

	Devices(ctx context.Context) ([]*contacts.Device, error)
	SyncConflicts(ctx context.Context, openOnly bool, limit int) ([]sqlite.SyncConflict, error)
	Audit(ctx context.Context, f sqlite.AuditFilter) ([]sqlite.AuditEntry, error)

	ContactMessages(ctx context.Context, contactID string, limit int) ([]*messages.Message, error)
	ContactOptOut(ctx context.Context, contactID string) (sqlite.OptOut, error)
	SendFailures(ctx context.Context, sendID string, limit int) ([]sqlite.ReasonCount, error)
	SetOptOut(ctx context.Context, contactID string, noSMS, noEmail *bool, source string) error
}

// Backend is the store plus what only the running server can do: build a
// card exactly as phones get it, apply templates, pair and revoke phones.
type Backend interface {
	Store
	Messenger
	ContactCard(ctx context.Context, c *contacts.Contact) (protocol.Card, error)
	PreviewCard(ctx context.Context, t contacts.Templates, c *contacts.Contact) (protocol.Card, error)
	Templates() contacts.Templates
	SetTemplates(ctx context.Context, t contacts.Templates) error
	NewPairCode(ctx context.Context, name string, sims map[int]string) (PairCode, error) // sims: slot -> policy chosen
	DeviceHealth(ctx context.Context) ([]DeviceHealth, error)
	Revoke(ctx context.Context, id string) (*contacts.Device, error)

	// PlanImport reads a file (opt.Format "" = told by the content; opt.Map
	// column -> field over the detected mapping, as --map; opt.Sheets the
	// workbook sheets to import) and works out what importing it would do,
	// writing nothing. The backend sets the region.
	PlanImport(ctx context.Context, name string, data []byte, opt dataio.ReadOptions) (*dataio.Source, *dataio.Plan, error)
	// ApplyImport writes a plan (through the store: the audit log, the
	// phones and the Google sync all see it).
	ApplyImport(ctx context.Context, plan *dataio.Plan) error
	// ExportFiles writes every contact and the history in format at path
	// (plus the history file next to it for csv and vcf) and lists the files.
	ExportFiles(ctx context.Context, format, path string) ([]string, error)
}

// DeviceHealth is a paired phone as the office sees it: what it is, its
// SIMs with their policies, and whether it can be reached now.
type DeviceHealth struct {
	ID, Name, DeviceName, Platform, AppVersion string
	SIMs                                       []contacts.SIM
	Revoked                                    bool
	HasFCM                                     bool      // has a push token and the server sends push: reachable by FCM when offline
	Connected                                  bool      // has a websocket to this server now
	Channel                                    string    // last delivery channel: websocket, fcm or ""
	LastSeen                                   time.Time // zero when never seen
	LastError                                  string
	LastErrorAt                                time.Time
	EventsWaiting                              int64     // numbered but not acknowledged
	SilentSince                                time.Time // non-zero while flagged silent during working hours
}

// PairCode is a one-time phone pairing code and what its QR code holds.
type PairCode struct {
	Code      string
	URL       string
	Name      string
	ExpiresAt time.Time
	Pin       string // the server key's pin, also in URL
}

// SyncStatus is what the settings page shows about the Google sync.
type SyncStatus struct {
	Connected bool
	Account   string
	LastSync  time.Time
	LastError string
	Conflicts int // changes waiting for someone to choose a side
	Detail    string
	Staff     int       // contacts changed by staff, waiting for Google
	Bulk      int       // contacts from imports, waiting behind them
	PerMinute int       // contacts reaching Google a minute, lately
	DoneAbout time.Time // about when all that waits will be in Google
}

// SyncStatusProvider reports the Google sync's state; the sync engine
// implements it. Without one the page says "not connected".
type SyncStatusProvider interface {
	SyncStatus(ctx context.Context) SyncStatus
}

// Handler serves the office web view.
type Handler struct {
	money  Money // orders, documents, payments, forecast (orders.go); nil until set
	b      Backend
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	fail   func(c *gin.Context, err error) // writes an error as JSON (the protocol's shape)
	status func(err error) int             // the HTTP status of an error
	pages  map[string]map[string]*pageTemplate
	sync   atomic.Pointer[syncHolder]
	// transport is how the server is reached (its certificate's pin and fingerprint).
	transport func() TransportInfo

	uploads uploads // files checked on the import page, waiting for "Import now"

	// signinMu makes counting failures, checking the password and recording
	// the attempt one step: parallel guesses would otherwise all pass the
	// count before any was recorded. knownMu does the same for browsers with
	// a device cookie, whose counts are their own (throttle.go).
	signinMu, knownMu sync.Mutex

	keyMu  sync.Mutex
	devKey []byte // signs device cookies (throttle.go); under keyMu
}

type syncHolder struct{ p SyncStatusProvider }

// Options are what New needs besides the backend.
type Options struct {
	Config Config
	Log    *slog.Logger
	Now    func() time.Time
	Fail   func(c *gin.Context, err error)
	Status func(err error) int
	// Transport tells the phones page how the server is reached (nil: plain).
	Transport func() TransportInfo
}

// TransportInfo is what the phones page shows about the server's
// certificate, so a person can compare it with what a browser or a phone
// shows.
type TransportInfo struct {
	Mode        string // plain, proxy, self-signed, files or acme
	Pin         string // the key's pin (self-signed only)
	Fingerprint string // SHA-256 of the certificate, as browsers show it
}

// New parses the templates (once, per language) and returns the handler.
func New(b Backend, o Options) (*Handler, error) {
	h := &Handler{b: b, cfg: o.Config, log: o.Log, now: o.Now, fail: o.Fail, status: o.Status, transport: o.Transport}
	if h.transport == nil {
		h.transport = func() TransportInfo { return TransportInfo{Mode: "plain"} }
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	h.pages = pages
	return h, nil
}

// SetSyncStatus plugs in the Google sync's status; nil unplugs it.
func (h *Handler) SetSyncStatus(p SyncStatusProvider) { h.sync.Store(&syncHolder{p: p}) }

func (h *Handler) syncStatus(ctx context.Context) SyncStatus {
	if s := h.sync.Load(); s != nil && s.p != nil {
		return s.p.SyncStatus(ctx)
	}
	return SyncStatus{}
}

// Mount adds the sign-in routes, the pages' script and stylesheet and every
// page to r, and the office API routes to api (/api/v1/office). Who may use
// each is decided elsewhere (the server's access table), which calls
// Authenticate.
func (h *Handler) Mount(r gin.IRouter, api gin.IRouter) {
	pages := r
	r.GET("/static/app.css", serveStatic("text/css; charset=utf-8", appCSS))
	r.GET("/static/app.js", serveStatic("text/javascript; charset=utf-8", appJS))
	r.GET("/signin", h.handle(h.signinPage))
	r.POST("/signin", h.handle(h.signin))

	pages.POST("/signout", h.handle(h.signout))
	pages.GET("/", h.handle(h.searchPage))
	pages.GET("/contacts/new", h.handle(h.newContactPage))
	pages.POST("/contacts/new", h.handle(h.createContact))
	pages.GET("/contacts/:id", h.handle(h.contactPage))
	pages.GET("/contacts/:id/edit", h.handle(h.editContactPage))
	pages.POST("/contacts/:id/edit", h.handle(h.saveContact))
	pages.POST("/contacts/:id/notes", h.handle(h.addNote))
	pages.POST("/contacts/:id/stage", h.handle(h.setStage))
	pages.POST("/contacts/:id/message", h.handle(h.sendMessage))
	pages.POST("/contacts/:id/optout", h.handle(h.setOptOut))
	pages.GET("/calls", h.handle(h.callsPage))
	pages.GET("/board", h.handle(h.boardPage))
	pages.GET("/devices", h.handle(h.devicesPage))
	pages.POST("/devices/pair", h.handle(h.pairDevice))
	pages.POST("/devices/:id/revoke", h.handle(h.revokeDevice))
	pages.GET("/settings", h.handle(h.settingsPage))
	pages.POST("/settings/language", h.handle(h.setLanguage))
	pages.POST("/settings/templates", h.handle(h.saveTemplate))
	pages.POST("/settings/users", h.handle(h.addUser))
	pages.POST("/settings/users/:login/disable", h.handle(h.disableUser))
	pages.POST("/settings/users/:login/enable", h.handle(h.enableUser))
	pages.POST("/settings/users/:login/password", h.handle(h.setPassword))
	pages.POST("/settings/users/:login/role", h.handle(h.setRole))
	pages.POST("/settings/users/:login/unlock", h.handle(h.unlockUser))
	pages.GET("/audit", h.handle(h.auditPage))
	pages.GET("/followups", h.handle(h.followupsPage))
	pages.GET("/pipeline", h.handle(h.pipelinePage))
	pages.POST("/followups/:id", h.handle(h.changeFollowup))
	h.mountOrders(pages)
	pages.POST("/contacts/:id/followups", h.handle(h.addFollowup))
	pages.GET("/settings/messages", h.handle(h.msgTemplatesPage))
	pages.POST("/settings/messages", h.handle(h.saveMsgTemplate))
	pages.GET("/sends", h.handle(h.sendPage))
	pages.POST("/sends/preview", h.handle(h.previewSend))
	pages.POST("/sends", h.handle(h.startSend))
	pages.GET("/sends/:id", h.handle(h.sendProgress))
	pages.GET("/data", h.handle(h.dataPageGet))
	pages.POST("/data/import", h.handle(h.checkImport))
	pages.POST("/data/import/apply", h.handle(h.applyImport))
	pages.GET("/data/export", h.handle(h.exportDownload))

	api.GET("/search", h.api(h.searchJSON))
	api.GET("/board", h.api(h.boardJSON))
	api.POST("/preview", h.api(h.previewCard))
}
