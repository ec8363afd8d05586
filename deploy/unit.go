// Package deploy makes the systemd unit that runs ringcard as a service:
// its own unprivileged user, a data directory only that user can open,
// restart on failure and systemd's sandboxing. `ringcard service install`
// writes it; ringcard.service here is the same unit with the defaults, for
// installers who prefer to copy a file.
package deploy

import (
	"bytes"
	_ "embed"
	"fmt"
	"path"
	"strings"
	"text/template"
)

// Unit is what a unit is made from.
type Unit struct {
	User    string // the system user (and group) it runs as
	DataDir string // its working directory: the database, backups, keys, ringcard.json
	Addr    string // where it listens
	Binary  string // the ringcard executable
}

// Defaults are the unit's defaults: user ringcard, /var/lib/ringcard,
// every address on port 8080, /usr/local/bin/ringcard.
var Defaults = Unit{User: "ringcard", DataDir: "/var/lib/ringcard", Addr: "0.0.0.0:8080", Binary: "/usr/local/bin/ringcard"}

// ShippedUnit is deploy/ringcard.service: the unit with the defaults.
//
//go:embed ringcard.service
var ShippedUnit string

var unitTemplate = template.Must(template.New("unit").Parse(`# ringcard: caller-ID client cards for the office's phones.
# Written by ` + "`ringcard service install`" + `; see "Running as a service" in the README.
[Unit]
Description=ringcard caller-ID client-card server
Documentation=https://github.com/ringcard/ringcard#running-as-a-service
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User={{.User}}
Group={{.User}}
ExecStart={{.Binary}} serve --db {{.DataDir}}/ringcard.db --addr {{.Addr}}
# ringcard.json here, if present, is read as the configuration.
WorkingDirectory={{.DataDir}}
{{- with .StateDirectory}}
StateDirectory={{.}}
StateDirectoryMode=0700
{{- end}}
Restart=on-failure
RestartSec=5s
TimeoutStopSec=30s
# Files it makes are its own only (the process also sets this umask).
UMask=0077

# Least privilege: it may write only its data directory.
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths={{.DataDir}}
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
RemoveIPC=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged
SystemCallErrorNumber=EPERM
# Only what binding a port below 1024 (443) needs, as the unprivileged user.
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
AmbientCapabilities=CAP_NET_BIND_SERVICE

[Install]
WantedBy=multi-user.target
`))

// Validate rejects a unit that would not work or would be unsafe to write.
func (u Unit) Validate() error {
	for name, v := range map[string]string{"user": u.User, "data dir": u.DataDir, "addr": u.Addr, "binary": u.Binary} {
		if v == "" {
			return fmt.Errorf("service unit: %s is required", name)
		}
		if strings.ContainsAny(v, " \t\n\"'\\%$;") {
			return fmt.Errorf("service unit: %s %q: no spaces, quotes or special characters", name, v)
		}
	}
	if u.User == "root" {
		return fmt.Errorf("service unit: user root: ringcard runs as its own unprivileged user")
	}
	if !path.IsAbs(u.DataDir) || !path.IsAbs(u.Binary) {
		return fmt.Errorf("service unit: data dir and binary must be absolute paths")
	}
	if path.Clean(u.DataDir) == "/" {
		return fmt.Errorf("service unit: data dir / is not a data directory")
	}
	return nil
}

// StateDirectory is the DataDir under /var/lib as systemd's
// StateDirectory= takes it (systemd then makes it, owned by the user), or
// "" for a directory elsewhere (the installer makes that one).
func (u Unit) StateDirectory() string {
	rel, ok := strings.CutPrefix(path.Clean(u.DataDir), "/var/lib/")
	if !ok {
		return ""
	}
	return rel
}

// Render is the unit file's text.
func (u Unit) Render() (string, error) {
	if err := u.Validate(); err != nil {
		return "", err
	}
	u.DataDir = path.Clean(u.DataDir)
	var b bytes.Buffer
	if err := unitTemplate.Execute(&b, u); err != nil {
		return "", fmt.Errorf("service unit: %w", err)
	}
	return b.String(), nil
}
