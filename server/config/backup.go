package config

import (
	"fmt"
	"path/filepath"
	"time"
)

// Backup configures the daily online backup.
// Zero values take the defaults: a backup every day at 03:00 into "backups"
// next to the database, keeping 7 daily and 4 weekly copies.
type Backup struct {
	Disabled   bool   `json:"disabled"`    // no daily backup (ringcard backup still works)
	Dir        string `json:"dir"`         // where backups go; default <database dir>/backups
	Time       string `json:"time"`        // HH:MM in the server's local time; default 03:00
	KeepDaily  int    `json:"keep_daily"`  // newest backup of each of the last N days; 0: 7, -1: none
	KeepWeekly int    `json:"keep_weekly"` // newest backup of each of the last N weeks; 0: 4, -1: none
}

// validate rejects bad backup settings.
func (c *Backup) validate() error {
	if c.Time != "" {
		if _, err := time.Parse("15:04", c.Time); err != nil {
			return fmt.Errorf("backup.time %q: want HH:MM, e.g. 03:00", c.Time)
		}
	}
	if c.KeepDaily < -1 || c.KeepWeekly < -1 {
		return fmt.Errorf("backup.keep_daily and backup.keep_weekly: a count, 0 for the default or -1 for none")
	}
	if c.KeepDaily == -1 && c.KeepWeekly == -1 && !c.Disabled {
		return fmt.Errorf("backup: keep_daily and keep_weekly are both -1, so every backup would be deleted; set backup.disabled instead")
	}
	return nil
}

// DirFor is the backup directory for the database at dbPath.
func (c Backup) DirFor(dbPath string) string {
	if c.Dir != "" {
		return c.Dir
	}
	return filepath.Join(filepath.Dir(dbPath), "backups")
}

// At is the daily backup's hour and minute.
func (c Backup) At() (hour, minute int) {
	t, err := time.Parse("15:04", c.Time)
	if c.Time == "" || err != nil {
		return 3, 0
	}
	return t.Hour(), t.Minute()
}

// Retention is how many daily and weekly backups are kept.
func (c Backup) Retention() (daily, weekly int) {
	daily, weekly = c.KeepDaily, c.KeepWeekly
	if daily == 0 {
		daily = 7
	}
	if weekly == 0 {
		weekly = 4
	}
	return max(daily, 0), max(weekly, 0)
}
