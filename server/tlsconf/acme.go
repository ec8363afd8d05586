package tlsconf

import (
	"fmt"
	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"

	"github.com/ringcard/ringcard/internal/fsperm"
)

// newACME wires autocert for the configured public names: certificates are
// asked for at the first handshake naming one of them (TLS-ALPN-01, so the
// CA must reach this listener on port 443 under that name), kept in
// cacheDir (0700) and renewed by autocert before they expire. Any other
// name is refused by the host policy before the CA is asked.
func newACME(c Config, cacheDir string) (*autocert.Manager, error) {
	if err := fsperm.MkdirAll(nil, cacheDir); err != nil {
		return nil, fmt.Errorf("acme cache: %w", err)
	}
	m := &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(cacheDir),
		HostPolicy: autocert.HostWhitelist(c.ACMEDomains...),
		Email:      c.ACMEEmail,
	}
	if c.ACMEDirectory != "" {
		m.Client = &acme.Client{DirectoryURL: c.ACMEDirectory}
	}
	return m, nil
}
