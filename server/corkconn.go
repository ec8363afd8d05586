package server

import (
	"bufio"
	"net"
	"net/http"
	"sync"
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
	mu     sync.Mutex
	corked bool
	buf    *[]byte // from corkPool while corked and written to
}

// corkSize bounds what a cork holds before it writes (a few cards).
const corkSize = 32 << 10

var corkPool = sync.Pool{New: func() any { b := make([]byte, 0, corkSize); return &b }}

// Write buffers p while corked, else writes it.
func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.corked {
		return c.Conn.Write(p)
	}
	if c.buf == nil {
		c.buf = corkPool.Get().(*[]byte)
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

// cork starts collecting writes.
func (c *corkConn) cork() {
	c.mu.Lock()
	c.corked = true
	c.mu.Unlock()
}

// uncork writes what was collected (by deadline) and lets writes through
// again; the buffer goes back to the pool.
func (c *corkConn) uncork(deadline time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked = false
	if c.buf == nil {
		return nil
	}
	var err error
	if len(*c.buf) > 0 {
		_ = c.Conn.SetWriteDeadline(deadline)
		err = c.flushLocked()
	}
	corkPool.Put(c.buf)
	c.buf = nil
	return err
}

func (c *corkConn) flushLocked() error {
	_, err := c.Conn.Write(*c.buf)
	*c.buf = (*c.buf)[:0]
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
	w.conn = &corkConn{Conn: nc}
	return w.conn, brw, nil
}
