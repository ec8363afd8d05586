// Package hub is how stored events reach the phones' sockets. Every
// change is stored once, as an event, in the same transaction as the
// change; the Hub reads the new events in order, renders each once for
// every phone (through the server's RenderFunc; Card keeps rendered
// cards), numbers them per device in memory and writes them to each
// phone's socket, or wakes a phone with no socket (Waker). hub.go is the
// numbering and the fan-out, conn.go one phone's outgoing event stream
// (resume, replay, batches, the close), corkconn.go the network connection
// under the websocket, which sends what one delivery writes in one system
// call, cache.go the rendered cards.
//
// The phone API reads the socket: the server upgrades a phone's request
// with Accept and runs the one long-lived goroutine per phone, which reads
// frames (ReadFrame), answers them (Send) and starts the stream once the
// phone resumes (StartStream). Everything that writes events is here:
// the hub's fan-out writes a phone's events itself when its socket takes
// them at once, else a short-lived flush goroutine writes them, so an idle
// phone holds one goroutine (the reader) and no write buffer. The reader
// stays in the server because what it answers (calls, notes, acks) is the
// phone API; the hub needs no handler interface for it and the server
// needs only these few methods.
package hub

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Hub numbers and delivers events to phones. Every change is stored once in
// the events table (in the same transaction as the change); the hub reads
// them in gid order, gives each device its next seq in memory (a device's
// seq is its base_seq plus the count of events it sees after base_gid, so
// nothing is written per device per event) and wakes the device's socket.
// Each socket's writer pulls what it lacks from a ring of recent events, or
// from the store when it is further behind, so a slow phone never holds up
// the others.
type Hub struct {
	db     *sqlite.DB
	log    *slog.Logger
	render RenderFunc
	opts   Options

	mu      sync.Mutex
	devs    map[string]*devState
	lastGID int64
	ring    []ringEvent // recent events, oldest first
	floor   int64       // every event with gid in (floor, lastGID] is in ring
	closed  bool

	// active counts conns' running flush goroutines; the last to end
	// signals drained.
	active  atomic.Int64
	drained chan struct{}

	cache renderCache

	scratch  []ringEvent  // fanOut's, for the phone it is writing to
	scratch2 []ringEvent  // its second writer's
	shared   atomic.Int64 // fan-outs shared with a second writer
}

// Options tune the hub.
type Options struct {
	PingInterval time.Duration
	IdleTimeout  time.Duration
	Retention    time.Duration
	RingSize     int           // recent events kept in memory (up to an eighth more between trims)
	PollInterval time.Duration // how often to look for events and revocations written by other processes
	FlushEvery   time.Duration // how often acks and last-seen times are saved
	Waker        Waker         // wakes devices with no socket (FCM); nil: none
	// Busy reports that a phone is waiting for a card right now: the hub
	// holds its fan-out (at most MaxHold) so the answer goes first.
	Busy    func() bool
	MaxHold time.Duration
	// FanOutWindow is the shortest time between two fan-outs while Calling
	// reports phones ringing or phones' flushes are still writing the
	// previous one: changes stored sooner wait for the window's end and go
	// out together, each phone's in one socket write. Otherwise (a change
	// after a quiet moment, or one at a time with nobody ringing) a change
	// goes at once. Zero: every commit at once.
	FanOutWindow time.Duration
	// Calling reports that phones have been asking for cards just now.
	Calling func() bool
}

// Waker wakes a device that has no open socket (FCM). The hub calls it from
// its own goroutine, never from a request; it must not block.
type Waker interface {
	Wake(deviceID string, seq int64, events []WakeEvent)
}

// WakeEvent is an event an offline device has waiting.
type WakeEvent struct {
	Type    string
	Payload []byte
}

// RenderFunc renders an event as it is sent (a card event carries the
// contact's card as it is now). Every event is numbered, so seq stays
// contiguous: render returns a payload in every case.
type RenderFunc func(ctx context.Context, e sqlite.Event) (Rendered, error)

// Rendered is an event as phones receive it, encoded once for all of them.
type Rendered struct {
	Type    string
	Payload []byte
	// Compact is the card.changed sent instead of a card.updated to phones
	// that asked for compact events; nil for other types.
	Compact *Compact
}

