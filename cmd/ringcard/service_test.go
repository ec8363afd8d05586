package main_test

import (
	"strings"
	"testing"

	"github.com/ringcard/ringcard/deploy"
)

// TestServiceInstallPrint: `ringcard service install --print` prints the
// shipped unit and changes nothing; --addr and --data-dir go into it.
func TestServiceInstallPrint(t *testing.T) {
	if got := run(t, "service", "install", "--print"); got != deploy.ShippedUnit {
		t.Errorf("service install --print differs from deploy/ringcard.service:\n%s", got)
	}
	got := run(t, "service", "install", "--print", "--addr", "0.0.0.0:443", "--data-dir", "/srv/ringcard", "--user", "rc")
	for _, want := range []string{"ExecStart=/usr/local/bin/ringcard serve --db /srv/ringcard/ringcard.db --addr 0.0.0.0:443\n",
		"ReadWritePaths=/srv/ringcard\n", "User=rc\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("unit lacks %q:\n%s", strings.TrimSpace(want), got)
		}
	}
}
