package config_test

import (
	"strings"
	"testing"

	"github.com/ringcard/ringcard/server/config"
)

// Retention settings: read from the environment like any key, 0 keeps for
// ever, and too short a sign-in retention (shorter than the day the
// sign-in delays count) is refused with the key named.
func TestRetentionConfig(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string // part of the error; "" for valid
	}{
		{map[string]string{}, ""},
		{map[string]string{"RINGCARD_AUDIT_RETENTION": "0s", "RINGCARD_SIGNIN_RETENTION": "0s"}, ""},
		{map[string]string{"RINGCARD_AUDIT_RETENTION": "17520h", "RINGCARD_SIGNIN_RETENTION": "72h"}, ""},
		{map[string]string{"RINGCARD_SIGNIN_RETENTION": "12h"}, "signin_retention"},
		{map[string]string{"RINGCARD_AUDIT_RETENTION": "1h"}, "audit_retention"},
	} {
		c, err := config.Load("", false, func(k string) string { return tc.env[k] })
		if err == nil {
			err = c.Validate()
		}
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.env, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: %v, want an error naming %s", tc.env, err, tc.want)
		}
	}
	if c := config.Default(); c.AuditKeep.String() != "8760h0m0s" || c.SigninKeep.String() != "720h0m0s" {
		t.Errorf("defaults: audit %s, sign-ins %s; want a year and 30 days", c.AuditKeep, c.SigninKeep)
	}
}
