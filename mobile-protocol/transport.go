package protocol

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// PinPrefix starts every key pin: the hash that follows is SHA-256.
const PinPrefix = "sha256/"

// SPKIPin is the pin of a public key: "sha256/" and the standard base64 of
// the SHA-256 of its DER SubjectPublicKeyInfo (x509.Certificate's
// RawSubjectPublicKeyInfo). It is the key's, not the certificate's, so a
// certificate re-issued with the same key keeps it.
func SPKIPin(rawSPKI []byte) string {
	sum := sha256.Sum256(rawSPKI)
	return PinPrefix + base64.StdEncoding.EncodeToString(sum[:])
}

// CheckPin reports whether pin has the form SPKIPin makes.
func CheckPin(pin string) error {
	b64, ok := strings.CutPrefix(pin, PinPrefix)
	if !ok {
		return fmt.Errorf("pin %q: want sha256/<base64 of 32 bytes>", pin)
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(b) != sha256.Size {
		return fmt.Errorf("pin %q: want sha256/<base64 of 32 bytes>", pin)
	}
	return nil
}

// PairLink is what a pairing QR code holds.
type PairLink struct {
	Server string // the server's base URL, e.g. https://192.168.1.10:8443
	Code   string // the one-time pairing code
	Pin    string // the server key's pin; empty when the server has a certificate a CA signed
}

// String is the QR code's text:
// ringcard://pair?server=<url>&code=<code>[&pin=sha256/<...>].
func (l PairLink) String() string {
	s := "ringcard://pair?server=" + url.QueryEscape(l.Server) + "&code=" + url.QueryEscape(l.Code)
	if l.Pin != "" {
		s += "&pin=" + url.QueryEscape(l.Pin)
	}
	return s
}

// ParsePairLink reads a pairing QR code's text.
func ParsePairLink(s string) (PairLink, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Scheme != "ringcard" || (u.Host != "pair" && u.Opaque != "pair") {
		return PairLink{}, fmt.Errorf("pairing link %q: want ringcard://pair?server=...&code=...", s)
	}
	q := u.Query()
	l := PairLink{Server: q.Get("server"), Code: q.Get("code"), Pin: q.Get("pin")}
	if su, err := url.Parse(l.Server); err != nil || (su.Scheme != "https" && su.Scheme != "http") || su.Host == "" {
		return PairLink{}, fmt.Errorf("pairing link: server %q is not an http(s) URL", l.Server)
	}
	if l.Code == "" {
		return PairLink{}, fmt.Errorf("pairing link: no code")
	}
	if l.Pin != "" {
		if err := CheckPin(l.Pin); err != nil {
			return PairLink{}, fmt.Errorf("pairing link: %w", err)
		}
		if !strings.HasPrefix(l.Server, "https://") {
			return PairLink{}, fmt.Errorf("pairing link: a pin needs an https server, not %q", l.Server)
		}
	}
	return l, nil
}

// CodeHTTPSRequired is the error code of a plain HTTP request that reached
// a server listening with TLS (400): nothing in it was read.
const CodeHTTPSRequired = "https_required"
