package contactsync

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// leaseTTL bounds how long a lease taken by a process on another host is
// honoured; on this host a lease dies with its process.
const leaseTTL = 10 * time.Minute

const keyLease = "lease"

// lease says which process writes to Google: Google asks that one user's
// mutations be sequential, and two writers could both replay one entry.
type lease struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Until time.Time `json:"until"`
}

// acquire takes the sync lease or returns ErrBusy.
func (e *Engine) acquire(ctx context.Context) (release func(), err error) {
	host, _ := os.Hostname()
	me := lease{PID: os.Getpid(), Host: host, Until: e.o.Now().Add(leaseTTL)}
	err = e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error {
		var cur lease
		ok, err := tx.State(keyLease, &cur)
		if err != nil {
			return err
		}
		if ok && cur.PID != me.PID && cur.Until.After(e.o.Now()) && (cur.Host != host || processAlive(cur.PID)) {
			return fmt.Errorf("%w (pid %d on %s)", ErrBusy, cur.PID, cur.Host)
		}
		return tx.SetState(keyLease, me)
	})
	if err != nil {
		return nil, err
	}
	return func() {
		_ = e.db.SyncTx(context.WithoutCancel(ctx), func(tx *sqlite.SyncTx) error {
			var cur lease
			if ok, err := tx.State(keyLease, &cur); err != nil || !ok || cur.PID != me.PID {
				return err
			}
			return tx.SetState(keyLease, nil)
		})
	}, nil
}

// processAlive reports whether a process of this host is running.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || err == syscall.EPERM
}
