package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/deploy"
)

// TestShippedUnitIsTheDefault: deploy/ringcard.service is exactly what
// `ringcard service install` writes with the defaults, so the two never
// drift apart.
func TestShippedUnitIsTheDefault(t *testing.T) {
	got, err := deploy.Defaults.Render()
	if err != nil {
		t.Fatal(err)
	}
	if got != deploy.ShippedUnit {
		t.Errorf("deploy/ringcard.service differs from the rendered defaults; write it again from `ringcard service install --print`:\n%s", got)
	}
}

// TestUnitLeastPrivilege: the unit runs as its own user, restarts on
// failure, may write only its data directory, and may bind port 443
// without being root.
func TestUnitLeastPrivilege(t *testing.T) {
	u := deploy.Unit{User: "rc", DataDir: "/srv/ringcard/", Addr: "0.0.0.0:443", Binary: "/opt/ringcard/ringcard"}
	text, err := u.Render()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"User=rc\n", "Group=rc\n", "WorkingDirectory=/srv/ringcard\n", "ReadWritePaths=/srv/ringcard\n",
		"ExecStart=/opt/ringcard/ringcard serve --db /srv/ringcard/ringcard.db --addr 0.0.0.0:443\n",
		"Restart=on-failure\n", "UMask=0077\n", "NoNewPrivileges=yes\n", "ProtectSystem=strict\n", "ProtectHome=yes\n",
		"PrivateTmp=yes\n", "PrivateDevices=yes\n", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n",
		"AmbientCapabilities=CAP_NET_BIND_SERVICE\n", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n",
		"SystemCallFilter=@system-service\n", "WantedBy=multi-user.target\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("unit lacks %q", strings.TrimSpace(want))
		}
	}
	if strings.Contains(text, "StateDirectory=") {
		t.Errorf("StateDirectory= for a directory outside /var/lib:\n%s", text)
	}
	if def, _ := deploy.Defaults.Render(); !strings.Contains(def, "StateDirectory=ringcard\n") {
		t.Errorf("the default unit has no StateDirectory=ringcard")
	}
}

func TestUnitRefusesBadSettings(t *testing.T) {
	for name, u := range map[string]deploy.Unit{
		"root":              {User: "root", DataDir: "/var/lib/ringcard", Addr: ":8080", Binary: "/usr/local/bin/ringcard"},
		"relative data dir": {User: "rc", DataDir: "data", Addr: ":8080", Binary: "/usr/local/bin/ringcard"},
		"data dir /":        {User: "rc", DataDir: "/", Addr: ":8080", Binary: "/usr/local/bin/ringcard"},
		"space in a path":   {User: "rc", DataDir: "/var/lib/ring card", Addr: ":8080", Binary: "/usr/local/bin/ringcard"},
		"newline in addr":   {User: "rc", DataDir: "/var/lib/ringcard", Addr: ":8080\nExecStartPre=/bin/sh", Binary: "/usr/local/bin/ringcard"},
		"no user":           {DataDir: "/var/lib/ringcard", Addr: ":8080", Binary: "/usr/local/bin/ringcard"},
	} {
		if _, err := u.Render(); err == nil {
			t.Errorf("%s: rendered, want an error", name)
		}
	}
}

// TestSystemdVerifies runs `systemd-analyze verify` on the unit (with a
// binary that exists: verify checks ExecStart). It fails on any error or
// warning. Without systemd-analyze it skips on a developer machine, never
// in CI (CI=true), which installs Debian's systemd package.
func TestSystemdVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("systemd-analyze is not installed, and CI must verify the unit (apt-get install systemd)")
		}
		t.Skip("systemd-analyze is not installed (apt-get install systemd)")
	}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []deploy.Unit{
		{User: deploy.Defaults.User, DataDir: deploy.Defaults.DataDir, Addr: deploy.Defaults.Addr, Binary: bin},
		{User: "rc", DataDir: "/srv/ringcard", Addr: "0.0.0.0:443", Binary: bin},
	} {
		text, err := u.Render()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "ringcard.service")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(analyze, "verify", path).CombinedOutput()
		if err != nil || len(strings.TrimSpace(string(out))) > 0 {
			t.Errorf("systemd-analyze verify (data dir %s): %v\n%s", u.DataDir, err, out)
		}
	}
}
