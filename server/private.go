package server

import (
	"sync"
	"time"
)

// privateCalls remembers, in memory only, the IDs of calls on private or
// ignored SIMs, so that their end is acknowledged without anything being
// stored. Entries expire after a day; the set is bounded.
type privateCalls struct {
	mu sync.Mutex
	m  map[string]privateCall
}

type privateCall struct {
	device    string
	direction string
	at        time.Time
}

const privateCallsMax = 10_000

func (p *privateCalls) add(callID, deviceID, direction string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.m == nil {
		p.m = map[string]privateCall{}
	}
	if len(p.m) >= privateCallsMax {
		for id, c := range p.m {
			if now.Sub(c.at) > 24*time.Hour || len(p.m) >= privateCallsMax {
				delete(p.m, id)
			}
		}
	}
	p.m[callID] = privateCall{device: deviceID, direction: direction, at: now}
}

// get returns the private call's direction, if callID is one of deviceID's.
func (p *privateCalls) get(callID, deviceID string) (direction string, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.m[callID]
	if !ok || c.device != deviceID {
		return "", false
	}
	return c.direction, true
}
