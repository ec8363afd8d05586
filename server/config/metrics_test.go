package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/server/config"
)

// metricsToken is a token long enough to be accepted.
const metricsToken = "0123456789abcdef0123456789abcdef"

// TestMetricsTokenConfig: the token can come from a file
// (RINGCARD_METRICS_TOKEN_FILE), is masked by `ringcard config`, and a
// short one is refused.
func TestMetricsTokenConfig(t *testing.T) {
	f := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(f, []byte(metricsToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"RINGCARD_METRICS_TOKEN_FILE": f}
	cfg, err := config.Load("", false, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil || cfg.Metrics.Token != metricsToken {
		t.Fatalf("token from file = %q (%v)", cfg.Metrics.Token, err)
	}
	if got := cfg.Effective().Metrics.Token; strings.Contains(got, metricsToken[:8]) {
		t.Errorf("ringcard config shows the token: %q", got)
	}
	cfg.Metrics.Token = "short"
	if err := cfg.Validate(); err == nil {
		t.Error("a 5-character metrics token was accepted")
	}
}
