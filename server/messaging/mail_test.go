package messaging_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/messaging"
)

// mailServer is a real SMTP server on loopback (go-smtp) that keeps what
// it accepts and can refuse a recipient or stall.
type mailServer struct {
	mu       sync.Mutex
	got      [][]byte
	refuse   string        // a recipient answered 550
	stallFor time.Duration // the first session's DATA waits this long
	sessions atomic.Int32
	stalled  atomic.Bool
}

func (b *mailServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	b.sessions.Add(1)
	return &mailSession{b: b}, nil
}

type mailSession struct {
	b    *mailServer
	auth bool
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "office@example.com" || pass != "s3cret pass" {
			return errors.New("bad credentials")
		}
		s.auth = true
		return nil
	}), nil
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error {
	if !s.auth {
		return &smtp.SMTPError{Code: 530, Message: "authentication required"}
	}
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.b.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
	}
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.b.stallFor > 0 && s.b.stalled.CompareAndSwap(false, true) {
		time.Sleep(s.b.stallFor)
	}
	s.b.mu.Lock()
	s.b.got = append(s.b.got, b)
	s.b.mu.Unlock()
	return nil
}

func (b *mailServer) received() [][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([][]byte(nil), b.got...)
}

func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.test"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// startMail runs the server with STARTTLS, or implicit TLS when implicit.
func startMail(t *testing.T, b *mailServer, implicit bool) (port int, pool *x509.CertPool) {
	t.Helper()
	tc, pool := selfSigned(t)
	s := smtp.NewServer(b)
	s.Domain = "mail.test"
	s.TLSConfig = tc
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	var ln net.Listener
	var err error
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", tc)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return ln.Addr().(*net.TCPAddr).Port, pool
}

type fixture struct {
	db  *sqlite.DB
	svc *messaging.Service
	ids []string
}

func newFixture(t *testing.T, security string, port int, pool *x509.CertPool, timeout time.Duration) *fixture {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ringcard.db"), contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	var seed []contacts.SeedContact
	var ids []string
	for _, c := range []struct{ name, email string }{{"Chloé Ibáñez", "chloe@example.com"}, {"Алексей Смирнов", "gone@example.com"}} {
		id := contacts.NewID()
		ids = append(ids, id)
		seed = append(seed, contacts.SeedContact{Contact: contacts.Contact{ID: id, DisplayName: c.name, Company: "Ferramenta Rossi", Emails: []contacts.Email{{Address: c.email}}}})
	}
	if err := db.ImportSeed(ctx, seed); err != nil {
		t.Fatal(err)
	}
	mailer, err := messaging.NewSMTPMailer(messaging.MailSettings{Host: "127.0.0.1", Port: port, Security: security, Username: "office@example.com",
		Password: "s3cret pass", From: "Ufficio Rossi <office@example.com>", Timeout: timeout, TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	svc := messaging.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), messaging.Config{Mailer: mailer, Tick: 20 * time.Millisecond,
		Retries: []time.Duration{50 * time.Millisecond, 50 * time.Millisecond}})
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; db.Close() })
	return &fixture{db: db, svc: svc, ids: ids}
}

func (f *fixture) send(t *testing.T, contactID string) string {
	t.Helper()
	p, err := f.svc.Start(context.Background(), messaging.SendRequest{Channel: messages.Email, ContactIDs: []string{contactID},
		Subject: "Il suo ordine è pronto — {name}", Text: "Buongiorno {name},\nil suo ordine è pronto: 120 €.", HTML: "<p>Buongiorno <b>{name}</b>, il suo ordine è pronto: 120 €.</p>"}, "Anna")
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := f.db.ContactMessages(context.Background(), contactID, 10)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no message stored: %v (%+v)", err, p)
	}
	return msgs[0].ID
}

// waitStatus polls until the message reaches a final status.
func (f *fixture) waitStatus(t *testing.T, id string) *messages.Message {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		m, err := f.db.Message(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status == messages.StatusSent || m.Status == messages.StatusFailed {
			return m
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("message %s never finished", id)
	return nil
}

func TestEmailOverSTARTTLSAndImplicitTLS(t *testing.T) {
	for _, security := range []string{"starttls", "tls"} {
		t.Run(security, func(t *testing.T) {
			b := &mailServer{}
			port, pool := startMail(t, b, security == "tls")
			f := newFixture(t, security, port, pool, 5*time.Second)
			m := f.waitStatus(t, f.send(t, f.ids[0]))
			if m.Status != messages.StatusSent {
				t.Fatalf("status %s (%s)", m.Status, m.Reason)
			}
			got := b.received()
			if len(got) != 1 {
				t.Fatalf("server got %d messages", len(got))
			}
			msg, err := mail.ReadMessage(strings.NewReader(string(got[0])))
			if err != nil {
				t.Fatal(err)
			}
			subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil || subj != "Il suo ordine è pronto — Chloé Ibáñez" {
				t.Errorf("subject %q (%v), raw %q", subj, err, msg.Header.Get("Subject"))
			}
			if ct := msg.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative") {
				t.Errorf("Content-Type %q, want multipart/alternative", ct)
			}
			body, _ := io.ReadAll(msg.Body)
			for _, want := range []string{"text/plain", "text/html", "charset=UTF-8"} {
				if !strings.Contains(string(body), want) {
					t.Errorf("body lacks %q", want)
				}
			}
		})
	}
}

func TestEmailRefusedRecipientFailsAtOnce(t *testing.T) {
	b := &mailServer{refuse: "gone@example.com"}
	port, pool := startMail(t, b, false)
	f := newFixture(t, "starttls", port, pool, 5*time.Second)
	m := f.waitStatus(t, f.send(t, f.ids[1]))
	if m.Status != messages.StatusFailed || !strings.Contains(m.Reason, "550") || m.Attempts != 1 {
		t.Fatalf("status %s after %d attempts, reason %q: want failed at once with the server's 550", m.Status, m.Attempts, m.Reason)
	}
}

func TestEmailServerDownIsRetriedThenFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now
	f := newFixture(t, "starttls", port, nil, 2*time.Second)
	m := f.waitStatus(t, f.send(t, f.ids[0]))
	if m.Status != messages.StatusFailed || m.Attempts != 3 {
		t.Fatalf("status %s after %d attempts (%s): want failed after 3", m.Status, m.Attempts, m.Reason)
	}
	retries := 0
	for _, h := range m.History {
		if strings.HasPrefix(h.Reason, "retry: ") {
			retries++
		}
	}
	if retries != 2 || !strings.Contains(m.Reason, "refused") {
		t.Errorf("%d retries in the history, reason %q", retries, m.Reason)
	}
}

func TestEmailSlowServerIsRetried(t *testing.T) {
	b := &mailServer{stallFor: 3 * time.Second}
	port, pool := startMail(t, b, false)
	f := newFixture(t, "starttls", port, pool, 500*time.Millisecond)
	m := f.waitStatus(t, f.send(t, f.ids[0]))
	if m.Status != messages.StatusSent || m.Attempts < 2 {
		t.Fatalf("status %s after %d attempts (%s): want sent on a retry", m.Status, m.Attempts, m.Reason)
	}
}
