package tlsconf

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"golang.org/x/crypto/acme/autocert"
)

// Transport is how a listener is secured, ready to serve.
type Transport struct {
	Mode string      // the resolved mode: plain, proxy, self-signed, files or acme
	TLS  *tls.Config // nil when the listener is plain (plain, proxy)
	// Pin is the self-signed key's pin for pairing codes; empty otherwise.
	Pin string
	// HSTSMaxAge is what the Strict-Transport-Security header says.
	HSTSMaxAge int

	cert func() (*tls.Certificate, error) // the certificate in use, when known
	acme *autocert.Manager
}

// Options are what Setup needs beyond the tls config.
type Options struct {
	Addr      string // the listen address (auto decides on it)
	DB        string // the database file: TLS files are kept next to it
	PublicURL string // its host goes into the self-signed certificate
	Now       func() time.Time
	Log       *slog.Logger
}

// Setup resolves the mode and loads or makes what it needs: the
// self-signed key and certificate, the certificate files, or the ACME
// manager.
func Setup(c Config, o Options) (*Transport, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	t := &Transport{Mode: c.Resolve(o.Addr), HSTSMaxAge: c.HSTSMaxAge}
	base := &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	switch t.Mode {
	case ModePlain, ModeProxy:
		return t, nil
	case ModeSelfSigned:
		ss, err := NewSelfSigned(PathsFor(o.DB), MachineNames(o.Addr, o.PublicURL), o.Now, o.Log)
		if err != nil {
			return nil, err
		}
		t.Pin, t.cert = ss.Pin(), ss.Certificate
		base.GetCertificate = ss.GetCertificate
	case ModeFiles:
		fc, err := NewFileCert(c.CertFile, c.KeyFile, o.Log)
		if err != nil {
			return nil, err
		}
		t.cert = fc.Certificate
		base.GetCertificate = fc.GetCertificate
	case ModeACME:
		m, err := newACME(c, PathsFor(o.DB).ACMECache)
		if err != nil {
			return nil, err
		}
		t.acme = m
		base = m.TLSConfig()
		base.MinVersion = tls.VersionTLS12
		// HTTP/1.1 as in the other modes (the websocket needs it); keep the
		// acme-tls/1 challenge protocol.
		base.NextProtos = slices.DeleteFunc(base.NextProtos, func(p string) bool { return p == "h2" })
	default:
		return nil, fmt.Errorf("tls.mode %q: unknown", t.Mode)
	}
	t.TLS = base
	return t, nil
}

// Encrypted reports whether this listener serves HTTPS itself.
func (t *Transport) Encrypted() bool { return t.TLS != nil }

// Fingerprint is the SHA-256 fingerprint of the certificate in use, as a
// browser shows it, or "" when it is not known here (plain, proxy, acme
// before its first certificate).
func (t *Transport) Fingerprint() string {
	if t.cert == nil {
		return ""
	}
	c, err := t.cert()
	if err != nil || c == nil || len(c.Certificate) == 0 {
		return ""
	}
	return Fingerprint(c.Certificate[0])
}

// ACME is the ACME manager in acme mode (nil otherwise).
func (t *Transport) ACME() *autocert.Manager { return t.acme }
