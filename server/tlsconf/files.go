package tlsconf

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// FileCert serves the certificate in the installer's files and reloads it
// when either file changes (a renewal by certbot or another tool), without
// a restart. A change that cannot be loaded (a half-written pair) keeps the
// previous certificate and is tried again at the next handshake.
type FileCert struct {
	certFile, keyFile string
	log               *slog.Logger

	mu     sync.Mutex
	cert   *tls.Certificate
	stamp  [2]fileStamp
	failed [2]fileStamp // the stamps that last failed to load (logged once)
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// NewFileCert loads the pair; it fails when they cannot be used.
func NewFileCert(certFile, keyFile string, log *slog.Logger) (*FileCert, error) {
	if log == nil {
		log = slog.Default()
	}
	f := &FileCert{certFile: certFile, keyFile: keyFile, log: log}
	st, err := f.stamps()
	if err != nil {
		return nil, err
	}
	if err := f.load(st); err != nil {
		return nil, err
	}
	return f, nil
}

// GetCertificate is tls.Config's callback: two stat calls per handshake,
// and a reload when the files' time or size changed.
func (f *FileCert) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := f.stamps()
	if err == nil && st != f.stamp && st != f.failed {
		if err := f.load(st); err != nil {
			f.failed = st
			f.log.Error("tls: the changed certificate files cannot be loaded; the previous certificate stays", "err", err)
		} else {
			f.log.Info("tls: certificate files reloaded", "cert_file", f.certFile, "not_after", f.cert.Leaf.NotAfter)
		}
	}
	return f.cert, nil
}

// Certificate is the certificate in use.
func (f *FileCert) Certificate() (*tls.Certificate, error) { return f.GetCertificate(nil) }

func (f *FileCert) stamps() ([2]fileStamp, error) {
	var out [2]fileStamp
	for i, p := range []string{f.certFile, f.keyFile} {
		fi, err := os.Stat(p)
		if err != nil {
			return out, fmt.Errorf("tls files: %w", err)
		}
		out[i] = fileStamp{mod: fi.ModTime(), size: fi.Size()}
	}
	return out, nil
}

func (f *FileCert) load(st [2]fileStamp) error {
	tightenMode(f.keyFile)
	c, err := tls.LoadX509KeyPair(f.certFile, f.keyFile)
	if err != nil {
		return fmt.Errorf("tls files %s, %s: %w", f.certFile, f.keyFile, err)
	}
	f.cert, f.stamp = &c, st
	return nil
}
