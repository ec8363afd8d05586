package tlsconf

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// sniffTimeout bounds how long a new connection may wait before its first
// byte tells TLS from plain HTTP.
const sniffTimeout = 10 * time.Second

// Listener accepts TLS and plain HTTP on the same port. A connection whose
// first byte starts a TLS handshake is served over TLS; any other is
// answered by Plain, which gives no data: a redirect to https for a
// browser's GET, an error in the protocol's shape for everything else. The
// sniffing runs per connection, so a slow client never holds up Accept.
type Listener struct {
	net.Listener
	cfg   *tls.Config
	plain *http.Server
	log   *slog.Logger

	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	err   error
}

// NewListener wraps ln. Accept returns *tls.Conn for TLS connections
// (net/http then fills Request.TLS); plain ones are served by Plain on the
// side and never reach the caller.
func NewListener(ln net.Listener, cfg *tls.Config, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.Default()
	}
	l := &Listener{Listener: ln, cfg: cfg, log: log, conns: make(chan net.Conn), done: make(chan struct{})}
	l.plain = &http.Server{Handler: Plain{}, ReadHeaderTimeout: sniffTimeout, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelDebug)}
	l.plain.SetKeepAlivesEnabled(false)
	go l.acceptLoop()
	return l
}

// acceptLoop accepts until the listener is closed. Other errors (too many
// open files) are waited out with a growing pause, as net/http does.
func (l *Listener) acceptLoop() {
	var pause time.Duration
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				l.once.Do(func() { l.err = err; close(l.done) })
				return
			}
			pause = min(max(2*pause, 5*time.Millisecond), time.Second)
			l.log.Warn("tls: accept failed; retrying", "err", err, "in", pause)
			time.Sleep(pause)
			continue
		}
		pause = 0
		go l.sniff(c)
	}
}

// sniff reads the first byte: 0x16 is a TLS handshake record.
func (l *Listener) sniff(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(sniffTimeout))
	br := bufio.NewReaderSize(c, 512)
	first, err := br.Peek(1)
	_ = c.SetReadDeadline(time.Time{})
	if err != nil {
		c.Close()
		return
	}
	bc := &bufferedConn{Conn: c, r: br}
	if first[0] != 0x16 {
		l.servePlain(bc)
		return
	}
	// The handshake runs here, in this short-lived goroutine, not in the
	// connection's long-lived one: its deep stack (key exchange, signing)
	// is freed when this goroutine ends instead of staying with every idle
	// phone (measured: see BENCHMARKS.md, memory per idle phone).
	tc := tls.Server(bc, l.cfg)
	_ = c.SetDeadline(time.Now().Add(sniffTimeout))
	if err := tc.Handshake(); err != nil {
		l.log.Debug("tls handshake failed", "remote", c.RemoteAddr().String(), "err", err)
		c.Close()
		return
	}
	_ = c.SetDeadline(time.Time{})
	select {
	case l.conns <- tc:
	case <-l.done:
		c.Close()
	}
}

// servePlain answers one plain HTTP request on c and closes it.
func (l *Listener) servePlain(c net.Conn) {
	one := &oneConnListener{conn: c, addr: l.Addr(), closed: make(chan struct{})}
	_ = l.plain.Serve(one) // returns when the one connection has been handed over
	<-one.closed
}

// Accept returns the next TLS connection.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, l.err
	}
}

// Close stops accepting.
func (l *Listener) Close() error {
	err := l.Listener.Close()
	l.once.Do(func() { l.err = net.ErrClosed; close(l.done) })
	return err
}

// bufferedConn is a connection whose first bytes were peeked.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) {
	if c.r != nil {
		if c.r.Buffered() > 0 {
			return c.r.Read(p)
		}
		c.r = nil // drop the peek buffer: the connection lives on without it
	}
	return c.Conn.Read(p)
}

// oneConnListener hands one connection to http.Server.Serve, then reports
// closed; closed is signalled when the connection is.
type oneConnListener struct {
	conn   net.Conn
	addr   net.Addr
	mu     sync.Mutex
	closed chan struct{}
}

func (l *oneConnListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return nil, net.ErrClosed
	}
	c := &notifyConn{Conn: l.conn, closed: l.closed}
	l.conn = nil
	return c, nil
}

func (l *oneConnListener) Close() error   { return nil }
func (l *oneConnListener) Addr() net.Addr { return l.addr }

type notifyConn struct {
	net.Conn
	once   sync.Once
	closed chan struct{}
}

func (c *notifyConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { close(c.closed) })
	return err
}

// Plain answers a plain HTTP request that reached an HTTPS port. It reads
// nothing but the method, the Host and the path: no body, no header is
// acted on (an Authorization header that came in clear is ignored). A
// browser's GET or HEAD to a page is sent to the same URL over https;
// anything else, and every /api/ request, gets 400 https_required in the
// protocol's error shape, so no data and no token ever go back in clear.
type Plain struct{}

// ServeHTTP implements http.Handler.
func (Plain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !strings.HasPrefix(r.URL.Path, "/api/") && r.Host != "" {
		http.Redirect(w, r, "https://"+r.Host+r.URL.RequestURI(), http.StatusMovedPermanently)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(protocol.ErrorResponse{Error: protocol.ErrorBody{Code: protocol.CodeHTTPSRequired,
		Message: "this server speaks HTTPS only: use https://" + r.Host + " (nothing in this request was read)"}})
}
