package messages

import (
	"container/heap"
	"fmt"
	"time"
)

// Caps limit what one SIM sends. Android asks the user before an app sends
// more than 30 SMS in 30 minutes, and carriers block SIMs that send in bulk;
// the defaults stay under both. Caps count segments: a long text that goes
// out as three parts is three SMS to Android and to the carrier.
type Caps struct {
	PerWindow int           // segments per Window
	Window    time.Duration //
	Daily     int           // segments per calendar day (in the office's time zone)
}

// DefaultCaps are 25 segments per 30 minutes and 200 a day per SIM.
func DefaultCaps() Caps { return Caps{PerWindow: 25, Window: 30 * time.Minute, Daily: 200} }

// Validate rejects caps that would never send or would pass Android's limit.
func (c Caps) Validate() error {
	if c.PerWindow <= 0 || c.Window <= 0 || c.Daily <= 0 {
		return fmt.Errorf("sms caps: per-window count, window and daily cap must all be positive")
	}
	return nil
}

// Hours says when the office sends (its working hours).
type Hours interface {
	Contains(t time.Time) bool
}

// always is open every minute (no working hours configured).
type always struct{}

func (always) Contains(time.Time) bool { return true }

// SIMRef names one SIM of one phone.
type SIMRef struct {
	DeviceID string `json:"device_id"`
	Slot     int    `json:"sim_slot"`
}

// Usage is what a SIM already sent (or has planned) before a new plan: its
// segments in the current window and today.
type Usage struct {
	LastAt time.Time // when its latest message is due
	Today  int       // segments on LastAt's day
}

// Slot is one recipient's place in a plan.
type Slot struct {
	SIM SIMRef
	At  time.Time
}

// Plan is who sends what and when.
type Plan struct {
	Slots []Slot
	// Finish is when the last message is due; Days how many calendar days
	// the send spans (1 when it all goes today).
	Finish time.Time
	Days   int
}

// Planner spreads a group send over SIMs.
type Planner struct {
	Caps  Caps
	Hours Hours          // nil: any time
	Loc   *time.Location // the office's zone for days and hours; nil: UTC
}

type simQueue struct {
	ref   SIMRef
	next  time.Time
	day   time.Time // the day `today` counts
	today int
	idx   int
}

type simHeap []*simQueue

func (h simHeap) Len() int { return len(h) }
func (h simHeap) Less(i, j int) bool {
	if h[i].next.Equal(h[j].next) {
		return h[i].idx < h[j].idx
	}
	return h[i].next.Before(h[j].next)
}
func (h simHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *simHeap) Push(x any)   { *h = append(*h, x.(*simQueue)) }
func (h *simHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Plan gives each message (by its segment count) a SIM and a time, from
// start on: each SIM sends one segment every Window/PerWindow, never more
// than Daily segments a day, only within the hours; each message goes to
// the SIM free soonest. usage says what each SIM already has planned.
func (p Planner) Plan(start time.Time, sims []SIMRef, usage map[SIMRef]Usage, segments []int) (Plan, error) {
	if err := p.Caps.Validate(); err != nil {
		return Plan{}, err
	}
	if len(sims) == 0 && len(segments) > 0 {
		return Plan{}, fmt.Errorf("plan: no SIM to send from")
	}
	hours := p.Hours
	if hours == nil {
		hours = always{}
	}
	loc := p.Loc
	if loc == nil {
		loc = time.UTC
	}
	start = start.In(loc)
	gap := p.Caps.Window / time.Duration(p.Caps.PerWindow)
	h := make(simHeap, 0, len(sims))
	for i, s := range sims {
		q := &simQueue{ref: s, next: start, day: dayOf(start), idx: i}
		if u, ok := usage[s]; ok && !u.LastAt.IsZero() {
			if u.LastAt.Add(gap).After(q.next) {
				q.next = u.LastAt.Add(gap).In(loc)
			}
			if dayOf(u.LastAt.In(loc)).Equal(q.day) {
				q.today = u.Today
			}
		}
		h = append(h, q)
	}
	heap.Init(&h)
	out := Plan{Slots: make([]Slot, len(segments)), Days: 1}
	for i, segs := range segments {
		if segs > p.Caps.Daily {
			return Plan{}, fmt.Errorf("plan: a message of %d segments is over the daily cap of %d", segs, p.Caps.Daily)
		}
		q := h[0]
		at, err := p.place(q, segs, hours, loc)
		if err != nil {
			return Plan{}, err
		}
		out.Slots[i] = Slot{SIM: q.ref, At: at}
		q.next = at.Add(time.Duration(segs) * gap)
		heap.Fix(&h, 0)
		if at.After(out.Finish) {
			out.Finish = at
		}
	}
	if !out.Finish.IsZero() {
		out.Days = int(dayOf(out.Finish).Sub(dayOf(start)).Hours()/24+0.5) + 1
	}
	return out, nil
}

// place finds the first time from q.next that is within the hours and
// leaves room under the daily cap.
func (p Planner) place(q *simQueue, segs int, hours Hours, loc *time.Location) (time.Time, error) {
	t := q.next
	limit := t.Add(15 * 24 * time.Hour)
	for t.Before(limit) {
		if d := dayOf(t); !d.Equal(q.day) {
			q.day, q.today = d, 0
		}
		if q.today+segs > p.Caps.Daily {
			t = q.day.AddDate(0, 0, 1)
			continue
		}
		if !hours.Contains(t) {
			t = t.Truncate(time.Minute).Add(time.Minute)
			continue
		}
		q.today += segs
		return t, nil
	}
	return time.Time{}, fmt.Errorf("plan: no working hour in the next 15 days")
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
