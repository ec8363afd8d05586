package config

import (
	"fmt"
	"strings"

	"github.com/ringcard/ringcard/server/tlsconf"
)

// validateTLS checks the tls section and how it fits the rest: behind a
// proxy, phones must be told the proxy's https URL.
func (c *Config) validateTLS() error {
	if err := c.TLS.Validate(); err != nil {
		return err
	}
	if c.TLS.Mode == tlsconf.ModeProxy {
		if !strings.HasPrefix(c.PublicURL, "https://") {
			return fmt.Errorf("tls.mode \"proxy\" needs public_url: the https URL of the proxy in front (now %q)", c.PublicURL)
		}
		if len(c.TrustedProxies) == 0 {
			return fmt.Errorf("tls.mode \"proxy\" needs trusted_proxies: the proxy's address, whose X-Forwarded-Proto and X-Forwarded-For are believed")
		}
	}
	return nil
}
