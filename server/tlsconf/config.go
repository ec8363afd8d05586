// Package tlsconf decides how ringcard's listener is secured and provides
// the certificate for it: a self-signed one it makes and keeps (pinned by
// the phones), certificate files reloaded when they change, or automatic
// certificates for a public name (ACME). On loopback it stays plain HTTP;
// behind a TLS-terminating proxy it is plain only when the installer says so.
package tlsconf

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
)

// The modes an installer can choose (tls.mode).
const (
	ModeAuto       = "auto"        // plain on loopback, self-signed beyond it
	ModeSelfSigned = "self-signed" // ringcard's own key and certificate, pinned by the phones
	ModeFiles      = "files"       // tls.cert_file and tls.key_file
	ModeACME       = "acme"        // automatic certificates for tls.acme_domains
	ModeProxy      = "proxy"       // plain HTTP: a TLS-terminating proxy is in front
	// ModePlain is what auto resolves to on loopback; it cannot be chosen.
	ModePlain = "plain"
)

// Config is the tls section of ringcard's config.
type Config struct {
	Mode          string   `json:"mode"`           // auto (default), self-signed, files, acme or proxy
	CertFile      string   `json:"cert_file"`      // files: PEM certificate chain
	KeyFile       string   `json:"key_file"`       // files: PEM private key
	ACMEDomains   []string `json:"acme_domains"`   // acme: the public names to get certificates for
	ACMEEmail     string   `json:"acme_email"`     // acme: contact address given to the CA (optional)
	ACMEDirectory string   `json:"acme_directory"` // acme: the CA's directory URL (default Let's Encrypt)
	HSTSMaxAge    int      `json:"hsts_max_age"`   // seconds browsers remember to use HTTPS only (default one year)
}

// Validate fills defaults and rejects settings that cannot work.
func (c *Config) Validate() error {
	if c.Mode == "" {
		c.Mode = ModeAuto
	}
	if c.HSTSMaxAge == 0 {
		c.HSTSMaxAge = 365 * 24 * 3600
	}
	if c.HSTSMaxAge < 0 {
		return fmt.Errorf("tls.hsts_max_age %d: zero or more seconds", c.HSTSMaxAge)
	}
	files := c.CertFile != "" || c.KeyFile != ""
	switch c.Mode {
	case ModeAuto, ModeSelfSigned, ModeProxy:
		if files {
			return fmt.Errorf("tls.cert_file and tls.key_file need tls.mode \"files\" (now %q)", c.Mode)
		}
	case ModeFiles:
		if c.CertFile == "" || c.KeyFile == "" {
			return fmt.Errorf("tls.mode \"files\" needs both tls.cert_file and tls.key_file")
		}
	case ModeACME:
		if files {
			return fmt.Errorf("tls.cert_file and tls.key_file need tls.mode \"files\" (now \"acme\")")
		}
		if len(c.ACMEDomains) == 0 {
			return fmt.Errorf("tls.mode \"acme\" needs tls.acme_domains: the public names this server answers to")
		}
		for _, d := range c.ACMEDomains {
			if !validDomain(d) {
				return fmt.Errorf("tls.acme_domains: %q is not a public DNS name (no addresses, no wildcards)", d)
			}
		}
		if c.ACMEDirectory != "" {
			if u, err := url.Parse(c.ACMEDirectory); err != nil || u.Scheme != "https" || u.Host == "" {
				return fmt.Errorf("tls.acme_directory %q: want an https URL", c.ACMEDirectory)
			}
		}
	default:
		return fmt.Errorf("tls.mode %q: auto, self-signed, files, acme or proxy", c.Mode)
	}
	return nil
}

// validDomain accepts a DNS name with a dot, not an address or a wildcard.
func validDomain(d string) bool {
	if d == "" || len(d) > 253 || net.ParseIP(d) != nil || !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// Resolve is the mode in effect for a listener on addr: auto becomes plain
// on loopback and self-signed anywhere else.
func (c Config) Resolve(addr string) string {
	mode := c.Mode
	if mode == "" {
		mode = ModeAuto
	}
	if mode != ModeAuto {
		return mode
	}
	if IsLoopback(addr) {
		return ModePlain
	}
	return ModeSelfSigned
}

// Encrypted reports whether a mode serves HTTPS itself.
func Encrypted(mode string) bool {
	return mode == ModeSelfSigned || mode == ModeFiles || mode == ModeACME
}

// IsLoopback reports whether a listen address (host:port) only reaches
// this machine: a loopback IP or "localhost". An empty host, 0.0.0.0 or
// :: listen on every interface, so they are not loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Paths are where ringcard keeps its TLS files, next to the database.
type Paths struct {
	Key, Cert string // self-signed key and certificate (0600)
	ACMECache string // the ACME account key and certificates (0700)
}

// PathsFor derives the paths from the database file: ringcard.db gives
// ringcard.tls-key.pem, ringcard.tls-cert.pem and ringcard.acme/.
func PathsFor(db string) Paths {
	base := strings.TrimSuffix(db, filepath.Ext(db))
	return Paths{Key: base + ".tls-key.pem", Cert: base + ".tls-cert.pem", ACMECache: base + ".acme"}
}