type devState struct {
	from      int64 // events up to this gid predate the device
	seq, gid  int64 // the latest event numbered for this device
	conn      *Conn
	ackSeq    int64
	acked     bool // ackSeq changed since the last flush
	seen      time.Time
	seenSaved time.Time // the last seen time flushed to the store
}

type ringEvent struct {
	gid     int64
	device  string
	typ     string
	payload []byte
	compact *Compact // see Rendered.Compact
}

// New loads every active device's position from the store.
func New(ctx context.Context, db *sqlite.DB, log *slog.Logger, render RenderFunc, opts Options) (*Hub, error) {
	if opts.RingSize == 0 {
		opts.RingSize = 4096
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = time.Second
	}
	if opts.FlushEvery == 0 {
		opts.FlushEvery = 5 * time.Second
	}
	h := &Hub{db: db, log: log, render: render, opts: opts, devs: map[string]*devState{}, drained: make(chan struct{}, 1)}
	last, err := db.LastEventGID(ctx)
	if err != nil {
		return nil, err
	}
	h.lastGID, h.floor = last, last
	cursors, err := db.Cursors(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cursors {
		if err := h.loadDevice(ctx, c); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func (h *Hub) loadDevice(ctx context.Context, c sqlite.Cursor) error {
	n, err := h.db.CountDeviceEvents(ctx, c.DeviceID, c.BaseGID, h.lastGID)
	if err != nil {
		return fmt.Errorf("load device %s: %w", c.DeviceID, err)
	}
	h.devs[c.DeviceID] = &devState{from: c.BaseGID, seq: c.BaseSeq + n, gid: max(h.lastGID, c.BaseGID), ackSeq: c.BaseSeq}
	return nil
}

// AddDevice starts numbering events for a newly paired device.
func (h *Hub) AddDevice(ctx context.Context, id string) error {
	c, err := h.db.Cursor(ctx, id)
	if err != nil {
		return fmt.Errorf("add device %s: %w", id, err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.devs[id]; ok {
		return nil
	}
	return h.loadDevice(ctx, c)
}

// Run delivers events until ctx ends. It also polls the store for events and
// revocations written by other processes (the CLI), trims acknowledged and
// expired events, and saves acks.
func (h *Hub) Run(ctx context.Context) {
	poll := time.NewTicker(h.opts.PollInterval)
	flush := time.NewTicker(h.opts.FlushEvery)
	trim := time.NewTicker(time.Hour)
	defer poll.Stop()
	defer flush.Stop()
	defer trim.Stop()
	commits := h.db.Committed()
	revokedSince := time.Now()
	window := time.NewTimer(time.Hour)
	window.Stop()
	defer window.Stop()
	var windowC <-chan time.Time // the window's timer, while changes wait for it
	var lastFan time.Time
	dirty := false // there may be events not yet fanned out
	for {
		select {
		case <-ctx.Done():
			h.flush(context.Background())
			return
		case <-commits:
			dirty = true
		case <-h.drained:
		case <-windowC:
			windowC = nil
		case <-poll.C:
			revokedSince = h.pollRevoked(ctx, revokedSince)
			dirty = true
		case <-flush.C:
			h.flush(ctx)
			continue
		case <-trim.C:
			h.trim(ctx)
			continue
		}
		if !dirty {
			continue
		}
		if h.active.Load() > 0 || (h.opts.Calling != nil && h.opts.Calling()) {
			if wait := h.opts.FanOutWindow - time.Since(lastFan); wait > 0 {
				if windowC == nil {
					window.Reset(wait)
					windowC = window.C
				}
				continue // phones are ringing, or the previous fan-out is still being written
			}
		}
		if windowC != nil {
			window.Stop()
			windowC = nil
		}
		dirty = false
		for {
			// A delivery's reads are not interrupted by shutdown (each is
			// short; a backlog stops between deliveries): with a context
			// that can be canceled, the SQLite driver starts a goroutine to
			// watch it for every statement.
			n, more := h.deliverNew(context.WithoutCancel(ctx))
			if n > 0 {
				lastFan = time.Now()
			}
			if !more || ctx.Err() != nil {
				break
			}
		}
	}
}

// deliverNew numbers and announces one batch of stored events: it returns
// how many, and whether there may be more.
func (h *Hub) deliverNew(ctx context.Context) (int, bool) {
	const batch = 256
	h.yieldToCalls()
	evs, err := h.newEvents(ctx, batch)
	if err != nil {
		h.log.Error("read new events", "err", err)
		return 0, false
	}
	if len(evs) == 0 {
		return 0, false
	}
	rendered := make([]ringEvent, 0, len(evs))
	for i, e := range evs {
		if i > 0 {
			// A card's reads hold the write connection: a phone ringing
			// meanwhile goes first (its call waits for no more than one).
			h.yieldToCalls()
		}
		r, err := h.render(ctx, e)
		if err != nil {
			// Not numbered: the next poll tries again from this event, so a
			// passing store error never sends a phone an empty card.
			h.log.Error("render event", "gid", e.GID, "err", err)
			break
		}
		rendered = append(rendered, ringEvent{gid: e.GID, device: e.DeviceID, typ: r.Type, payload: r.Payload, compact: r.Compact})
	}
	if len(rendered) == 0 {
		return 0, false
	}
	var wake []*Conn
	offline := map[string]int64{}
	offlineEvents := map[string][]WakeEvent{}
	h.mu.Lock()
	for _, re := range rendered {
		h.keepLocked(re)
		for id, d := range h.devs {
			if (re.device != "" && re.device != id) || re.gid <= d.from {
				continue
			}
			d.seq, d.gid = d.seq+1, re.gid
			if d.conn == nil && h.opts.Waker != nil {
				offline[id] = d.seq
				offlineEvents[id] = append(offlineEvents[id], WakeEvent{Type: re.typ, Payload: re.payload})
			}
		}
	}
	for _, d := range h.devs {
		if d.conn != nil {
			wake = append(wake, d.conn)
		}
	}
	h.mu.Unlock()
	h.fanOut(wake)
	if h.opts.Waker != nil {
		for id, seq := range offline {
			h.opts.Waker.Wake(id, seq, offlineEvents[id])
		}
	}
	return len(rendered), len(rendered) == batch
}

// keepLocked adds a numbered event to the ring of recent events (h.mu
// held). Once the ring holds an eighth more than RingSize, its oldest
// events are dropped in place, down to RingSize: adding an event costs no
// copy of the ring (dropping one event at a time copied the whole ring,
// and allocated a new one, for every change once it was full:
// BenchmarkRingKeep).
func (h *Hub) keepLocked(re ringEvent) {
	h.ring = append(h.ring, re)
	h.lastGID = re.gid
	if over := len(h.ring) - h.opts.RingSize; over > h.opts.RingSize/8 {
		h.floor = h.ring[over-1].gid
		n := copy(h.ring, h.ring[over:])
		clear(h.ring[n:]) // no payload kept alive past the end
		h.ring = h.ring[:n]
	}
}

// newEvents returns up to limit events after the last one numbered: those
// this process just committed, kept in memory by the store, when they are
// the next ones, else read from the store (events written by another
// process, after a restart, ...).
func (h *Hub) newEvents(ctx context.Context, limit int) ([]sqlite.Event, error) {
	after := h.lastGIDLocked()
	if evs, ok := h.db.RecentEventsAfter(after, limit); ok {
		return evs, nil
	}
	return h.db.EventsAfter(ctx, after, 0, limit)
}

// fanOut writes the woken phones' new events from the hub's goroutine,
// one phone after another, with writes that do not wait (Conn.writeNow); a
// phone that cannot take its events at once goes to its own flush
// goroutine. A large fan-out pauses while a phone's card is being built,
// as deliverNew does before it starts.
//
// While no phone is ringing, a fan-out to many phones is shared with a
// second writer, which takes the next phone from the same list as the hub
// does, so the second core works too. Not while phones ring: there two
// writers cost more CPU per call and took the CPU from the ringing phone
// (BENCHMARKS.md); the second writer also stops as soon as a card is
// being built.
func (h *Hub) fanOut(wake []*Conn) {
	var next atomic.Int64
	var helped chan struct{}
	if len(wake) >= fanOutShare && !h.busy() && (h.opts.Calling == nil || !h.opts.Calling()) {
		helped = make(chan struct{})
		h.shared.Add(1)
		go func() {
			defer close(helped)
			for !h.busy() {
				i := next.Add(1) - 1
				if i >= int64(len(wake)) {
					return
				}
				h.scratch2 = wake[i].writeNow(h.scratch2)
			}
		}()
	}
	for n := 1; ; n++ {
		i := next.Add(1) - 1
		if i >= int64(len(wake)) {
			break
		}
		if n%fanOutCheck == 0 && h.busy() {
			h.yieldToCalls() // a phone rang meanwhile: its card goes first
		}
		h.scratch = wake[i].writeNow(h.scratch)
	}
	if helped != nil {
		<-helped
	}
}

// fanOutCheck is how many phones the fan-out writes between two looks at
// whether a phone is waiting for a card (about 0.2 ms of writes).
const fanOutCheck = 16

// fanOutShare is the fewest phones a fan-out shares with a second writer:
// below it, starting the writer costs about what it saves.
const fanOutShare = 64

// flushStarted and flushEnded count conns' flush goroutines.
func (h *Hub) flushStarted() { h.active.Add(1) }

func (h *Hub) flushEnded() {
	if h.active.Add(-1) == 0 {
		select {
		case h.drained <- struct{}{}:
		default:
		}
	}
}

// yieldToCalls waits, briefly, while a call is being answered: on a small
// machine the fan-out to every phone would otherwise take the CPU from the
// card a phone is waiting for.
func (h *Hub) yieldToCalls() {
	if h.opts.Busy == nil {
		return
	}
	deadline := time.Now().Add(h.opts.MaxHold)
	for h.opts.Busy() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Microsecond)
	}
}

// busy reports that a phone is waiting for a card right now.
func (h *Hub) busy() bool { return h.opts.Busy != nil && h.opts.Busy() }

func (h *Hub) lastGIDLocked() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastGID
}

// position returns the latest seq and gid numbered for a device.
func (h *Hub) position(id string) (seq, gid int64, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, ok := h.devs[id]
	if !ok {
		return 0, 0, false
	}
	return d.seq, d.gid, true
}

// pending appends to dst the events a device sees after gid, up to what
// the hub has numbered, from the ring when it covers them; covered false
// means the caller must read the store.
func (h *Hub) pending(id string, after int64, dst []ringEvent) (evs []ringEvent, upto int64, covered bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, ok := h.devs[id]
	if !ok {
		return dst, after, true
	}
	upto = d.gid
	if after < h.floor {
		return dst, upto, false
	}
	// The ring is in gid order: find the first event after `after`, then
	// copy forward (no per-phone scan of what the phone already has).
	i, _ := slices.BinarySearchFunc(h.ring, after+1, func(e ringEvent, gid int64) int { return cmp.Compare(e.gid, gid) })
	for _, e := range h.ring[i:] {
		if e.gid > upto {
			break
		}
		if e.device == "" || e.device == id {
			dst = append(dst, e)
		}
	}
	return dst, upto, true
}

// attach makes c the device's socket, closing any older one.
func (h *Hub) attach(c *Conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, ok := h.devs[c.device]
	if !ok || h.closed {
		return false
	}
	if d.conn != nil {
		d.conn.close(4000, "replaced by a newer connection")
	}
	d.conn = c
	d.seen = time.Now()
	return true
}

// Detach forgets c once its reader has ended; it reports whether c was
// the device's current socket (a socket replaced by a newer one is not).
func (h *Hub) Detach(c *Conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.devs[c.device]; ok && d.conn == c {
		d.conn = nil
		d.seen = time.Now()
		return true
	}
	return false
}

// Ack records that a device handled everything up to seq.
func (h *Hub) Ack(id string, seq int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.devs[id]; ok && seq > d.ackSeq && seq <= d.seq {
		d.ackSeq, d.acked = seq, true
	}
}

// Seen records that a device spoke to the server.
func (h *Hub) Seen(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.devs[id]; ok {
		d.seen = time.Now()
	}
}

// Connected counts devices with an open socket.
func (h *Hub) Connected() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, d := range h.devs {
		if d.conn != nil {
			n++
		}
	}
	return n
}

// IsConnected reports whether a device has an open socket.
func (h *Hub) IsConnected(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, ok := h.devs[id]
	return ok && d.conn != nil
}

// Revoke stops serving a device at once: its socket gets an unauthorized
// error and close code 1008.
func (h *Hub) Revoke(id string) {
	h.mu.Lock()
	d, ok := h.devs[id]
	delete(h.devs, id)
	h.mu.Unlock()
	if ok && d.conn != nil {
		d.conn.Revoke()
	}
}

// CloseAll closes every socket (server shutdown); phones reconnect and resume.
func (h *Hub) CloseAll() {
	h.mu.Lock()
	h.closed = true
	var conns []*Conn
	for _, d := range h.devs {
		if d.conn != nil {
			conns = append(conns, d.conn)
		}
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.close(1001, "server shutting down")
	}
}

func (h *Hub) pollRevoked(ctx context.Context, since time.Time) time.Time {
	now := time.Now()
	ids, err := h.db.RevokedSince(ctx, since.Add(-time.Minute))
	if err != nil {
		h.log.Error("poll revoked devices", "err", err)
		return since
	}
	for _, id := range ids {
		h.mu.Lock()
		_, known := h.devs[id]
		h.mu.Unlock()
		if known {
			h.log.Info("device revoked", "device", id)
			h.Revoke(id)
		}
	}
	return now
}

// flush saves acks (moving each device's base to its acked event) and
// last-seen times, in one transaction.
func (h *Hub) flush(ctx context.Context) {
	type ack struct {
		id  string
		seq int64
	}
	var acks []ack
	seen := map[string]time.Time{}
	h.mu.Lock()
	for id, d := range h.devs {
		if d.acked {
			acks = append(acks, ack{id, d.ackSeq})
			d.acked = false
		}
		if d.seen.After(d.seenSaved) { // only what changed: no write per idle phone
			seen[id] = d.seen
			d.seenSaved = d.seen
		}
	}
	h.mu.Unlock()
	if len(acks) == 0 && len(seen) == 0 {
		return
	}
	var stored []sqlite.Cursor
	var err error
	if len(acks) > 0 {
		if stored, err = h.db.Cursors(ctx); err != nil {
			h.log.Error("flush acks", "err", err)
			return
		}
	}
	base := map[string]sqlite.Cursor{}
	for _, c := range stored {
		base[c.DeviceID] = c
	}
	var cursors []sqlite.Cursor
	for _, a := range acks {
		b, ok := base[a.id]
		if !ok || a.seq <= b.BaseSeq {
			continue
		}
		gid, err := h.db.NthDeviceEventGID(ctx, a.id, b.BaseGID, a.seq-b.BaseSeq)
		if err != nil {
			h.log.Warn("locate acked event", "device", a.id, "seq", a.seq, "err", err)
			continue
		}
		cursors = append(cursors, sqlite.Cursor{DeviceID: a.id, BaseGID: gid, BaseSeq: a.seq})
	}
	if err := h.db.SaveCursors(ctx, cursors, seen); err != nil {
		h.log.Error("flush acks", "err", err)
	}
}

// trim deletes events every device acknowledged and events past retention.
func (h *Hub) trim(ctx context.Context) {
	h.flush(ctx)
	n, err := h.db.TrimEvents(ctx, time.Now().Add(-h.opts.Retention))
	if err != nil {
		h.log.Error("trim events", "err", err)
		return
	}
	if n > 0 {
		h.log.Debug("trimmed events", "count", n)
	}
}

// Flush saves acks now (tests).
func (h *Hub) Flush(ctx context.Context) { h.flush(ctx) }

// Seq is the latest seq numbered for a device (0 when unknown).
func (h *Hub) Seq(id string) int64 {
	seq, _, _ := h.position(id)
	return seq
}

// Waiting is how many events are numbered for a device and not yet
// acknowledged.
func (h *Hub) Waiting(id string) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.devs[id]; ok {
		return d.seq - d.ackSeq
	}
	return 0
}

// WaitingAll is, for every device the hub serves, the events numbered for
// it and not yet acknowledged (one lock, for a metrics scrape).
func (h *Hub) WaitingAll() map[string]int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]int64, len(h.devs))
	for id, d := range h.devs {
		out[id] = d.seq - d.ackSeq
	}
	return out
}

// SharedFanOuts counts the fan-outs shared with a second writer (tests
// check that a large fan-out was shared).
func (h *Hub) SharedFanOuts() int64 { return h.shared.Load() }

// LastSeen is when the device last spoke to this server process.
func (h *Hub) LastSeen(id string) time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.devs[id]; ok {
		return d.seen
	}
	return time.Time{}
}
