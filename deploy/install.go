package deploy

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"

	"github.com/ringcard/ringcard/internal/fsperm"
)

// Install makes what the unit needs and writes it, as root: the system
// user (and its group) when missing, with no login shell and no home of
// its own; the data directory, 0700 and owned by that user; the unit file
// at unitPath (0644, replaced atomically). It says on out what it did and
// what to run next; it starts nothing itself.
func Install(u Unit, unitPath string, out io.Writer) error {
	text, err := u.Render()
	if err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return errors.New("service install: needs root to make a user, a data directory and a unit (run it with sudo, or add --print to see the unit)")
	}
	uid, gid, created, err := systemUser(u.User, u.DataDir)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(out, "created system user %s (no login shell)\n", u.User)
	}
	if err := fsperm.MkdirAll(nil, u.DataDir); err != nil {
		return fmt.Errorf("service install: %w", err)
	}
	if err := os.Chown(u.DataDir, uid, gid); err != nil {
		return fmt.Errorf("service install: give %s to %s: %w", u.DataDir, u.User, err)
	}
	fmt.Fprintf(out, "data directory %s: owned by %s, mode 0700\n", u.DataDir, u.User)
	if err := fsperm.WriteFile(unitPath, []byte(text), 0o644); err != nil {
		return fmt.Errorf("service install: %w", err)
	}
	fmt.Fprintf(out, "wrote %s\n", unitPath)
	if _, err := os.Stat(u.Binary); err != nil {
		fmt.Fprintf(out, "\nThe unit runs %s, which is not there yet: install -m 0755 ./ringcard %s\n", u.Binary, u.Binary)
	}
	name := filepath.Base(unitPath)
	fmt.Fprintf(out, "\nNext:\n  systemctl daemon-reload\n  systemctl enable --now %s\n  journalctl -u %s -f\n", name, name)
	fmt.Fprintf(out, "  cd %s && sudo -u %s %s users add admin   # the first account, as the service's user\n", filepath.Clean(u.DataDir), u.User, u.Binary)
	return nil
}

// systemUser looks up name, making it a system user (with a group of the
// same name) when it does not exist.
func systemUser(name, home string) (uid, gid int, created bool, err error) {
	usr, err := user.Lookup(name)
	var unknown user.UnknownUserError
	if errors.As(err, &unknown) {
		shell := "/usr/sbin/nologin"
		if _, serr := os.Stat(shell); serr != nil {
			shell = "/bin/false"
		}
		cmd := exec.Command("useradd", "--system", "--user-group", "--home-dir", home, "--no-create-home", "--shell", shell, name)
		if out, rerr := cmd.CombinedOutput(); rerr != nil {
			return 0, 0, false, fmt.Errorf("service install: useradd %s: %w: %s", name, rerr, out)
		}
		created = true
		usr, err = user.Lookup(name)
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("service install: user %s: %w", name, err)
	}
	if usr.Uid == "0" {
		return 0, 0, false, fmt.Errorf("service install: user %s is root", name)
	}
	uid, err = strconv.Atoi(usr.Uid)
	if err != nil {
		return 0, 0, false, fmt.Errorf("service install: user %s: uid %q", name, usr.Uid)
	}
	gid, err = strconv.Atoi(usr.Gid)
	if err != nil {
		return 0, 0, false, fmt.Errorf("service install: user %s: gid %q", name, usr.Gid)
	}
	return uid, gid, created, nil
}
