package config

import (
	"fmt"
	"strings"
	"time"
)

// WorkingHours are the office's hours, such as "mon-fri 09:00-18:00" or
// "mon-fri 08:30-13:00,14:00-18:00; sat 09:00-12:00", in local time. A phone
// silent during them is flagged.
type WorkingHours struct {
	days [7][]span // by time.Weekday
}

type span struct{ from, to int } // minutes after midnight

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// ParseWorkingHours reads the text form.
func ParseWorkingHours(s string) (WorkingHours, error) {
	var wh WorkingHours
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(strings.ToLower(part))
		if part == "" {
			continue
		}
		dayText, timeText, ok := strings.Cut(part, " ")
		if !ok {
			return wh, fmt.Errorf("working hours %q: want days and times, such as \"mon-fri 09:00-18:00\"", part)
		}
		days, err := parseDays(dayText)
		if err != nil {
			return wh, err
		}
		for _, r := range strings.Split(timeText, ",") {
			a, b, ok := strings.Cut(strings.TrimSpace(r), "-")
			from, err1 := parseClock(a)
			to, err2 := parseClock(b)
			if !ok || err1 != nil || err2 != nil || to <= from {
				return wh, fmt.Errorf("working hours %q: times as 09:00-18:00", r)
			}
			for _, d := range days {
				wh.days[d] = append(wh.days[d], span{from, to})
			}
		}
	}
	return wh, nil
}

func parseDays(s string) ([]time.Weekday, error) {
	var out []time.Weekday
	for _, item := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(item, "-")
		from, ok1 := weekdays[a]
		to, ok2 := weekdays[b]
		if !isRange {
			to, ok2 = from, ok1
		}
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("working hours: %q is not a day range like mon-fri", item)
		}
		for d := from; ; d = (d + 1) % 7 {
			out = append(out, d)
			if d == to {
				break
			}
		}
	}
	return out, nil
}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Contains reports whether t falls within the hours (in t's location).
func (w WorkingHours) Contains(t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	for _, sp := range w.days[t.Weekday()] {
		if m >= sp.from && m < sp.to {
			return true
		}
	}
	return false
}
