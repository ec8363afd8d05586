package config_test

import (
	"strings"
	"testing"

	"github.com/ringcard/ringcard/server/config"
	contactsync "github.com/ringcard/ringcard/sync"
)

// google.requests_per_minute defaults under Google's quota, is read from
// the environment, and must be a sane number.
func TestGoogleRequestsPerMinute(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	cfg, err := config.Load("", false, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Google.RequestsPerMinute != contactsync.DefaultRequestsPerMinute || cfg.Google.RequestsPerMinute >= 90 {
		t.Errorf("default = %d, want %d (under Google's 90)", cfg.Google.RequestsPerMinute, contactsync.DefaultRequestsPerMinute)
	}
	cfg, err = config.Load("", false, env(map[string]string{"RINGCARD_GOOGLE_REQUESTS_PER_MINUTE": "300"}))
	if err != nil || cfg.Validate() != nil || cfg.Google.RequestsPerMinute != 300 {
		t.Errorf("from the environment: %d (%v)", cfg.Google.RequestsPerMinute, err)
	}
	cfg, err = config.Load("", false, env(map[string]string{"RINGCARD_GOOGLE_REQUESTS_PER_MINUTE": "-5"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "google.requests_per_minute") {
		t.Errorf("-5 accepted: %v", err)
	}
}
