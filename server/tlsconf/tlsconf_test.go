package tlsconf_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/tlsconf"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestResolve(t *testing.T) {
	for _, tc := range []struct{ mode, addr, want string }{
		{"", "127.0.0.1:8080", tlsconf.ModePlain},
		{"auto", "localhost:8080", tlsconf.ModePlain},
		{"auto", "[::1]:8080", tlsconf.ModePlain},
		{"auto", "127.0.0.2:8080", tlsconf.ModePlain},
		{"auto", "0.0.0.0:8443", tlsconf.ModeSelfSigned},
		{"auto", ":8443", tlsconf.ModeSelfSigned},
		{"auto", "[::]:8443", tlsconf.ModeSelfSigned},
		{"auto", "192.168.1.10:8443", tlsconf.ModeSelfSigned},
		{"self-signed", "127.0.0.1:8443", tlsconf.ModeSelfSigned},
		{"proxy", "127.0.0.1:8080", tlsconf.ModeProxy},
		{"files", "0.0.0.0:443", tlsconf.ModeFiles},
	} {
		if got := (tlsconf.Config{Mode: tc.mode}).Resolve(tc.addr); got != tc.want {
			t.Errorf("Resolve(%q, %q) = %s, want %s", tc.mode, tc.addr, got, tc.want)
		}
	}
}

// The key is made once (0600) and kept: a restart, a renewal before expiry
// and a new address all keep the pin; the certificate (and its
// fingerprint) changes and names every address.
func TestSelfSignedKeepsTheKey(t *testing.T) {
	dir := t.TempDir()
	paths := tlsconf.PathsFor(filepath.Join(dir, "ringcard.db"))
	names := []string{"127.0.0.1", "192.168.1.10", "office-pc", "localhost"}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ss, err := tlsconf.NewSelfSigned(paths, func() []string { return names }, clock, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{paths.Key, paths.Cert} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %o, want 600", f, fi.Mode().Perm())
		}
	}
	c1, _ := ss.Certificate()
	if got := protocol.SPKIPin(c1.Leaf.RawSubjectPublicKeyInfo); got != ss.Pin() {
		t.Fatalf("pin %s is not the certificate key's %s", ss.Pin(), got)
	}
	if _, ok := c1.Leaf.PublicKey.(*ecdsa.PublicKey); !ok || c1.Leaf.PublicKey.(*ecdsa.PublicKey).Curve != elliptic.P256() {
		t.Errorf("key is not ECDSA P-256: %T", c1.Leaf.PublicKey)
	}
	for _, n := range names {
		if err := c1.Leaf.VerifyHostname(n); err != nil {
			t.Errorf("certificate does not name %s: %v", n, err)
		}
	}

	// A restart reads the same key and certificate.
	again, err := tlsconf.NewSelfSigned(paths, func() []string { return names }, clock, quiet)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := again.Certificate()
	if again.Pin() != ss.Pin() || tlsconf.Fingerprint(c2.Certificate[0]) != tlsconf.Fingerprint(c1.Certificate[0]) {
		t.Fatal("a restart changed the key or the certificate")
	}

	// A new address: re-issued at the next check, same key.
	names = append(names, "10.0.0.7")
	now = now.Add(2 * time.Hour)
	c3, _ := again.GetCertificate(nil)
	if err := c3.Leaf.VerifyHostname("10.0.0.7"); err != nil {
		t.Fatalf("new address not in the certificate: %v", err)
	}
	if protocol.SPKIPin(c3.Leaf.RawSubjectPublicKeyInfo) != ss.Pin() {
		t.Fatal("re-issuing for a new address changed the key")
	}

	// Close to expiry: re-issued, same key, kept on disk.
	now = c3.Leaf.NotAfter.Add(-24 * time.Hour)
	c4, _ := again.GetCertificate(nil)
	if !c4.Leaf.NotAfter.After(now.Add(300 * 24 * time.Hour)) {
		t.Fatalf("not renewed near expiry: NotAfter %s", c4.Leaf.NotAfter)
	}
	if protocol.SPKIPin(c4.Leaf.RawSubjectPublicKeyInfo) != ss.Pin() {
		t.Fatal("renewal changed the key: phones would have to pair again")
	}
	if tlsconf.Fingerprint(c4.Certificate[0]) == tlsconf.Fingerprint(c3.Certificate[0]) {
		t.Fatal("renewal kept the old certificate")
	}
	b, _ := os.ReadFile(paths.Cert)
	blk, _ := pem.Decode(b)
	if blk == nil || tlsconf.Fingerprint(blk.Bytes) != tlsconf.Fingerprint(c4.Certificate[0]) {
		t.Fatal("the renewed certificate was not saved")
	}
	// The CLI's view of the pin (devices pair in another process) agrees.
	if pin, err := tlsconf.KeyPin(paths.Key); err != nil || pin != ss.Pin() {
		t.Fatalf("KeyPin = %s, %v; want %s", pin, err, ss.Pin())
	}
}

func TestFingerprintFormat(t *testing.T) {
	fp := tlsconf.Fingerprint([]byte("x"))
	if len(fp) != 32*3-1 || strings.ToUpper(fp) != fp || strings.Count(fp, ":") != 31 {
		t.Fatalf("fingerprint %s: want 32 upper-case hex pairs joined by colons", fp)
	}
}

