package backup_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ringcard/ringcard/server/backup"
)

func TestPruneKeepsDailyAndWeekly(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 3, 1, 3, 0, 0, 0, time.Local) // a Sunday
	for d := 0; d < 40; d++ {
		for _, h := range []int{0, 9} { // the daily one and a manual one later that day
			name := backup.Name(start.AddDate(0, 0, d).Add(time.Duration(h) * time.Hour))
			if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("keep me"), 0o600)
	if _, err := backup.Prune(dir, 7, 4); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var kept []string
	for _, e := range entries {
		kept = append(kept, e.Name())
	}
	// Newest of each of the last 7 days, plus the newest of the 4 newest
	// ISO weeks (the newest two weeks' are among the daily ones already).
	want := map[string]bool{"notes.txt": true}
	last := start.AddDate(0, 0, 39)
	for d := 0; d < 7; d++ {
		want[backup.Name(last.AddDate(0, 0, -d).Add(9*time.Hour))] = true
	}
	for _, day := range []time.Time{time.Date(2026, 3, 29, 12, 0, 0, 0, time.Local), time.Date(2026, 3, 22, 12, 0, 0, 0, time.Local)} {
		want[backup.Name(time.Date(day.Year(), day.Month(), day.Day(), 3, 0, 0, 0, time.Local).Add(9*time.Hour))] = true
	}
	if len(kept) != len(want) {
		t.Fatalf("kept %d files %v, want %d", len(kept), kept, len(want))
	}
	for _, k := range kept {
		if !want[k] {
			t.Errorf("kept %s, which is neither a daily nor a weekly keeper", k)
		}
	}
}

func TestNext(t *testing.T) {
	loc := time.Local
	tests := []struct{ now, want time.Time }{
		{time.Date(2026, 3, 1, 2, 59, 0, 0, loc), time.Date(2026, 3, 1, 3, 0, 0, 0, loc)},
		{time.Date(2026, 3, 1, 3, 0, 0, 0, loc), time.Date(2026, 3, 2, 3, 0, 0, 0, loc)},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, loc), time.Date(2027, 1, 1, 3, 0, 0, 0, loc)},
	}
	for _, tt := range tests {
		if got := backup.Next(tt.now, 3, 0); !got.Equal(tt.want) {
			t.Errorf("Next(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
}
