package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/metrics"
)

const writeTimeout = 10 * time.Second

// conn is one phone's websocket. Its one long-lived goroutine is the
// reader: it handles what the phone sends and writes the answers itself
// (the ringing phone's card goes out from the goroutine that built it).
// Events are written by the hub's fan-out itself when the socket takes
// them at once (writeNow), else by a short-lived goroutine (flush), which
// ends when nothing is left to send, so an idle phone holds one goroutine
// and no write buffer. wmu makes the writers take turns.
type conn struct {
	srv     *Server
	hub     *Hub
	device  string
	ws      *websocket.Conn
	net     *corkConn   // under ws: deliveries are written in one system call
	resumed atomic.Bool // a resume was accepted on this socket
	stopped atomic.Bool
	run     atomic.Int32 // runIdle, runBusy, runAgain or runDone: see kick
	fired   atomic.Bool  // the batch hold's timer fired
	ping    *time.Timer
	resume  *resumeReq // set by dispatch, started by the reader

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

// The states of conn.run: no flush goroutine, one running, one running
// that must look again before it ends, and the connection closed.
const (
	runIdle int32 = iota
	runBusy
	runAgain
	runDone
)

// fanOutWindow is the shortest time between two fan-outs while phones are
// ringing or the previous fan-out is still being written (HubOptions): a
// phone then gets what came in the window in one socket write instead of
// one write per change, and the calls keep the CPU. Otherwise a change goes
// at once. Frames are unchanged. The ringing phone's card is an answer, not
// an event: it never waits.
const fanOutWindow = 20 * time.Millisecond

// callsRecent is how recently a phone must have asked for a card for the
// hub to count phones as ringing (HubOptions.Calling).
const callsRecent = 100 * time.Millisecond

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

func (s *Server) websocket(c *gin.Context) error {
	if !websocket.IsWebSocketUpgrade(c.Request) {
		return contacts.Errorf(contacts.EInvalid, "this endpoint needs a websocket upgrade")
	}
	d := device(c)
	cw := &corkWriter{ResponseWriter: c.Writer, hj: c.Writer}
	ws, err := upgrader.Upgrade(cw, c.Request, nil)
	if err != nil {
		return nil // the upgrader answered already
	}
	cn := &conn{srv: s, hub: s.hub, device: d.ID, ws: ws, net: cw.conn}
	if !s.hub.attach(cn) {
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "not serving"), time.Now().Add(time.Second))
		ws.Close()
		return nil
	}
	s.log.Debug("phone connected", "device", d.ID)
	if err := s.db.SetConnected(context.Background(), d.ID, true); err != nil {
		s.log.Error("record connection", "err", err)
	}
	if s.fcm != nil {
		s.fcm.connected(d.ID)
	}
	ctx := contacts.WithActor(context.WithoutCancel(c.Request.Context()), contacts.Actor{Kind: contacts.ActorDevice, ID: d.ID, Name: d.Name})
	cn.ping = time.AfterFunc(s.hub.opts.PingInterval, cn.pingNow)
	// The reader gets a goroutine of its own and this handler returns: the
	// HTTP server's goroutine, its buffers and the handler chain's stack are
	// not kept for as long as the phone stays connected.
	go func() {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic in websocket reader", "device", d.ID, "panic", v)
				cn.stop(websocket.CloseInternalServerErr, "internal error", nil)
			}
			if s.hub.detach(cn) {
				if err := s.db.SetConnected(context.Background(), d.ID, false); err != nil {
					s.log.Error("record disconnection", "err", err)
				}
				s.phoneGone(d.ID)
			}
			s.log.Debug("phone disconnected", "device", d.ID)
		}()
		cn.readLoop(ctx)
	}()
	return nil
}

func (c *conn) readLoop(ctx context.Context) {
	idle := c.hub.opts.IdleTimeout
	_ = c.ws.SetReadDeadline(time.Now().Add(idle))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(idle)) })
	for {
		data, err := c.readFrame()
		if err != nil {
			if err == errFrameTooLarge {
				c.stop(websocket.CloseMessageTooBig, "frame larger than 1 MB", errorFrame("", contacts.Errorf(contacts.ETooLarge, "frame: larger than %d bytes", protocol.MaxBody)))
			} else {
				c.stop(websocket.CloseNormalClosure, "", nil)
			}
			return
		}
		_ = c.ws.SetReadDeadline(time.Now().Add(idle))
		c.hub.Seen(c.device)
		if out := c.dispatch(ctx, data); out != nil {
			c.send(out)
		}
		if r := c.resume; r != nil {
			c.resume = nil
			c.wmu.Lock()
			err := c.startStream(ctx, *r)
			c.wmu.Unlock()
			if err != nil {
				c.stop(websocket.CloseGoingAway, "write failed", nil)
			}
		}
		if c.stopped.Load() {
			return
		}
	}
}

