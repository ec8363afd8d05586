package main_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// stalls is what a spinning thread per CPU saw of the machine: how much of
// the time it did not run, and for how long at a time. On an idle virtual
// machine that is the host taking its CPUs (the guest's own steal counter
// showed 0.3 % where this showed 1-2 %, in gaps of up to 20 ms); on a
// machine to itself it would be near 0 %. No server's latency can be
// better than the machine's: a p99 over 1,000 calls measures the server
// only when fewer than about 1 % of calls can meet a stall.
type stalls struct {
	share   float64       // of the spinning time, in gaps over stallGap
	longest time.Duration // the longest gap
	perSec  float64       // gaps of a millisecond or more, per second per CPU
}

// stallGap is the shortest gap counted: longer than a timer tick's or a
// page fault's work in the kernel.
const stallGap = 100 * time.Microsecond

func (s stalls) String() string {
	return fmt.Sprintf("machine stalls: %.2f %% of the time, %.1f a second of 1 ms or more, the longest %s",
		100*s.share, s.perSec, s.longest.Round(10*time.Microsecond))
}

// measureStalls spins one locked thread per CPU for d. Run it while the
// servers are idle (after settle), not during a measurement: it takes
// every CPU.
func measureStalls(d time.Duration) stalls {
	n := runtime.NumCPU()
	type seen struct {
		gaps, spun time.Duration
		longest    time.Duration
		over1ms    int
	}
	res := make([]seen, n)
	var wg sync.WaitGroup
	for c := range n {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			start := time.Now()
			last := start
			r := &res[c]
			for last.Sub(start) < d {
				now := time.Now()
				if g := now.Sub(last); g > stallGap {
					r.gaps += g
					r.longest = max(r.longest, g)
					if g >= time.Millisecond {
						r.over1ms++
					}
				}
				last = now
			}
			r.spun = last.Sub(start)
		})
	}
	wg.Wait()
	var s stalls
	var gaps, spun time.Duration
	var over1ms int
	for _, r := range res {
		gaps, spun, over1ms = gaps+r.gaps, spun+r.spun, over1ms+r.over1ms
		s.longest = max(s.longest, r.longest)
	}
	if spun > 0 {
		s.share = float64(gaps) / float64(spun)
		s.perSec = float64(over1ms) / spun.Seconds()
	}
	return s
}

// report adds the stalls to b's metrics.
func (s stalls) report(b *testing.B) {
	b.ReportMetric(100*s.share, "machine-stall-%")
	b.ReportMetric(float64(s.longest.Microseconds())/1000, "machine-stall-max-ms")
}

// BenchmarkMachineStalls measures the machine itself
// (RINGCARD_BENCH_SECONDS, 10 by default): run it before quoting a p99
// from the other benchmarks here.
func BenchmarkMachineStalls(b *testing.B) {
	d := time.Duration(envInt("RINGCARD_BENCH_SECONDS", 10)) * time.Second
	var s stalls
	for range b.N {
		s = measureStalls(d)
	}
	s.report(b)
	b.ReportMetric(s.perSec, "stalls-over-1ms/s")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d CPUs, %s: %s", runtime.NumCPU(), d, s)
}
