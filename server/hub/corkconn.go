package hub

import (
	"bufio"
	"encoding/binary"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// corkConn is the network connection under a phone's websocket. While it
// is corked, what the websocket library writes (whole frames, byte for
// byte as they would go out) collects in a pooled buffer and goes to the
// socket in one write when it is uncorked: several events delivered
// together cost one system call instead of one each, and the phone reads
// exactly the frames it would have read. Uncorked, writes go straight
// through. An idle phone holds no buffer.
type corkConn struct {
	net.Conn
	mu       sync.Mutex
	corked   bool
	buf      *[]byte   // from corkPool while corked and written to
	deadline time.Time // for what a cork writes
	err      error     // the first write error of the frame being put
	// nb: the cork is being filled for a write that must not wait
	// (uncorkNow): nothing is written before it.
	nb bool
	// raw is the socket for writes that must not wait; nil when the
	// connection is not a plain socket (TLS).
	raw syscall.RawConn
	// wdl is the write deadline the socket has, once known (wdlKnown):
	// a fan-out's write that needs none does not clear it again (setting a
	// deadline costs a few percent of a fan-out's CPU).
	wdl      time.Time
	wdlKnown bool
}

// newCorkConn wraps nc.
func newCorkConn(nc net.Conn) *corkConn {
	return &corkConn{Conn: nc, raw: rawSocket(nc)}
}

// corkSize bounds what a cork holds before it writes (a few cards).
const corkSize = 32 << 10

var corkPool = sync.Pool{New: func() any { b := make([]byte, 0, corkSize); return &b }}

// Write buffers p while corked, else writes it. Uncorked, the rest of a
// cork uncorkNow could not write goes first, so frames are never cut.
func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.corked {
		if c.buf != nil {
			_, err := c.Conn.Write(*c.buf) // the deadline the caller set
			c.release()
			if err != nil {
				return 0, err
			}
		}
		return c.Conn.Write(p)
	}
	if c.buf == nil {
		c.buf = corkPool.Get().(*[]byte)
	}
	if c.nb {
		*c.buf = append(*c.buf, p...)
		return len(p), nil
	}
	if len(*c.buf)+len(p) > cap(*c.buf) {
		if err := c.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > cap(*c.buf) {
			return c.Conn.Write(p)
		}
	}
	*c.buf = append(*c.buf, p...)
	return len(p), nil
}

// SetWriteDeadline sets the socket's write deadline (the websocket library
// sets one before each of its writes) unless the socket has it already.
func (c *corkConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.setWriteDeadlineLocked(t)
}

// SetDeadline sets both deadlines, the write one as SetWriteDeadline does.
func (c *corkConn) SetDeadline(t time.Time) error {
	if err := c.Conn.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

func (c *corkConn) setWriteDeadlineLocked(t time.Time) error {
	if c.wdlKnown && t.Equal(c.wdl) {
		return nil
	}
	if err := c.Conn.SetWriteDeadline(t); err != nil {
		c.wdlKnown = false
		return err
	}
	c.wdl, c.wdlKnown = t, true
	return nil
}

// cork starts collecting writes; what it writes must be written by
// deadline.
func (c *corkConn) cork(deadline time.Time) {
	c.mu.Lock()
	c.corked, c.deadline = true, deadline
	c.mu.Unlock()
}

// uncork writes what was collected and lets writes through again; the
// buffer goes back to the pool.
func (c *corkConn) uncork() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked = false
	if c.buf == nil {
		return nil
	}
	var err error
	if len(*c.buf) > 0 {
		err = c.flushLocked()
	}
	c.release()
	return err
}

func (c *corkConn) release() {
	*c.buf = (*c.buf)[:0]
	corkPool.Put(c.buf)
	c.buf = nil
}

// canWriteNow reports whether the connection takes writes that must not
// wait (corkNow).
func (c *corkConn) canWriteNow() bool { return c.raw != nil }

// corkNow starts collecting writes for uncorkNow; nothing is written
// until then, whatever the size.
func (c *corkConn) corkNow() {
	c.mu.Lock()
	c.corked, c.nb = true, true
	c.mu.Unlock()
}

// uncorkNow writes what was collected with one system call that does not
// wait for the socket. It reports whether all of it went; what did not
// stays in the cork and is written first by the next write or uncork, so
// it must be followed by one (with a deadline) soon.
func (c *corkConn) uncorkNow() (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked, c.nb = false, false
	if c.buf == nil {
		return true, nil
	}
	b := *c.buf
	// A deadline an earlier write set may have passed (the phone was idle):
	// this write does not wait, so it needs none, and the writes after it
	// set their own.
	_ = c.setWriteDeadlineLocked(time.Time{})
	n, err := writeNoWait(c.raw, b)
	if err != nil {
		return false, err
	}
	if n == len(b) {
		c.release()
		return true, nil
	}
	*c.buf = b[:copy(b, b[n:])]
	return false, nil
}

func (c *corkConn) flushLocked() error {
	_ = c.setWriteDeadlineLocked(c.deadline)
	_, err := c.Conn.Write(*c.buf)
	*c.buf = (*c.buf)[:0]
	return err
}

// The websocket frame that text messages the server sends are put in:
// final, text, not masked (RFC 6455, 5.2), as gorilla/websocket writes
// them.
const (
	wsFinalText   = 0x80 | 0x1
	wsMaxFrameHdr = 10
)

// startText starts a websocket text message of size bytes, put whole into
// the cork (which must be corked): nothing else is written until endText.
// The phone reads the same message as the library would have written, in
// one frame, with no copy through the library's write buffer.
func (c *corkConn) startText(size int) {
	c.mu.Lock()
	c.err = nil
	if c.buf == nil {
		c.buf = corkPool.Get().(*[]byte)
	}
	var h [wsMaxFrameHdr]byte
	h[0] = wsFinalText
	n := 2
	switch {
	case size >= 65536:
		h[1] = 127
		binary.BigEndian.PutUint64(h[2:], uint64(size))
		n = 10
	case size > 125:
		h[1] = 126
		binary.BigEndian.PutUint16(h[2:], uint16(size))
		n = 4
	default:
		h[1] = byte(size)
	}
	c.put(h[:n])
}

// put adds p to the message started by startText.
func (c *corkConn) put(p []byte) {
	if c.err != nil {
		return
	}
	if c.nb {
		*c.buf = append(*c.buf, p...)
		return
	}
	if len(*c.buf)+len(p) > cap(*c.buf) {
		if c.err = c.flushLocked(); c.err != nil {
			return
		}
		if len(p) > cap(*c.buf) {
			_, c.err = c.Conn.Write(p)
			return
		}
	}
	*c.buf = append(*c.buf, p...)
}

// endText ends the message and reports the first error writing it.
func (c *corkConn) endText() error {
	err := c.err
	c.err = nil
	c.mu.Unlock()
	return err
}

// corkWriter hands the websocket upgrader a corkConn when it takes the
// connection over from the HTTP server.
type corkWriter struct {
	http.ResponseWriter
	hj   http.Hijacker
	conn *corkConn
}

// Hijack takes the connection over and wraps it.
func (w *corkWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := w.hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.conn = newCorkConn(nc)
	return w.conn, brw, nil
}
