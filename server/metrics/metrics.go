// Package metrics is ringcard's /metrics: the counters and histograms the
// server updates as it works, and the gauges read when Prometheus scrapes
// (open sockets, events waiting per phone, the Google outbox and open
// conflicts, backups). It owns its registry, never the global one: a test
// process runs many servers, and each must count only its own.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Via is how a phone asked for a card.
type Via int

// The ways a card is answered.
const (
	ViaHTTP      Via = iota // POST /api/v1/calls
	ViaWebsocket            // call.started on the socket
	ViaLookup               // GET /api/v1/cards/lookup
	viaCount
)

var viaNames = [viaCount]string{"http", "websocket", "lookup"}

// Source is what is read on each scrape, never on the call path. Any
// field may be nil (that gauge is then not reported).
type Source struct {
	SocketsOpen   func() int
	EventsWaiting func() map[string]int64 // device ID -> events numbered and not acknowledged
	OutboxDepth   func(ctx context.Context) (int, error)
	OpenConflicts func(ctx context.Context) (int, error)
	SyncQueue     func(ctx context.Context) (SyncQueue, error)
	Backups       func() (count int, newest time.Time, err error)
	Now           func() time.Time
}

// SyncQueue is what waits for Google Contacts and how fast it goes out.
type SyncQueue struct {
	Staff, Bulk       int           // contacts waiting in each lane: staff's changes, imports
	PerMinute         float64       // contacts reaching Google a minute, lately
	RequestsPerMinute int           // requests sent to Google in the last minute
	Pace              int           // the pace: requests a minute allowed now (lowered after a 429)
	DoneIn            time.Duration // about how long until all that waits is in Google (0: nothing waits)
}

// Metrics holds ringcard's instruments.
type Metrics struct {
	reg     *prometheus.Registry
	cards   [viaCount]prometheus.Counter
	latency prometheus.Histogram
	fcm     *prometheus.CounterVec
	sync    *prometheus.CounterVec
	backup  *prometheus.CounterVec
	signin  *prometheus.CounterVec
}

