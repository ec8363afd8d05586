package hub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// WriteTimeout bounds a write to a phone's socket that may wait (a flush,
// an answer, a ping); the office's board socket uses it too.
const WriteTimeout = 10 * time.Second

// Conn is one phone's websocket. Its one long-lived goroutine is the
// reader, which the server runs (ReadFrame): it handles what the phone
// sends and writes the answers itself (Send: the ringing phone's card goes
// out from the goroutine that built it). Events are written by the hub's
// fan-out itself when the socket takes them at once (writeNow), else by a
// short-lived goroutine (flush), which ends when nothing is left to send,
// so an idle phone holds one goroutine and no write buffer. wmu makes the
// writers take turns.
type Conn struct {
	hub     *Hub
	device  string
	ws      *websocket.Conn
	net     *corkConn // under ws: deliveries are written in one system call
	stopped atomic.Bool
	run     atomic.Int32 // runIdle, runBusy, runAgain or runDone: see kick
	fired   atomic.Bool  // the batch hold's timer fired
	ping    *time.Timer

	stopOnce  sync.Once
	stopCode  int
	stopText  string
	stopFinal []byte

	wmu sync.Mutex // held while writing; guards what follows
	// The device's position in its event stream.
	seq, gid int64
	live     bool
	finished bool        // the close frame was sent
	batch    bool        // the phone asked for batch frames
	compact  bool        // the phone asked for card.changed
	evs      []ringEvent // from evsPool during a delivery
	head     [96]byte    // an event's envelope up to its payload
	// A batch phone gets at most one batch per batchWindow: events that
	// come faster wait (at most that long) and go out together.
	lastBatch time.Time
	heldUntil time.Time // when the current hold's window ended
	held      *time.Timer
	holding   bool // events are held until held fires
}

// The states of Conn.run: no flush goroutine, one running, one running
// that must look again before it ends, and the connection closed.
const (
	runIdle int32 = iota
	runBusy
	runAgain
	runDone
)

// batchWindow is the shortest time between two batches to one phone. The
// first change after a quiet moment goes out at once; under a stream of
// changes a batch phone gets one frame per window instead of one per event,
// which is what makes fan-out to many phones cheap.
const batchWindow = 50 * time.Millisecond

// upgrader's write buffers come from a pool and go back after each
// message, so an idle phone holds none; 8 KiB fits a card in one frame.
var upgrader = websocket.Upgrader{
	ReadBufferSize:  1024,
	WriteBufferSize: 8192,
	WriteBufferPool: &sync.Pool{},
	CheckOrigin:     func(*http.Request) bool { return true }, // bearer-token auth: no ambient credentials to protect
}

// Accept upgrades a phone's request to its websocket, through the cork
// writer, and makes it the device's socket (closing an older one), pinging
// it every PingInterval. nil: the upgrade failed (the upgrader answered
// already), or the hub no longer serves the device or is shutting down
// (the socket was closed with 1013).
func (h *Hub) Accept(w http.ResponseWriter, r *http.Request, deviceID string) *Conn {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "websocket: the connection cannot be taken over", http.StatusInternalServerError)
		return nil
	}
	cw := &corkWriter{ResponseWriter: w, hj: hj}
	ws, err := upgrader.Upgrade(cw, r, nil)
	if err != nil {
		return nil // the upgrader answered already
	}
	cn := &Conn{hub: h, device: deviceID, ws: ws, net: cw.conn}
	// The keep-alive: a ping every PingInterval; the phone's pongs and
	// frames move the read deadline on by IdleTimeout. Armed before the
	// hub knows the socket, so that a close from the hub (another socket
	// of the device, a revoke) finds the timer to stop.
	idle := h.opts.IdleTimeout
	_ = ws.SetReadDeadline(time.Now().Add(idle))
	ws.SetPongHandler(func(string) error { return ws.SetReadDeadline(time.Now().Add(idle)) })
	cn.ping = time.AfterFunc(h.opts.PingInterval, cn.pingNow)
	if !h.attach(cn) {
		cn.ping.Stop()
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "not serving"), time.Now().Add(time.Second))
		ws.Close()
		return nil
	}
	return cn
}

// ErrFrameTooLarge is ReadFrame's error for a frame over protocol.MaxBody.
var ErrFrameTooLarge = errors.New("frame too large")

// ReadFrame reads one frame of at most MaxBody bytes. The limit is applied
// here rather than by the websocket library, so that the phone gets a
// too_large error frame before the close. Each frame read moves the read
// deadline on by IdleTimeout and counts as the device being seen. Only the
// reader calls it.
func (c *Conn) ReadFrame() ([]byte, error) {
	_, r, err := c.ws.NextReader()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, protocol.MaxBody+1))
	if err != nil {
		return nil, err
	}
	if len(data) > protocol.MaxBody {
		return nil, ErrFrameTooLarge
	}
	_ = c.ws.SetReadDeadline(time.Now().Add(c.hub.opts.IdleTimeout))
	c.hub.Seen(c.device)
	return data, nil
}