// dispatch decodes one frame the phone sent and handles it, returning the
// answer to send (nil when there is none: no id, or the writer answers).
// A frame that is not a valid envelope gets an error frame, with re when
// at least its id can be read.
func (c *conn) dispatch(ctx context.Context, data []byte) []byte {
	var env protocol.Envelope
	if err := protocol.Decode(data, &env); err != nil {
		var probe struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(data, &probe)
		return errorFrame(probe.ID, err)
	}
	if out := c.handle(ctx, env); out != nil && env.ID != "" {
		return out
	}
	return nil
}

var errFrameTooLarge = errors.New("frame too large")

// readFrame reads one frame of at most MaxBody bytes. The limit is applied
// here rather than by the websocket library, so that the phone gets a
// too_large error frame before the close.
func (c *conn) readFrame() ([]byte, error) {
	_, r, err := c.ws.NextReader()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, protocol.MaxBody+1))
	if err != nil {
		return nil, err
	}
	if len(data) > protocol.MaxBody {
		return nil, errFrameTooLarge
	}
	return data, nil
}

// handle answers one frame from the phone.
func (c *conn) handle(ctx context.Context, env protocol.Envelope) []byte {
	fail := func(err error) []byte {
		if errorCode(err) == contacts.EInternal {
			c.srv.log.Error("websocket request failed", "device", c.device, "type", env.Type, "err", err)
		}
		return errorFrame(env.ID, err)
	}
	switch env.Type {
	case "":
		return fail(contacts.Errorf(contacts.EInvalid, "type: required"))
	case protocol.TypePing:
		return frame(protocol.TypePong, env.ID, nil)
	case protocol.TypeResume, protocol.TypeAck, protocol.TypeCallStarted, protocol.TypeCallEnded, protocol.TypeNoteAdd:
		out, err := c.handlePayload(ctx, env)
		if err != nil {
			return fail(payloadError(err)) // the one place payload errors get their "payload." prefix
		}
		return out
	}
	return fail(contacts.Errorf(contacts.EInvalid, "type: unknown message type %q", env.Type))
}

// handlePayload answers a frame that carries a payload. Its errors name
// fields as REST does; handle prefixes them.
func (c *conn) handlePayload(ctx context.Context, env protocol.Envelope) ([]byte, error) {
	switch env.Type {
	case protocol.TypeResume:
		var p protocol.Resume
		if err := decodePayload(env.Payload, &p); err != nil {
			return nil, err
		}
		if p.AfterSeq < 0 {
			return nil, contacts.Errorf(contacts.EInvalid, "after_seq: must be 0 or more")
		}
		open, err := openCallIDs(p.OpenCalls)
		if err != nil {
			return nil, err
		}
		if !c.resumed.CompareAndSwap(false, true) {
			return nil, contacts.Errorf(contacts.EConflict, "resume: already sent on this socket")
		}
		if err := c.srv.phoneSaysOpen(ctx, c.device, open); err != nil {
			return nil, err
		}
		c.resume = &resumeReq{after: p.AfterSeq, id: env.ID, batch: p.Batch, compact: p.Compact}
		return nil, nil // the reader answers once it has positioned the stream
	case protocol.TypeAck:
		var p protocol.Ack
		if err := decodePayload(env.Payload, &p); err != nil {
			return nil, err
		}
		c.hub.Ack(c.device, p.Seq)
		return frame(protocol.TypeOK, env.ID, nil), nil
	case protocol.TypeCallStarted:
		var p protocol.CallStart
		if err := decodePayload(env.Payload, &p); err != nil {
			return nil, err
		}
		d, err := c.activeDevice(ctx)
		if err != nil {
			return nil, err
		}
		c.srv.answering.Add(1) // the hub's fan-out waits while the card is built
		c.srv.lastCall.Store(time.Now().UnixNano())
		start := time.Now()
		card, err := c.srv.startCall(ctx, d, p)
		c.srv.answering.Add(-1)
		if err != nil {
			return nil, err
		}
		c.srv.metrics.CardAnswered(metrics.ViaWebsocket, time.Since(start))
		return frame(protocol.TypeCard, env.ID, card), nil
	case protocol.TypeCallEnded:
		var p protocol.CallEnd
		if err := decodePayload(env.Payload, &p); err != nil {
			return nil, err
		}
		if p.CallID == "" {
			return nil, contacts.Errorf(contacts.EInvalid, "call_id: required")
		}
		d, err := c.activeDevice(ctx)
		if err != nil {
			return nil, err
		}
		call, err := c.srv.finishCall(ctx, d, p.CallID, p)
		if err != nil {
			return nil, err
		}
		return frame(protocol.TypeOK, env.ID, protocol.CallResponse{Call: call}), nil
	case protocol.TypeNoteAdd:
		var p protocol.NoteAdd
		if err := decodePayload(env.Payload, &p); err != nil {
			return nil, err
		}
		d, err := c.activeDevice(ctx)
		if err != nil {
			return nil, err
		}
		note, err := c.srv.addNote(ctx, d, p)
		if err != nil {
			return nil, err
		}
		return frame(protocol.TypeNoteAdded, env.ID, note), nil
	}
	return nil, fmt.Errorf("no payload handler for %q", env.Type)
}

