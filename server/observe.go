package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/server/metrics"
	"github.com/ringcard/ringcard/server/push"
	contactsync "github.com/ringcard/ringcard/sync"
)

// newMetrics makes the server's instruments; the gauges are read from the
// hub, the store and the backup directory when Prometheus scrapes.
func (s *Server) newMetrics() *metrics.Metrics {
	return metrics.New(metrics.Source{
		SocketsOpen:   func() int { return s.hub.Connected() },
		EventsWaiting: func() map[string]int64 { return s.hub.WaitingAll() },
		OutboxDepth:   s.db.OutboxLen,
		OpenConflicts: s.db.OpenConflictCount,
		SyncQueue:     s.syncQueue,
		Backups:       s.backupStats,
		Now:           s.now,
	})
}

// syncQueue reads what waits for Google and how fast it drains.
func (s *Server) syncQueue(ctx context.Context) (metrics.SyncQueue, error) {
	st, err := contactsync.ReadStatus(ctx, s.db)
	if err != nil {
		return metrics.SyncQueue{}, err
	}
	q := metrics.SyncQueue{Staff: st.Waiting.Staff, Bulk: st.Waiting.Bulk, Pace: s.cfg.Google.Pace()}
	if d := st.Drain; d != nil && s.now().Sub(d.At) < 2*time.Minute {
		q.PerMinute, q.RequestsPerMinute, q.Pace = d.PerMinute, d.RequestsLastMinute, d.PacePerMinute
	}
	if !st.DoneAbout.IsZero() {
		q.DoneIn = max(0, st.DoneAbout.Sub(s.now()))
	}
	return q, nil
}

// metricsTokenHash is the SHA-256 of the configured metrics token; only the
// hash is kept and compared (in constant time), never the token itself.
func metricsTokenHash(token string) *[32]byte {
	if token == "" {
		return nil
	}
	h := sha256.Sum256([]byte(token))
	return &h
}

// isAdmin reports whether the request is from a signed-in admin.
func (s *Server) isAdmin(c *gin.Context) bool {
	u := s.web.SignedInUser(c)
	return u != nil && u.IsAdmin()
}

// hasMetricsToken reports whether the request carries the configured
// bearer token.
func (s *Server) hasMetricsToken(c *gin.Context) bool {
	if s.metricsToken == nil {
		return false
	}
	got, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || got == "" {
		return false
	}
	h := sha256.Sum256([]byte(strings.TrimSpace(got)))
	return subtle.ConstantTimeCompare(h[:], s.metricsToken[:]) == 1
}

// fromLoopback reports whether the request comes from this machine: the
// peer's address (gin's ClientIP believes X-Forwarded-For only from
// trusted_proxies), and no forwarding header from an untrusted peer, so a
// reverse proxy on this machine that nobody listed in trusted_proxies
// does not make the whole network look local.
func (s *Server) fromLoopback(c *gin.Context) bool {
	ip := net.ParseIP(c.ClientIP())
	if ip == nil || !ip.IsLoopback() {
		return false
	}
	peer, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if err != nil {
		return false
	}
	if peer == c.ClientIP() { // not forwarded by a trusted proxy
		for _, h := range []string{"X-Forwarded-For", "X-Real-IP", "Forwarded"} {
			if c.GetHeader(h) != "" {
				return false
			}
		}
	}
	return true
}

// monitorAccess admits a Monitor route's request (the access table): from
// this machine or with the metrics token; else a signed-in admin (staff
// get 403, audited); with no session, 401 and no redirect (a scraper is
// not a browser).
func (s *Server) monitorAccess(c *gin.Context) {
	switch {
	case s.fromLoopback(c) || s.hasMetricsToken(c):
		c.Next()
	case s.web.SignedInUser(c) == nil:
		c.Header("WWW-Authenticate", `Bearer realm="ringcard metrics"`)
		s.fail(c, contacts.Errorf(contacts.EUnauthorized, "metrics: sign in as an admin, send the metrics token, or scrape from this machine"))
	default:
		s.web.Authenticate(c, true)
	}
}

// serveMetrics is /metrics in Prometheus's text format (who may read it:
// monitorAccess).
func (s *Server) serveMetrics() gin.HandlerFunc { return gin.WrapH(s.metrics.Handler()) }

// health is /healthz: to anyone only that the process is up; the details
// (contacts, phones, database, sync, backups) to an admin or the metrics
// token.
func (s *Server) health(c *gin.Context) error {
	if !s.hasMetricsToken(c) && !s.isAdmin(c) {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
		return nil
	}
	d, err := s.healthDetails(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, d)
	return nil
}

// HealthDetails is /healthz for an admin or the metrics token.
type HealthDetails struct {
	Status          string        `json:"status"`
	Contacts        int           `json:"contacts"`
	PhonesConnected int           `json:"phones_connected"`
	DB              HealthDB      `json:"db"`
	Sync            HealthSync    `json:"sync"`
	Backups         HealthBackups `json:"backups"`
}

// HealthDB is the database's part of the health details.
type HealthDB struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// HealthSync is the Google sync's part of the health details.
type HealthSync struct {
	Connected     bool   `json:"connected"`
	LastSuccess   string `json:"last_success,omitempty"`
	LastError     string `json:"last_error,omitempty"`
	Outbox        int    `json:"outbox"`
	OpenConflicts int    `json:"open_conflicts"`
}

// HealthBackups is the backups' part of the health details.
type HealthBackups struct {
	Count       int     `json:"count"`
	Last        string  `json:"last,omitempty"`
	AgeSeconds  float64 `json:"age_seconds,omitempty"`
	Error       string  `json:"error,omitempty"`
	ScheduledOn bool    `json:"scheduled"`
}

func (s *Server) healthDetails(ctx context.Context) (HealthDetails, error) {
	d := HealthDetails{Status: "ok", PhonesConnected: s.hub.Connected(), DB: HealthDB{OK: true}}
	n, err := s.db.ContactCount(ctx)
	if err != nil {
		d.Status, d.DB = "degraded", HealthDB{Error: contacts.ErrorMessage(err)}
		s.log.Error("health: database", "err", err)
	}
	d.Contacts = n
	d.Sync.Connected = s.cfg.Google.Connected()
	if st, err := contactsync.ReadStatus(ctx, s.db); err == nil {
		if !st.LastSuccess.IsZero() {
			d.Sync.LastSuccess = st.LastSuccess.UTC().Format(time.RFC3339)
		}
		d.Sync.LastError = st.LastError
	}
	d.Sync.Outbox, _ = s.db.OutboxLen(ctx)
	d.Sync.OpenConflicts, _ = s.db.OpenConflictCount(ctx)
	d.Backups.ScheduledOn = !s.cfg.Backup.Disabled
	count, newest, err := s.backupStats()
	if err != nil {
		d.Backups.Error = err.Error()
	}
	d.Backups.Count = count
	if !newest.IsZero() {
		d.Backups.Last = newest.UTC().Format(time.RFC3339)
		d.Backups.AgeSeconds = s.now().Sub(newest).Round(time.Second).Seconds()
	}
	return d, nil
}

// fcmResult names an FCM message's final outcome for the metrics.
func fcmResult(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, push.ErrUnregistered):
		return "unregistered"
	case errors.Is(err, push.ErrExpired):
		return "expired"
	case errors.Is(err, push.ErrPermanent):
		return "permanent"
	}
	return "failed"
}

// syncResult names a Google sync run's outcome for the metrics.
func syncResult(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, contactsync.ErrBusy):
		return "busy"
	}
	return "error"
}