// Send writes an answer at once, from the reader: it waits only for a
// delivery to this phone already being written, never for fan-out to
// others.
func (c *Conn) Send(b []byte) {
	if c.stopped.Load() {
		return
	}
	if err := c.locked(func() error { return c.write(b) }); err != nil {
		c.Stop(websocket.CloseGoingAway, "write failed", nil)
	}
}

// locked runs fn with wmu held, and lets it go even if fn panics (the
// reader recovers and stops the connection, whose flush needs wmu).
func (c *Conn) locked(fn func() error) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return fn()
}

// writeNow writes the phone's new events from the hub's fan-out, with no
// goroutine of its own, when it can without waiting: the phone's writer
// is free (else its reader is answering, or a flush is running, and a
// flush is kicked), and the socket takes the whole write
// at once. Otherwise what was not written stays in the cork and a flush
// writes it (with WriteTimeout) before anything else, so one slow phone
// never holds up the others. evs is scratch space; it is returned for
// reuse.
func (c *Conn) writeNow(evs []ringEvent) []ringEvent {
	if c.run.Load() != runIdle || !c.wmu.TryLock() {
		c.kick()
		return evs
	}
	done, evs, err := c.deliverNow(evs)
	c.wmu.Unlock()
	switch {
	case err != nil:
		c.Stop(websocket.CloseGoingAway, "write failed", nil)
	case !done:
		c.kick()
	}
	return evs
}

// deliverNow writes the events pending for the phone in one system call
// that does not wait (wmu held). done false: a flush must finish the job
// (the events are not all in the ring, too many for one cork, a batch
// phone's timing, a TLS socket, or the socket took only part of it).
func (c *Conn) deliverNow(evs []ringEvent) (done bool, _ []ringEvent, err error) {
	if c.finished || c.stopped.Load() || c.fired.Load() || c.batch || c.holding || !c.net.canWriteNow() {
		return false, evs, nil
	}
	if !c.live {
		return true, evs, nil // no stream yet: nothing to send
	}
	evs, _, covered := c.hub.pending(c.device, c.gid, evs[:0])
	if !covered {
		return false, evs, nil
	}
	if len(evs) == 0 {
		return true, evs, nil
	}
	size := 0
	for _, e := range evs {
		_, payload := c.framing(e)
		size += len(payload) + len(c.head) + wsMaxFrameHdr
	}
	if size > corkSize {
		clear(evs)
		return false, evs, nil
	}
	c.net.corkNow()
	werr := c.writeEvents(evs)
	done, err = c.net.uncorkNow()
	if werr != nil {
		err = werr
	}
	clear(evs) // no payload kept alive by the scratch space
	return done, evs, err
}

// kick makes sure a flush goroutine will look at the connection: it starts
// one, or tells the running one to look again before it ends.
func (c *Conn) kick() {
	for {
		switch c.run.Load() {
		case runIdle:
			if c.run.CompareAndSwap(runIdle, runBusy) {
				c.hub.flushStarted()
				go c.flush()
				return
			}
		case runBusy:
			if c.run.CompareAndSwap(runBusy, runAgain) {
				return
			}
		default: // runAgain, runDone
			return
		}
	}
}

// flush writes what is waiting for the phone (events, or the close when
// the connection stops) and ends when nothing is left.
func (c *Conn) flush() {
	defer c.hub.flushEnded()
	for {
		c.run.Store(runBusy)
		c.wmu.Lock()
		if c.stopped.Load() {
			c.finish()
			c.run.Store(runDone)
			c.wmu.Unlock()
			return
		}
		var err error
		switch {
		case c.fired.Swap(false):
			c.holding = false
			if c.hub.busy() && time.Since(c.heldUntil) < c.hub.opts.MaxHold {
				// A card is being built: held batches wait like the hub's
				// own fan-out, so the ringing phone's answer goes first.
				c.hold(time.Millisecond)
				break
			}
			err = c.deliver()
		case c.live:
			err = c.deliverSoon()
		}
		c.wmu.Unlock()
		if err != nil {
			c.Stop(websocket.CloseGoingAway, "write failed", nil)
			continue
		}
		if c.run.CompareAndSwap(runBusy, runIdle) {
			return
		}
	}
}

// pingNow pings the phone (its pong keeps the read deadline moving) and
// arms the next ping.
func (c *Conn) pingNow() {
	if c.stopped.Load() {
		return
	}
	if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(WriteTimeout)); err != nil {
		c.Stop(websocket.CloseGoingAway, "write failed", nil)
		return
	}
	c.ping.Reset(c.hub.opts.PingInterval)
}

