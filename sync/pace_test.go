package contactsync

import (
	"testing"
	"time"
)

type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

// send takes n requests from p as fast as it allows, advancing the clock
// by each wait, and returns when each went out.
func send(p *pacer, c *testClock, n int) []time.Time {
	var out []time.Time
	for len(out) < n {
		if d := p.reserve(); d > 0 {
			c.t = c.t.Add(d)
			continue
		}
		out = append(out, c.t)
	}
	return out
}

// maxInWindow is the most requests any 60 seconds hold.
func maxInWindow(ts []time.Time) int {
	most, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= time.Minute {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

func TestPacerNeverExceedsTheBudget(t *testing.T) {
	for _, budget := range []int{1, 10, 60, 90, 600} {
		c := &testClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
		p := newPacer(budget, c.now)
		ts := send(p, c, budget*5)
		if got := maxInWindow(ts); got > budget {
			t.Errorf("budget %d: %d requests in one minute", budget, got)
		}
		// a tenth of the budget is the burst, the rest the steady pace: at
		// least 90% of the budget is used, minute after minute
		took := ts[len(ts)-1].Sub(ts[0])
		if most := 5*time.Minute + 34*time.Second; took > most {
			t.Errorf("budget %d: %d requests took %s, want at most %s (the budget is used)", budget, budget*5, took, most)
		}
	}
}

func TestPacerSlowsOnQuotaAndRecovers(t *testing.T) {
	c := &testClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	p := newPacer(60, c.now)
	send(p, c, 30)
	p.throttled(7 * time.Second)
	if d := p.reserve(); d < 7*time.Second {
		t.Fatalf("after a 429 with Retry-After 7s the next request may go in %s", d)
	}
	if rate, until := p.state(); rate != 30 || until.IsZero() {
		t.Fatalf("after a 429: pace %d/min, paused until %v; want 30/min, paused", rate, until)
	}
	p.throttled(0) // again, at once: half again
	if rate, _ := p.state(); rate != 15 {
		t.Fatalf("after two 429s: pace %d/min, want 15", rate)
	}
	c.t = c.t.Add(10 * time.Second)
	ts := send(p, c, 15)
	if got := maxInWindow(ts); got > 15 {
		t.Errorf("slowed pace sent %d in a minute, want at most 15", got)
	}
	c.t = c.t.Add(10 * time.Minute) // quiet minutes: the pace comes back step by step
	for range 12 {
		c.t = c.t.Add(time.Minute)
		p.reserve()
	}
	if rate, until := p.state(); rate != 60 || !until.IsZero() {
		t.Errorf("after quiet minutes: pace %d/min (paused until %v), want back to 60", rate, until)
	}
}

func TestPacerZeroPacesNothing(t *testing.T) {
	c := &testClock{t: time.Now()}
	p := newPacer(0, c.now)
	if err := p.wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	p.throttled(time.Hour)
	if err := p.wait(t.Context()); err != nil {
		t.Fatal(err)
	}
}
