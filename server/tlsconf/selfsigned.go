package tlsconf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/big"
	"net"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/ringcard/ringcard/internal/fsperm"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// Validity and renewal of the self-signed certificate. Phones pin the key,
// not the certificate, so a re-issued certificate changes nothing for them.
const (
	certValidity = 397 * 24 * time.Hour // the longest browsers accept for a server certificate
	renewBefore  = 30 * 24 * time.Hour
	recheckEvery = time.Hour // how often the names and the expiry are looked at again
)

// SelfSigned is ringcard's own key and certificate. The ECDSA P-256 key is
// made once and kept (0600, next to the database): its pin is what phones
// trust. The certificate is re-issued with the same key before it expires
// and when the machine's names or addresses change.
type SelfSigned struct {
	paths Paths
	names func() []string // the host names and addresses phones may use
	now   func() time.Time
	log   *slog.Logger

	key *ecdsa.PrivateKey
	pin string

	mu      sync.Mutex
	cert    *tls.Certificate
	checkAt time.Time
}

// NewSelfSigned loads the key and certificate at paths, making or
// re-issuing what is missing, expiring or no longer names every entry of
// names(). now and log may be nil.
func NewSelfSigned(paths Paths, names func() []string, now func() time.Time, log *slog.Logger) (*SelfSigned, error) {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	key, err := LoadOrCreateKey(paths.Key)
	if err != nil {
		return nil, err
	}
	pin, err := pinOf(key)
	if err != nil {
		return nil, err
	}
	s := &SelfSigned{paths: paths, names: names, now: now, log: log, key: key, pin: pin}
	if _, err := s.current(); err != nil {
		return nil, err
	}
	return s, nil
}

// Pin is the key's pin, the same for every certificate this key signs.
func (s *SelfSigned) Pin() string { return s.pin }

// Certificate is the certificate in use (tests and the fingerprint shown).
func (s *SelfSigned) Certificate() (*tls.Certificate, error) { return s.current() }

// GetCertificate is tls.Config's callback.
func (s *SelfSigned) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return s.current()
}

// current is the certificate to present; at most once per recheckEvery it
// looks at the expiry and the names and re-issues when needed. A failure to
// re-issue keeps the old certificate (it is logged).
func (s *SelfSigned) current() (*tls.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.cert != nil && now.Before(s.checkAt) {
		return s.cert, nil
	}
	names := s.names()
	if s.cert == nil {
		if c, err := s.loadCert(); err == nil {
			s.cert = c
		} else if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("tls: the kept certificate cannot be used; making a new one with the same key", "file", s.paths.Cert, "err", err)
		}
	}
	if why := s.reissueReason(now, names); why != "" {
		c, err := s.issue(now, names)
		if err != nil {
			if s.cert == nil {
				return nil, err
			}
			s.log.Error("tls: re-issuing the certificate failed; the old one stays", "err", err)
		} else {
			if s.cert != nil {
				s.log.Info("tls: certificate re-issued with the same key (the pin is unchanged)", "why", why, "pin", s.pin)
			}
			s.cert = c
		}
	}
	s.checkAt = now.Add(recheckEvery)
	return s.cert, nil
}

// reissueReason says why the certificate must be re-issued, or "".
func (s *SelfSigned) reissueReason(now time.Time, names []string) string {
	if s.cert == nil {
		return "no certificate yet"
	}
	leaf := s.cert.Leaf
	if now.Add(renewBefore).After(leaf.NotAfter) {
		return "expires " + leaf.NotAfter.Format(time.DateOnly)
	}
	have := certNames(leaf)
	for _, n := range names {
		if !slices.Contains(have, n) {
			return "new name " + n
		}
	}
	return ""
}

func certNames(c *x509.Certificate) []string {
	out := slices.Clone(c.DNSNames)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	return out
}

// loadCert reads the kept certificate and checks it belongs to the key.
func (s *SelfSigned) loadCert() (*tls.Certificate, error) {
	b, err := os.ReadFile(s.paths.Cert)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s: no PEM certificate", s.paths.Cert)
	}
	leaf, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.paths.Cert, err)
	}
	if !s.key.PublicKey.Equal(leaf.PublicKey) {
		return nil, fmt.Errorf("%s: made for another key", s.paths.Cert)
	}
	return &tls.Certificate{Certificate: [][]byte{blk.Bytes}, PrivateKey: s.key, Leaf: leaf}, nil
}

// issue signs a new certificate for names with the kept key and saves it.
func (s *SelfSigned) issue(now time.Time, names []string) (*tls.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("tls certificate serial: %w", err)
	}
	host, _ := os.Hostname()
	tpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "ringcard " + host, Organization: []string{"ringcard (self-signed)"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tpl.IPAddresses = append(tpl.IPAddresses, ip)
		} else {
			tpl.DNSNames = append(tpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &s.key.PublicKey, s.key)
	if err != nil {
		return nil, fmt.Errorf("make tls certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("make tls certificate: %w", err)
	}
	if err := fsperm.WriteFile(s.paths.Cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), fsperm.File); err != nil {
		return nil, err
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: s.key, Leaf: leaf}, nil
}

// LoadOrCreateKey reads the ECDSA P-256 key at path, or makes one and
// writes it 0600 (never over an existing file: two processes racing to
// create it end up with the same key).
func LoadOrCreateKey(path string) (*ecdsa.PrivateKey, error) {
	if k, err := readKey(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("make tls key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("make tls key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fsperm.File)
	if errors.Is(err, fs.ErrExist) {
		return readKey(path) // made by another process meanwhile
	}
	if err != nil {
		return nil, fmt.Errorf("save tls key: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("save tls key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("save tls key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("save tls key: %w", err)
	}
	return k, nil
}

func readKey(path string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tls key: %w", err)
	}
	tightenMode(path)
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("read tls key %s: no PEM block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("read tls key %s: %w", path, err)
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("read tls key %s: not an ECDSA key", path)
	}
	return ek, nil
}

// tightenMode makes a key file readable by its owner only, as ringcard
// writes it; an installer's copy made with a looser mode is fixed (and
// logged). A failure is logged: the key is still usable.
func tightenMode(path string) {
	if err := fsperm.Tighten(slog.Default(), path); err != nil {
		slog.Warn("tls: key file", "err", err)
	}
}

// Fingerprint is the SHA-256 of a certificate's DER as browsers show it:
// upper-case hex pairs joined by colons.
func Fingerprint(der []byte) string {
	sum := sha256Sum(der)
	const hexd = "0123456789ABCDEF"
	out := make([]byte, 0, len(sum)*3)
	for i, b := range sum {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, hexd[b>>4], hexd[b&15])
	}
	return string(out)
}

// KeyPin is the pin of the self-signed key at path, made now if missing.
func KeyPin(path string) (string, error) {
	k, err := LoadOrCreateKey(path)
	if err != nil {
		return "", err
	}
	return pinOf(k)
}

func pinOf(k *ecdsa.PrivateKey) (string, error) {
	spki, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return "", fmt.Errorf("tls key: %w", err)
	}
	return protocol.SPKIPin(spki), nil
}
