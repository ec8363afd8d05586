package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/internal/fsperm"
	"github.com/ringcard/ringcard/server/config"
)

const backupLayout = "20060102-150405"

// BackupName is the file name of a backup taken at t.
func BackupName(t time.Time) string { return "ringcard-" + t.Format(backupLayout) + ".db" }

// RunBackup takes a verified online backup of db into the configured
// directory and applies the retention policy. The daily scheduler and
// `ringcard backup` both use it.
func RunBackup(ctx context.Context, db *sqlite.DB, cfg config.Config, now time.Time) (sqlite.BackupInfo, []string, error) {
	dir := cfg.Backup.DirFor(db.Path())
	info, err := db.Backup(ctx, filepath.Join(dir, BackupName(now)))
	if err != nil {
		return info, nil, err
	}
	daily, weekly := cfg.Backup.Retention()
	removed, err := PruneBackups(dir, daily, weekly)
	return info, removed, err
}

// PruneBackups keeps the newest backup of each of the last `daily` days
// and of each of the last `weekly` ISO weeks that have backups, and deletes
// the other ringcard-*.db files in dir. It returns what it deleted.
func PruneBackups(dir string, daily, weekly int) ([]string, error) {
	all, err := listBackups(dir)
	if err != nil {
		return nil, fmt.Errorf("prune backups: %w", err)
	}
	keep := map[string]bool{}
	days, weeks := map[string]bool{}, map[string]bool{}
	for _, b := range all {
		day := b.at.Format("2006-01-02")
		y, w := b.at.ISOWeek()
		week := fmt.Sprintf("%d-%02d", y, w)
		if !days[day] && len(days) < daily {
			keep[b.name] = true
		}
		if !weeks[week] && len(weeks) < weekly {
			keep[b.name] = true
		}
		days[day], weeks[week] = true, true
	}
	var removed []string
	for _, b := range all {
		if keep[b.name] {
			continue
		}
		p := filepath.Join(dir, b.name)
		if err := os.Remove(p); err != nil {
			return removed, fmt.Errorf("prune backups: %w", err)
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// backupFile is a backup in the backup directory and when it was taken
// (from its name).
type backupFile struct {
	name string
	at   time.Time
}

// listBackups lists the ringcard-<time>.db files in dir, newest first.
func listBackups(dir string) ([]backupFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var all []backupFile
	for _, e := range entries {
		stamp, ok := strings.CutPrefix(e.Name(), "ringcard-")
		stamp, ok2 := strings.CutSuffix(stamp, ".db")
		if !ok || !ok2 || e.IsDir() {
			continue
		}
		t, err := time.ParseInLocation(backupLayout, stamp, time.Local)
		if err != nil {
			continue
		}
		all = append(all, backupFile{e.Name(), t})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].at.After(all[j].at) })
	return all, nil
}

// backupStats counts the backups in the configured directory and says when
// the newest was taken (zero when there is none, or no directory yet).
func (s *Server) backupStats() (n int, newest time.Time, err error) {
	all, err := listBackups(s.cfg.Backup.DirFor(s.db.Path()))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("list backups: %w", err)
	}
	if len(all) > 0 {
		newest = all[0].at
	}
	return len(all), newest, nil
}

// tightenBackups makes the backups directory and the backups in it private
// at start (fsperm.Tighten): an older version or a copy by hand may have
// left them readable by every local user, and the next backup may be hours
// away. Errors are logged; serving goes on.
func (s *Server) tightenBackups(dir string) {
	all, err := listBackups(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		s.log.Error("check the backups' file modes", "dir", dir, "err", err)
		return
	}
	paths := []string{dir}
	for _, b := range all {
		paths = append(paths, filepath.Join(dir, b.name))
	}
	for _, p := range paths {
		if err := fsperm.Tighten(s.log, p); err != nil {
			s.log.Error("make a backup private", "err", err)
		}
	}
}

// NextBackup is the first hour:minute (local time) after now.
func NextBackup(now time.Time, hour, minute int) time.Time {
	next := time.Date(now.Year(), now.Month(), now.Day(), hour, minute, 0, 0, now.Location())
	if !next.After(now) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// StartBackups runs the daily backup in the background until ctx ends
// (unless backups are disabled). A failed backup is logged as an error and
// tried again the next day.
func (s *Server) StartBackups(ctx context.Context) {
	s.tightenBackups(s.cfg.Backup.DirFor(s.db.Path()))
	if s.cfg.Backup.Disabled {
		s.log.Info("daily backups are off (backup.disabled)")
		return
	}
	h, m := s.cfg.Backup.At()
	go func() {
		for {
			next := NextBackup(s.now(), h, m)
			s.log.Info("next backup", "at", next.Format(time.DateTime), "dir", s.cfg.Backup.DirFor(s.db.Path()))
			t := time.NewTimer(time.Until(next))
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			start := time.Now()
			info, removed, err := RunBackup(ctx, s.db, s.cfg, s.now())
			if err != nil {
				s.metrics.BackupRun("error")
				s.log.Error("daily backup failed", "err", err)
				continue
			}
			s.metrics.BackupRun("ok")
			s.log.Info("backup written and verified", "path", info.Path, "bytes", info.Size, "contacts", info.Contacts,
				"took", time.Since(start).Round(time.Millisecond), "pruned", len(removed))
		}
	}()
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
