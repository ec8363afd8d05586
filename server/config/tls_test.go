package config_test

import (
	"strings"
	"testing"

	"github.com/ringcard/ringcard/server/config"
)

// Configurations that cannot work are refused with a clear message.
func TestTLSConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(*config.Config)
		want string // part of the error; "" for valid
	}{
		{"default", func(*config.Config) {}, ""},
		{"lan auto", func(c *config.Config) { c.Addr = "0.0.0.0:8443" }, ""},
		{"unknown mode", func(c *config.Config) { c.TLS.Mode = "on" }, "tls.mode"},
		{"files without key", func(c *config.Config) { c.TLS.Mode, c.TLS.CertFile = "files", "c.pem" }, "tls.key_file"},
		{"files given in auto", func(c *config.Config) { c.TLS.CertFile, c.TLS.KeyFile = "c.pem", "k.pem" }, `need tls.mode "files"`},
		{"acme without domain", func(c *config.Config) { c.TLS.Mode = "acme" }, "tls.acme_domains"},
		{"acme with address", func(c *config.Config) { c.TLS.Mode, c.TLS.ACMEDomains = "acme", []string{"192.168.1.10"} }, "not a public DNS name"},
		{"acme plain directory", func(c *config.Config) {
			c.TLS.Mode, c.TLS.ACMEDomains, c.TLS.ACMEDirectory = "acme", []string{"crm.example.com"}, "http://ca.example/dir"
		}, "https URL"},
		{"acme ok", func(c *config.Config) { c.TLS.Mode, c.TLS.ACMEDomains = "acme", []string{"crm.example.com"} }, ""},
		{"proxy without public_url", func(c *config.Config) { c.TLS.Mode, c.TrustedProxies = "proxy", []string{"127.0.0.1"} }, "public_url"},
		{"proxy without trusted_proxies", func(c *config.Config) { c.TLS.Mode, c.PublicURL = "proxy", "https://crm.example.com" }, "trusted_proxies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := config.Default()
			tc.set(&c)
			err := c.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate = %v, want an error about %q", err, tc.want)
			}
		})
	}
	c := config.Default()
	c.Addr = "0.0.0.0:8443"
	if got := c.BaseURL(); !strings.HasPrefix(got, "https://") || !strings.HasSuffix(got, ":8443") {
		t.Errorf("BaseURL on 0.0.0.0 = %s, want https://<lan address>:8443", got)
	}
}