// payloadError names a payload field as the phone sent it: on the socket a
// field error's message starts with "payload." (SPEC, Errors). Errors that
// are not about a field (not found, conflict, unauthorized) stay as they are.
func payloadError(err error) error {
	var de *protocol.DecodeError
	if errors.As(err, &de) {
		if de.Field != "" {
			return &protocol.DecodeError{Field: payloadField(de.Field), Message: de.Message}
		}
		return &protocol.DecodeError{Message: payloadField(de.Message)}
	}
	switch code := contacts.ErrorCode(err); code {
	case contacts.EInvalid, contacts.EInvalidNumber:
		return &contacts.Error{Code: code, Message: payloadField(contacts.ErrorMessage(err))}
	}
	return err
}

// payloadField prefixes a field name (or a message that starts with one)
// with "payload."; the body as a whole is the payload itself.
func payloadField(s string) string {
	switch {
	case s == "payload" || strings.HasPrefix(s, "payload.") || strings.HasPrefix(s, "payload:"):
		return s
	case s == "body" || strings.HasPrefix(s, "body:"):
		return "payload" + strings.TrimPrefix(s, "body")
	}
	return "payload." + s
}

// activeDevice reads the device as it is now (its SIMs may have changed)
// and refuses one revoked since the socket opened, before the hub closes it.
func (c *conn) activeDevice(ctx context.Context) (*contacts.Device, error) {
	d, err := c.srv.db.Device(ctx, c.device)
	if err != nil {
		return nil, err
	}
	if d.Revoked() {
		c.revoke()
		return nil, contacts.Errorf(contacts.EUnauthorized, "this device was revoked")
	}
	return d, nil
}

func decodePayload(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return &protocol.DecodeError{Field: "payload", Message: "required"}
	}
	return protocol.Decode(raw, v)
}

// send writes an answer at once, from the reader: it waits only for a
// delivery to this phone already being written, never for fan-out to
// others.
func (c *conn) send(b []byte) {
	if c.stopped.Load() {
		return
	}
	c.wmu.Lock()
	err := c.write(b)
	c.wmu.Unlock()
	if err != nil {
		c.stop(websocket.CloseGoingAway, "write failed", nil)
	}
}

// writeNow writes the phone's new events from the hub's fan-out, with no
// goroutine of its own, when it can without waiting: the phone's writer
// is free (else its reader is answering, or a flush is running, and a
// flush is kicked), and the socket takes the whole write
// at once. Otherwise what was not written stays in the cork and a flush
// writes it (with writeTimeout) before anything else, so one slow phone
// never holds up the others. evs is scratch space; it is returned for
// reuse.
func (c *conn) writeNow(evs []ringEvent) []ringEvent {
	if c.run.Load() != runIdle || !c.wmu.TryLock() {
		c.kick()
		return evs
	}
	done, evs, err := c.deliverNow(evs)
	c.wmu.Unlock()
	switch {
	case err != nil:
		c.stop(websocket.CloseGoingAway, "write failed", nil)
	case !done:
		c.kick()
	}
	return evs
}

