package client

import (
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// Option configures a Client.
type Option func(*Client)

// WithPin makes the client trust exactly the server key whose pin
// (protocol.SPKIPin: "sha256/<base64>") it is, as the app does with the
// pin from the pairing QR code: the system's CA list is not consulted, and
// a server presenting any other key is refused during the TLS handshake,
// before a request (a pairing code, a token) is written.
func WithPin(pin string) Option { return func(c *Client) { c.Pin = pin } }

// ErrPinMismatch is the handshake's refusal of a server whose key is not
// the pinned one.
var ErrPinMismatch = errors.New("the server's key does not match the pinned key: refused before sending anything")

// sessionCacheSize is how many TLS sessions a client keeps for resumption:
// one server, a few connections (REST and the websocket) at a time.
const sessionCacheSize = 8

// tlsConfig is the TLS configuration of every connection the client makes
// (REST and websocket). It keeps a session cache so that a reconnecting
// phone resumes its TLS session instead of a full handshake. With a pin
// the chain is not validated, the key is checked in VerifyConnection
// (which also runs on resumed sessions); without one the chain is
// validated against the system's roots as usual.
func (c *Client) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ClientSessionCache: tls.NewLRUClientSessionCache(sessionCacheSize)}
	if c.Pin == "" {
		return cfg, nil
	}
	if err := protocol.CheckPin(c.Pin); err != nil {
		return nil, err
	}
	want := []byte(c.Pin)
	cfg.InsecureSkipVerify = true // the pin below replaces the chain check, as the app's pinning does
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return ErrPinMismatch
		}
		got := protocol.SPKIPin(cs.PeerCertificates[0].RawSubjectPublicKeyInfo)
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			return fmt.Errorf("%w (server key %s, pinned %s)", ErrPinMismatch, got, c.Pin)
		}
		return nil
	}
	return cfg, nil
}

// newHTTP is the client's HTTP client: for https its own transport, which
// shares tlsConfig with the websocket dialer; for plain HTTP (loopback) the
// shared default transport, as before TLS.
func newHTTP(baseURL string, tc *tls.Config) *http.Client {
	if !strings.HasPrefix(baseURL, "https://") {
		return &http.Client{Timeout: 30 * time.Second}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tc
	tr.ForceAttemptHTTP2 = false
	return &http.Client{Timeout: 30 * time.Second, Transport: tr}
}
