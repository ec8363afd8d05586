package server

import (
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/server/tlsconf"
	"github.com/ringcard/ringcard/server/web"
)

// setupTransport resolves tls.mode for the configured address and loads or
// makes the certificate (see package tlsconf).
func (s *Server) setupTransport() error {
	t, err := tlsconf.Setup(s.cfg.TLS, tlsconf.Options{Addr: s.cfg.Addr, DB: s.cfg.DB, PublicURL: s.cfg.PublicURL, Log: s.log.With("part", "tls")})
	if err != nil {
		return err
	}
	s.tls = t
	for _, p := range s.cfg.TrustedProxies {
		if ip := net.ParseIP(p); ip != nil {
			bits := 8 * len(ip.To16())
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			p = ip.String() + "/" + strconv.Itoa(bits)
		}
		if _, n, err := net.ParseCIDR(p); err == nil {
			s.proxies = append(s.proxies, n)
		}
	}
	return nil
}

// Transport is how the server's listener is secured: its mode, the pin
// pairing codes carry and the certificate's fingerprint.
func (s *Server) Transport() *tlsconf.Transport { return s.tls }

// secureListener serves TLS on ln when the mode says so; plain HTTP that
// reaches it gets no data (tlsconf.Listener).
func (s *Server) secureListener(ln net.Listener) net.Listener {
	if !s.tls.Encrypted() {
		return ln
	}
	return tlsconf.NewListener(ln, s.tls.TLS, s.log.With("part", "tls"))
}

// transportHeaders runs first on every request: X-Forwarded-Proto is
// dropped unless it comes from a trusted proxy (nothing downstream may
// believe a client that says it used HTTPS), and a request that came over
// HTTPS gets Strict-Transport-Security.
func (s *Server) transportHeaders(c *gin.Context) {
	r := c.Request
	if r.Header.Get("X-Forwarded-Proto") != "" && !s.fromProxy(r) {
		r.Header.Del("X-Forwarded-Proto")
	}
	if s.tls.HSTSMaxAge > 0 && (r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")) {
		c.Header("Strict-Transport-Security", "max-age="+strconv.Itoa(s.tls.HSTSMaxAge))
	}
	c.Next()
}

// fromProxy reports whether the request's peer is one of trusted_proxies.
func (s *Server) fromProxy(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	for _, n := range s.proxies {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// transportInfo is what the web view's phones page shows.
func (s *Server) transportInfo() web.TransportInfo {
	return web.TransportInfo{Mode: s.tls.Mode, Pin: s.tls.Pin, Fingerprint: s.tls.Fingerprint()}
}
