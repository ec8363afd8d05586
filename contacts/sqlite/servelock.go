//go:build unix

package sqlite

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"syscall"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/internal/fsperm"
)

// LockPath is the file a running server holds locked: "<db>.lock".
func LockPath(dbPath string) string { return dbPath + ".lock" }

// LockServe takes the exclusive advisory lock (flock) a running server
// holds on its database for its whole life, so a second server on the same
// file and a restore under a running server are refused whatever address
// they use. The lock file is created 0600 and left in place; the lock
// ends with unlock or with the process. A lock already held is a conflict
// error that says so.
func LockServe(dbPath string) (unlock func(), err error) {
	p := LockPath(dbPath)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	if err := fsperm.Tighten(slog.Default(), p); err != nil { // made looser by an older ringcard
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, contacts.Errorf(contacts.EConflict, "a ringcard server is running on %s (it holds %s): stop it first", dbPath, p)
		}
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	_ = f.Truncate(0)
	_, _ = fmt.Fprintf(f, "%d\n", os.Getpid()) // for whoever looks at the file
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// ServeLocked reports whether a server holds the lock on dbPath now.
func ServeLocked(dbPath string) bool {
	f, err := os.Open(LockPath(dbPath))
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return errors.Is(err, syscall.EWOULDBLOCK)
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}
