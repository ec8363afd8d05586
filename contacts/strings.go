package contacts

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// JoinNonEmpty joins the parts that are not blank, trimmed, with sep.
func JoinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// TimeText is a time as the protocol writes it (UTC, RFC 3339 with the
// fraction of a second), "" for none: the phones' cards and the office's
// live feed write their times alike.
func TimeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

// Truncate cuts s to at most max runes, ending with "…" when it was cut. A
// max of 0 or less means no limit.
func Truncate(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
		}
		n++
	}
	return s
}