// deliverNow writes the events pending for the phone in one system call
// that does not wait (wmu held). done false: a flush must finish the job
// (the events are not all in the ring, too many for one cork, a batch
// phone's timing, a TLS socket, or the socket took only part of it).
func (c *conn) deliverNow(evs []ringEvent) (done bool, _ []ringEvent, err error) {
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
func (c *conn) kick() {
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
func (c *conn) flush() {
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
			c.stop(websocket.CloseGoingAway, "write failed", nil)
			continue
		}
		if c.run.CompareAndSwap(runBusy, runIdle) {
			return
		}
	}
}

// pingNow pings the phone (its pong keeps the read deadline moving) and
// arms the next ping.
func (c *conn) pingNow() {
	if c.stopped.Load() {
		return
	}
	if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)); err != nil {
		c.stop(websocket.CloseGoingAway, "write failed", nil)
		return
	}
	c.ping.Reset(c.hub.opts.PingInterval)
}

// stop ends the connection once: a flush sends final (if any), a close
// frame with code, and closes the socket.
func (c *conn) stop(code int, text string, final []byte) {
	c.stopOnce.Do(func() {
		c.stopCode, c.stopText, c.stopFinal = code, text, final
		c.stopped.Store(true)
		c.kick()
	})
}

func (c *conn) close(code int, text string) { c.stop(code, text, nil) }

func (c *conn) revoke() {
	c.stop(websocket.ClosePolicyViolation, "device revoked", errorFrame("", contacts.Errorf(contacts.EUnauthorized, "this device was revoked")))
}

// finish sends the final frame and the close, and closes the socket (wmu
// held).
func (c *conn) finish() {
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
func (c *conn) write(b []byte) error {
	if c.finished {
		return nil
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
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
func (c *conn) writeEvents(evs []ringEvent) error {
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
func (c *conn) framing(e ringEvent) (typ string, payload []byte) {
	if c.compact && e.compact != nil {
		return protocol.TypeCardChanged, e.compact
	}
	return e.typ, e.payload
}

// resumeReq is a phone's resume: the seq it has, the frame's id and the
// framing it asked for.
type resumeReq struct {
	after          int64
	id             string
	batch, compact bool
}

// startStream positions the device's stream after the seq the phone has,
// answers the resume, then replays what it missed (wmu held).
func (c *conn) startStream(ctx context.Context, r resumeReq) error {
	if c.finished {
		return nil
	}
	after := r.after
	c.batch, c.compact = r.batch, r.compact
	seq, gid, ok := c.hub.position(c.device)
	if !ok {
		c.revoke()
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
		pos, err := c.srv.db.ResumePosition(ctx, c.device, after)
		if err != nil {
			return err
		}
		if pos.Dropped {
			resync = "events since seq " + strconv.FormatInt(after, 10) + " are no longer kept"
		}
		c.seq, c.gid = pos.Seq, pos.GID
	}
	if err := c.write(frame(protocol.TypeOK, r.id, nil)); err != nil {
		return err
	}
	if resync != "" {
		if err := c.write(seqFrame(protocol.TypeResync, c.seq, mustJSON(protocol.ResyncPayload{Reason: resync}))); err != nil {
			return err
		}
	}
	c.live = true
	return c.deliver()
}

// deliverSoon delivers now, or for a batch phone that had a batch less
// than batchWindow ago, when the window ends.
func (c *conn) deliverSoon() error {
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
func (c *conn) hold(d time.Duration) {
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
func (c *conn) deliver() (err error) {
	if c.finished {
		return nil
	}
	c.net.cork(time.Now().Add(writeTimeout))
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
			stored, err := c.srv.db.DeviceEvents(context.Background(), c.device, c.gid, upto, 256)
			if err != nil {
				return err
			}
			for _, e := range stored {
				r, err := c.hub.render(context.Background(), e)
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

func frame(typ, re string, payload any) []byte {
	env := protocol.Envelope{Type: typ, Re: re}
	if payload != nil {
		env.Payload = mustJSON(payload)
	}
	return mustJSON(env)
}

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

func errorFrame(re string, err error) []byte {
	return frame(protocol.TypeError, re, errorBody(err))
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("marshal " + err.Error()) // only our own wire types are marshalled
	}
	return b
}