// New makes the instruments on a new registry, with the Go runtime's and
// the process's own, and src's gauges read on scrape.
func New(src Source) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	cards := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ringcard_cards_answered_total",
		Help: "Client cards answered to phones, by how they were asked (http, websocket, lookup)."}, []string{"via"})
	for i := range m.cards {
		m.cards[i] = cards.WithLabelValues(viaNames[i]) // resolved once: no label lookup per call
	}
	m.latency = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ringcard_card_seconds",
		Help:    "Time from a phone's call report (or lookup) to its card being ready, in the server.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}})
	m.fcm = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ringcard_fcm_sends_total",
		Help: "FCM messages sent, by result (ok, unregistered, expired, permanent, failed)."}, []string{"result"})
	m.sync = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ringcard_sync_runs_total",
		Help: "Google Contacts sync runs, by result (ok, busy, error)."}, []string{"result"})
	m.backup = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ringcard_backup_runs_total",
		Help: "Scheduled backups this process ran, by result (ok, error)."}, []string{"result"})
	m.signin = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ringcard_signin_failures_total",
		Help: "Refused office sign-ins, by reason (bad_password, unknown_user, disabled, locked...)."}, []string{"reason"})
	m.reg.MustRegister(cards, m.latency, m.fcm, m.sync, m.backup, m.signin, &scrape{src: src},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in Prometheus's text format. Who may see it
// is decided by the caller.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// CardAnswered counts one card and its latency: one counter add and one
// histogram observation, both lock-free.
func (m *Metrics) CardAnswered(via Via, took time.Duration) {
	m.cards[via].Inc()
	m.latency.Observe(took.Seconds())
}

// FCMSent counts one FCM message's final result.
func (m *Metrics) FCMSent(result string) { m.fcm.WithLabelValues(result).Inc() }

// SyncRun counts one Google sync run's result.
func (m *Metrics) SyncRun(result string) { m.sync.WithLabelValues(result).Inc() }

// BackupRun counts one scheduled backup's result.
func (m *Metrics) BackupRun(result string) { m.backup.WithLabelValues(result).Inc() }

// SigninFailed counts a refused sign-in.
func (m *Metrics) SigninFailed(reason string) { m.signin.WithLabelValues(reason).Inc() }

var (
	descSockets   = prometheus.NewDesc("ringcard_sockets_open", "Phone websockets open now.", nil, nil)
	descWaiting   = prometheus.NewDesc("ringcard_events_waiting", "Events numbered for a phone and not yet acknowledged by it.", []string{"device"}, nil)
	descOutbox    = prometheus.NewDesc("ringcard_sync_outbox_depth", "Local changes waiting to be sent to Google Contacts.", nil, nil)
	descConflicts = prometheus.NewDesc("ringcard_sync_conflicts_open", "Google sync conflicts waiting for someone to choose a side.", nil, nil)
	descLane      = prometheus.NewDesc("ringcard_sync_waiting_contacts", "Contacts waiting to be sent to Google, by lane (staff: changes staff made; bulk: imports).", []string{"lane"}, nil)
	descDrain     = prometheus.NewDesc("ringcard_sync_drain_contacts_per_minute", "Contacts that reached Google a minute, lately.", nil, nil)
	descRequests  = prometheus.NewDesc("ringcard_sync_requests_last_minute", "Requests sent to Google in the last minute (Google allows each user 90 by default).", nil, nil)
	descPace      = prometheus.NewDesc("ringcard_sync_pace_requests_per_minute", "Requests a minute the sync allows itself now (google.requests_per_minute, halved after a 429).", nil, nil)
	descDoneIn    = prometheus.NewDesc("ringcard_sync_done_in_seconds", "About how long until everything waiting is in Google (0: nothing waits).", nil, nil)
	descBackups   = prometheus.NewDesc("ringcard_backups", "Backup files in the backup directory.", nil, nil)
	descBackupAge = prometheus.NewDesc("ringcard_backup_age_seconds", "Age of the newest backup file (absent when there is none).", nil, nil)
	descErrors    = prometheus.NewDesc("ringcard_scrape_errors", "Gauges that could not be read in this scrape.", nil, nil)
)

// scrape reports the gauges read from the hub, the store and the backup
// directory when Prometheus asks, so nothing is updated per event.
type scrape struct{ src Source }

func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descSockets, descWaiting, descOutbox, descConflicts, descLane, descDrain, descRequests, descPace, descDoneIn,
		descBackups, descBackupAge, descErrors} {
		ch <- d
	}
}

func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	errs := 0
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	if f := s.src.SocketsOpen; f != nil {
		gauge(descSockets, float64(f()))
	}
	if f := s.src.EventsWaiting; f != nil {
		for id, n := range f() {
			gauge(descWaiting, float64(n), id)
		}
	}
	for _, q := range []struct {
		d *prometheus.Desc
		f func(context.Context) (int, error)
	}{{descOutbox, s.src.OutboxDepth}, {descConflicts, s.src.OpenConflicts}} {
		if q.f == nil {
			continue
		}
		if n, err := q.f(ctx); err == nil {
			gauge(q.d, float64(n))
		} else {
			errs++
		}
	}
	if f := s.src.SyncQueue; f != nil {
		if q, err := f(ctx); err == nil {
			gauge(descLane, float64(q.Staff), "staff")
			gauge(descLane, float64(q.Bulk), "bulk")
			gauge(descDrain, q.PerMinute)
			gauge(descRequests, float64(q.RequestsPerMinute))
			gauge(descPace, float64(q.Pace))
			gauge(descDoneIn, q.DoneIn.Seconds())
		} else {
			errs++
		}
	}
	if f := s.src.Backups; f != nil {
		if n, newest, err := f(); err == nil {
			gauge(descBackups, float64(n))
			if !newest.IsZero() {
				now := time.Now
				if s.src.Now != nil {
					now = s.src.Now
				}
				gauge(descBackupAge, now().Sub(newest).Seconds())
			}
		} else {
			errs++
		}
	}
	gauge(descErrors, float64(errs))
}
