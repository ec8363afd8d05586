// Package backup takes ringcard's verified online backups, keeps the daily
// and weekly ones the retention policy asks for, and runs the daily one in
// the background. `ringcard serve`, `ringcard backup`, /healthz and
// /metrics use it.
package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/internal/fsperm"
	"github.com/ringcard/ringcard/server/config"
)

const layout = "20060102-150405"

// Name is the file name of a backup taken at t.
func Name(t time.Time) string { return "ringcard-" + t.Format(layout) + ".db" }

// Run takes a verified online backup of db into the configured directory
// and applies the retention policy. The daily scheduler and
// `ringcard backup` both use it.
func Run(ctx context.Context, db *sqlite.DB, cfg config.Config, now time.Time) (sqlite.BackupInfo, []string, error) {
	dir := cfg.Backup.DirFor(db.Path())
	info, err := db.Backup(ctx, filepath.Join(dir, Name(now)))
	if err != nil {
		return info, nil, err
	}
	daily, weekly := cfg.Backup.Retention()
	removed, err := Prune(dir, daily, weekly)
	return info, removed, err
}

// Prune keeps the newest backup of each of the last `daily` days and of
// each of the last `weekly` ISO weeks that have backups, and deletes the
// other ringcard-*.db files in dir. It returns what it deleted.
func Prune(dir string, daily, weekly int) ([]string, error) {
	all, err := list(dir)
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

// file is a backup in the backup directory and when it was taken (from
// its name).
type file struct {
	name string
	at   time.Time
}

// list lists the ringcard-<time>.db files in dir, newest first.
func list(dir string) ([]file, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var all []file
	for _, e := range entries {
		stamp, ok := strings.CutPrefix(e.Name(), "ringcard-")
		stamp, ok2 := strings.CutSuffix(stamp, ".db")
		if !ok || !ok2 || e.IsDir() {
			continue
		}
		t, err := time.ParseInLocation(layout, stamp, time.Local)
		if err != nil {
			continue
		}
		all = append(all, file{e.Name(), t})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].at.After(all[j].at) })
	return all, nil
}

// Stats counts the backups in dir and says when the newest was taken
// (zero when there is none, or no directory yet): /healthz and /metrics
// show them.
func Stats(dir string) (n int, newest time.Time, err error) {
	all, err := list(dir)
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

// tighten makes the backups directory and the backups in it private at
// start (fsperm.Tighten): an older version or a copy by hand may have left
// them readable by every local user, and the next backup may be hours
// away. Errors are logged; serving goes on.
func tighten(log *slog.Logger, dir string) {
	all, err := list(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		log.Error("check the backups' file modes", "dir", dir, "err", err)
		return
	}
	paths := []string{dir}
	for _, b := range all {
		paths = append(paths, filepath.Join(dir, b.name))
	}
	for _, p := range paths {
		if err := fsperm.Tighten(log, p); err != nil {
			log.Error("make a backup private", "err", err)
		}
	}
}

// Next is the first hour:minute (local time) after now.
func Next(now time.Time, hour, minute int) time.Time {
	next := time.Date(now.Year(), now.Month(), now.Day(), hour, minute, 0, 0, now.Location())
	if !next.After(now) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// Daily is the daily backup of a running server.
type Daily struct {
	DB     *sqlite.DB
	Config config.Config
	Log    *slog.Logger
	Now    func() time.Time
	// Done is told each run's outcome ("ok" or "error", for /metrics).
	Done func(result string)
}

// Start makes the backups private, then runs the daily backup in the
// background until ctx ends (unless backups are disabled). A failed backup
// is logged as an error and tried again the next day.
func (d Daily) Start(ctx context.Context) {
	dir := d.Config.Backup.DirFor(d.DB.Path())
	tighten(d.Log, dir)
	if d.Config.Backup.Disabled {
		d.Log.Info("daily backups are off (backup.disabled)")
		return
	}
	h, m := d.Config.Backup.At()
	go func() {
		for {
			next := Next(d.Now(), h, m)
			d.Log.Info("next backup", "at", next.Format(time.DateTime), "dir", dir)
			t := time.NewTimer(time.Until(next))
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			start := time.Now()
			info, removed, err := Run(ctx, d.DB, d.Config, d.Now())
			if err != nil {
				d.Done("error")
				d.Log.Error("daily backup failed", "err", err)
				continue
			}
			d.Done("ok")
			d.Log.Info("backup written and verified", "path", info.Path, "bytes", info.Size, "contacts", info.Contacts,
				"took", time.Since(start).Round(time.Millisecond), "pruned", len(removed))
		}
	}()
}