// writePair writes a fresh self-signed certificate and key for name.
func writePair(t *testing.T, certFile, keyFile, name string) string {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalPKCS8PrivateKey(k)
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return tlsconf.Fingerprint(der)
}

// serveTLS serves TLS with cfg on a loopback port; handshake reports the
// fingerprint of the certificate a client sees.
func serveTLS(t *testing.T, cfg *tls.Config) (handshake func() string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				tc := tls.Server(c, cfg)
				_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
				_ = tc.Handshake()
				_, _ = io.Copy(io.Discard, tc)
			}()
		}
	}()
	return func() string {
		c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatalf("handshake: %v", err)
		}
		defer c.Close()
		return tlsconf.Fingerprint(c.ConnectionState().PeerCertificates[0].Raw)
	}
}

// Certificate files are reloaded at the next handshake after they change,
// without a restart; a broken change keeps the previous certificate.
func TestFilesReloadWithoutRestart(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first := writePair(t, cert, key, "crm.example.com")
	tr, err := tlsconf.Setup(tlsconf.Config{Mode: "files", CertFile: cert, KeyFile: key}, tlsconf.Options{Addr: "0.0.0.0:443", DB: filepath.Join(dir, "r.db"), Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Pin != "" {
		t.Errorf("files mode has a pin %s: a CA-signed certificate may change keys", tr.Pin)
	}
	handshake := serveTLS(t, tr.TLS)
	if got := handshake(); got != first {
		t.Fatalf("served %s, want the file's %s", got, first)
	}
	second := writePair(t, cert, key, "crm.example.com")
	if got := handshake(); got != second {
		t.Fatalf("after the files changed: served %s, want the new %s", got, second)
	}
	if tr.Fingerprint() != second {
		t.Errorf("Fingerprint() = %s, want %s", tr.Fingerprint(), second)
	}
	if err := os.WriteFile(cert, []byte("half a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := handshake(); got != second {
		t.Fatalf("after a broken change: served %s, want the previous %s", got, second)
	}
	third := writePair(t, cert, key, "crm.example.com")
	if got := handshake(); got != third {
		t.Fatalf("after a good change following a broken one: served %s, want %s", got, third)
	}
}

// ACME can't reach a CA from here: this checks the wiring only. The
// manager exists, asks the configured directory, keeps its cache 0700
// next to the database, offers the acme-tls/1 challenge protocol, and its
// host policy refuses a name that is not configured before any CA is
// asked.
func TestACMEIsWired(t *testing.T) {
	dir := t.TempDir()
	c := tlsconf.Config{Mode: "acme", ACMEDomains: []string{"crm.example.com"}, ACMEDirectory: "https://127.0.0.1:1/directory"}
	tr, err := tlsconf.Setup(c, tlsconf.Options{Addr: "0.0.0.0:443", DB: filepath.Join(dir, "ringcard.db"), Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	m := tr.ACME()
	if m == nil || m.Client == nil || m.Client.DirectoryURL != c.ACMEDirectory {
		t.Fatalf("acme manager not wired to the directory: %+v", m)
	}
	fi, err := os.Stat(filepath.Join(dir, "ringcard.acme"))
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("acme cache dir: %v %v, want 0700", fi, err)
	}
	if !slices.Contains(tr.TLS.NextProtos, "acme-tls/1") {
		t.Errorf("NextProtos %v: the TLS-ALPN-01 challenge is not offered", tr.TLS.NextProtos)
	}
	_, err = tr.TLS.GetCertificate(&tls.ClientHelloInfo{ServerName: "other.example.org"})
	if err == nil || !strings.Contains(err.Error(), "not configured") {
		t.Fatalf("a certificate for another name: err = %v, want the host policy's refusal", err)
	}
	if tr.Pin != "" {
		t.Errorf("acme mode has a pin")
	}
}

// A connection that sends nothing does not hold up the next one: the
// first byte is awaited per connection, not in Accept.
func TestListenerSilentClientDoesNotBlockAccept(t *testing.T) {
	dir := t.TempDir()
	tr, err := tlsconf.Setup(tlsconf.Config{Mode: "self-signed"}, tlsconf.Options{Addr: "127.0.0.1:0", DB: filepath.Join(dir, "r.db"), Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := tlsconf.NewListener(raw, tr.TLS, quiet)
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	silent, err := net.Dial("tcp", raw.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	done := make(chan error, 1)
	go func() {
		c, err := tls.Dial("tcp", raw.Addr().String(), &tls.Config{InsecureSkipVerify: true})
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	select {
	case c := <-accepted:
		defer c.Close()
		if _, ok := c.(*tls.Conn); !ok {
			t.Fatalf("Accept returned %T, want *tls.Conn", c)
		}
		go func() { _ = c.(*tls.Conn).Handshake() }()
	case <-time.After(5 * time.Second):
		t.Fatal("a silent connection held up Accept")
	}
	if err := <-done; err != nil {
		t.Fatalf("handshake: %v", err)
	}
}
