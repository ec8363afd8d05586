package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/server/config"
)

// Working hours read split days and lunch breaks, and a bad text is
// refused with what was wrong.
func TestParseWorkingHours(t *testing.T) {
	wh, err := config.ParseWorkingHours("mon-fri 08:30-13:00,14:00-18:00; sat 09:00-12:00")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, clock string) time.Time { // 2026-12-07 is a Monday
		tm, err := time.ParseInLocation("2006-01-02 15:04", "2026-12-"+day+" "+clock, time.Local)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct {
		day, clock string
		want       bool
	}{
		{"07", "08:29", false}, {"07", "08:30", true}, {"07", "12:59", true}, {"07", "13:30", false},
		{"11", "17:59", true}, {"11", "18:00", false}, {"12", "10:00", true}, {"12", "12:00", false}, {"13", "10:00", false},
	} {
		if got := wh.Contains(at(tc.day, tc.clock)); got != tc.want {
			t.Errorf("Dec %s %s: Contains = %v, want %v", tc.day, tc.clock, got, tc.want)
		}
	}
	for _, bad := range []struct{ text, want string }{
		{"mon-fri", "want days and times"},
		{"mon-fry 09:00-18:00", "not a day range"},
		{"mon 18:00-09:00", "times as 09:00-18:00"},
		{"mon 9-18", "times as 09:00-18:00"},
	} {
		if _, err := config.ParseWorkingHours(bad.text); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: %v, want an error saying %q", bad.text, err, bad.want)
		}
	}
}