// Stop ends the connection once: a flush sends final (if any), a close
// frame with code, and closes the socket.
func (c *Conn) Stop(code int, text string, final []byte) {
	c.stopOnce.Do(func() {
		c.stopCode, c.stopText, c.stopFinal = code, text, final
		c.stopped.Store(true)
		c.kick()
	})
}

// Stopped reports that the connection is ending: the reader stops reading.
func (c *Conn) Stopped() bool { return c.stopped.Load() }

func (c *Conn) close(code int, text string) { c.Stop(code, text, nil) }

// Revoke ends the connection of a device revoked meanwhile: the phone gets
// an unauthorized error and close code 1008.
func (c *Conn) Revoke() {
	c.Stop(websocket.ClosePolicyViolation, "device revoked", revokedFrame)
}

// revokedFrame is the error a revoked device's phone gets, in the
// protocol's error shape, as the server writes every error.
var revokedFrame = protocol.Frame(protocol.TypeError, "", protocol.ErrorResponse{
	Error: protocol.ErrorBody{Code: contacts.EUnauthorized, Message: "this device was revoked"}})

// finish sends the final frame and the close, and closes the socket (wmu
// held).
func (c *Conn) finish() {
	if c.ping != nil {
		c.ping.Stop()
	}
	if c.held != nil {
		c.held.Stop()
	}
	if c.stopFinal != nil {
		_ = c.write(c.stopFinal)
	}
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(c.stopCode, c.stopText), time.Now().Add(time.Second))
	c.ws.Close()
	c.finished = true
}

