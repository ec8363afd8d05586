package contacts_test

import (
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// TimeText writes every time in UTC, keeps the fraction of a second and
// writes nothing for no time.
func TestTimeText(t *testing.T) {
	rome := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"none", time.Time{}, ""},
		{"utc", time.Date(2026, 11, 24, 22, 4, 11, 0, time.UTC), "2026-11-24T22:04:11Z"},
		{"zone", time.Date(2026, 11, 24, 23, 4, 11, 0, rome), "2026-11-24T22:04:11Z"},
		{"fraction", time.Date(2026, 11, 24, 22, 4, 11, 250_000_000, time.UTC), "2026-11-24T22:04:11.25Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := contacts.TimeText(tt.in); got != tt.want {
				t.Errorf("TimeText(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
