package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
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

// TestServiceInstallPrintWithoutRoot runs `service install --print` as
// nobody: it needs no privilege. (Run as root here, it drops to nobody
// with setpriv; it skips when it cannot.)
func TestServiceInstallPrintWithoutRoot(t *testing.T) {
	setpriv, err := exec.LookPath("setpriv")
	if os.Geteuid() != 0 || err != nil {
		t.Skip("needs root and setpriv to run as nobody")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "ringcard")
	b, err := os.ReadFile(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "service", "install", "--print")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != deploy.ShippedUnit {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	cmd = exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "service", "install", "--unit", filepath.Join(dir, "x.service"))
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "needs root") {
		t.Errorf("install without --print as nobody: %v\n%s, want a refusal that says it needs root", err, out)
	}
}
