package server

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server/backup"
	"github.com/ringcard/ringcard/server/config"
)

// backupStats counts the backups in the configured directory and says when
// the newest was taken (backup.Stats).
func (s *Server) backupStats() (n int, newest time.Time, err error) {
	return backup.Stats(s.cfg.Backup.DirFor(s.db.Path()))
}

// StartBackups runs the daily backup in the background until ctx ends
// (package backup), counting each run for /metrics.
func (s *Server) StartBackups(ctx context.Context) {
	backup.Daily{DB: s.db, Config: s.cfg, Log: s.log, Now: s.now, Done: s.metrics.BackupRun}.Start(ctx)
}

// LockServe holds the configured database's server lock (sqlite.LockServe)
// for the life of `ringcard serve`: a second server on the same file, and a
// restore under it, are refused whatever address they were given.
func LockServe(cfg config.Config) (unlock func(), err error) {
	unlock, err = sqlite.LockServe(cfg.DB)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return unlock, nil
}

// ServerRunning reports whether a server holds the database's lock or
// something answers on the configured address: restore refuses to replace
// the database under a running server.
func ServerRunning(cfg config.Config) bool {
	if sqlite.ServeLocked(cfg.DB) {
		return true
	}
	c, err := net.DialTimeout("tcp", cfg.Addr, 300*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