// write writes one frame (wmu held).
func (c *Conn) write(b []byte) error {
	if c.finished {
		return nil
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(WriteTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

var (
	closeBrace = []byte{'}'}
	comma      = []byte{','}
	batchHead  = []byte(`{"type":"batch","payload":{"events":[`)
	batchTail  = []byte(`]}}`)
)

// maxBatchBytes bounds a batch frame (the protocol's limit is 1 MB).
const maxBatchBytes = 256 << 10

// writeEvents writes numbered events, the first numbered c.seq+1, straight
// into the socket's buffer: each payload is encoded once and shared by
// every phone, only the seq differs, so nothing is copied or allocated per
// phone. A phone that asked for batches gets them in as few frames as the
// size bound allows. c.seq and c.gid advance with every frame written.
//
// The messages are put into the corked connection directly (c.net), not
// through the library's writer: a text frame each, byte for byte what the
// library would send, with no copy through its write buffer.
func (c *Conn) writeEvents(evs []ringEvent) error {
	for len(evs) > 0 {
		n := 1
		if c.batch {
			size := len(evs[0].payload)
			for n < len(evs) && size+len(evs[n].payload) <= maxBatchBytes {
				size += len(evs[n].payload)
				n++
			}
		}
		size := 0
		if c.batch {
			size += len(batchHead) + len(batchTail) + n - 1 // the commas
		}
		for i, e := range evs[:n] {
			typ, payload := c.framing(e)
			size += len(appendEventHead(c.head[:0], typ, c.seq+int64(i)+1)) + len(payload) + len(closeBrace)
		}
		c.net.startText(size)
		if c.batch {
			c.net.put(batchHead)
		}
		for i, e := range evs[:n] {
			if i > 0 {
				c.net.put(comma)
			}
			typ, payload := c.framing(e)
			c.net.put(appendEventHead(c.head[:0], typ, c.seq+int64(i)+1))
			c.net.put(payload)
			c.net.put(closeBrace)
		}
		if c.batch {
			c.net.put(batchTail)
		}
		if err := c.net.endText(); err != nil {
			return err
		}
		c.seq, c.gid = c.seq+int64(n), evs[n-1].gid
		evs = evs[n:]
		if c.batch {
			c.lastBatch = time.Now()
		}
	}
	return nil
}

// framing is an event's type and payload as this phone takes it.
func (c *Conn) framing(e ringEvent) (typ string, payload []byte) {
	if c.compact && e.compact != nil {
		return protocol.TypeCardChanged, e.compact.payload()
	}
	return e.typ, e.payload
}

// Resume is a phone's resume: the seq it has, the frame's id and the
// framing it asked for.
type Resume struct {
	After          int64
	ID             string
	Batch, Compact bool
}

// StartStream starts the phone's event stream after the reader accepted
// its resume: it waits for a delivery being written, then positions,
// answers and replays (startStream); a failed write stops the connection.
func (c *Conn) StartStream(ctx context.Context, r Resume) {
	if err := c.locked(func() error { return c.startStream(ctx, r) }); err != nil {
		c.Stop(websocket.CloseGoingAway, "write failed", nil)
	}
}

// startStream positions the device's stream after the seq the phone has,
// answers the resume, then replays what it missed (wmu held).
func (c *Conn) startStream(ctx context.Context, r Resume) error {
	if c.finished {
		return nil
	}
	after := r.After
	c.batch, c.compact = r.Batch, r.Compact
	seq, gid, ok := c.hub.position(c.device)
	if !ok {
		c.Revoke()
		return nil
	}
	resync := ""
	switch {
	case after == seq:
		c.seq, c.gid = seq, gid
	case after > seq:
		resync = "the phone is ahead of the server (restored database?)"
		c.seq, c.gid = seq, gid
	default:
		// The base and the events after it are read in one transaction, so a
		// trim running meanwhile cannot shift the count.
		pos, err := c.hub.db.ResumePosition(ctx, c.device, after)
		if err != nil {
			return err
		}
		if pos.Dropped {
			resync = "events since seq " + strconv.FormatInt(after, 10) + " are no longer kept"
		}
		c.seq, c.gid = pos.Seq, pos.GID
	}
	if err := c.write(protocol.Frame(protocol.TypeOK, r.ID, nil)); err != nil {
		return err
	}
	if resync != "" {
		if err := c.write(seqFrame(protocol.TypeResync, c.seq, protocol.MustMarshal(protocol.ResyncPayload{Reason: resync}))); err != nil {
			return err
		}
	}
	c.live = true
	return c.deliver()
}

// deliverSoon delivers now, or for a batch phone that had a batch less
// than batchWindow ago, when the window ends.
func (c *Conn) deliverSoon() error {
	if !c.batch {
		return c.deliver()
	}
	if c.holding {
		return nil // already waiting: these events go with the held ones
	}
	wait := batchWindow - time.Since(c.lastBatch)
	if wait <= 0 {
		return c.deliver()
	}
	c.heldUntil = time.Now().Add(wait)
	c.hold(wait)
	return nil
}

// hold arms the connection's timer: held events go out when it fires.
func (c *Conn) hold(d time.Duration) {
	c.holding = true
	if c.held == nil {
		c.held = time.AfterFunc(d, func() {
			c.fired.Store(true)
			c.kick()
		})
	} else {
		c.held.Reset(d)
	}
}

// deliver sends every event numbered for the device after c.gid (wmu
// held). The frames are corked: what one delivery writes goes out in one
// system call.
func (c *Conn) deliver() (err error) {
	if c.finished {
		return nil
	}
	c.net.cork(time.Now().Add(WriteTimeout))
	c.evs = *evsPool.Get().(*[]ringEvent)
	defer func() {
		if uerr := c.net.uncork(); err == nil {
			err = uerr
		}
		clear(c.evs[:cap(c.evs)]) // no payload kept alive by the pool
		evs := c.evs[:0]
		evsPool.Put(&evs)
		c.evs = nil // an idle phone holds none
	}()
	for {
		evs, upto, covered := c.hub.pending(c.device, c.gid, c.evs[:0])
		if !covered {
			stored, err := c.hub.db.DeviceEvents(context.Background(), c.device, c.gid, upto, 256)
			if err != nil {
				return err
			}
			// Old events: their cards are read on a read connection,
			// leaving the write connection to the office's calls.
			replay := sqlite.OnReadPool(context.Background())
			for _, e := range stored {
				r, err := c.hub.render(replay, e)
				if err != nil {
					return fmt.Errorf("render event %d: %w", e.GID, err) // the phone reconnects and resumes
				}
				evs = append(evs, ringEvent{gid: e.GID, device: e.DeviceID, typ: r.Type, payload: r.Payload, compact: r.Compact})
			}
		}
		c.evs = evs
		if len(evs) == 0 {
			return nil
		}
		if err := c.writeEvents(evs); err != nil {
			return err
		}
	}
}

// evsPool holds the slices deliveries list their events in.
var evsPool = sync.Pool{New: func() any { s := make([]ringEvent, 0, 16); return &s }}

func seqFrame(typ string, seq int64, payload []byte) []byte {
	b := appendEventHead(make([]byte, 0, len(payload)+64), typ, seq)
	b = append(b, payload...)
	return append(b, '}')
}

// appendEventHead writes an event envelope up to its payload.
func appendEventHead(b []byte, typ string, seq int64) []byte {
	b = append(b, `{"type":`...)
	b = strconv.AppendQuote(b, typ)
	if seq != 0 { // empty envelope fields are left out
		b = append(b, `,"seq":`...)
		b = strconv.AppendInt(b, seq, 10)
	}
	return append(b, `,"payload":`...)
}
