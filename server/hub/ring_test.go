package hub

import "testing"

// BenchmarkRingKeep: numbering one event once the ring of recent events is
// full (after RingSize events, about a busy office's week), as every
// change does from then on.
func BenchmarkRingKeep(b *testing.B) {
	h := &Hub{opts: Options{RingSize: 4096}}
	payload := make([]byte, 1300) // a card
	gid := int64(0)
	for range 2 * h.opts.RingSize {
		gid++
		h.keepLocked(ringEvent{gid: gid, typ: "card.updated", payload: payload})
	}
	b.ReportAllocs()
	for b.Loop() {
		gid++
		h.keepLocked(ringEvent{gid: gid, typ: "card.updated", payload: payload})
	}
}

// The ring always holds every event after its floor, in order, and at
// least the latest RingSize of them, however many events came; what it
// drops holds no payload; a phone behind the floor is sent to the store.
func TestRingKeepsTheLatestEvents(t *testing.T) {
	const size = 64
	h := &Hub{opts: Options{RingSize: size}, devs: map[string]*devState{"phone": {}}}
	for gid := int64(1); gid <= 1000; gid++ {
		h.mu.Lock()
		h.keepLocked(ringEvent{gid: gid, typ: "card.updated", payload: []byte("{}")})
		h.devs["phone"].gid = gid
		h.mu.Unlock()

		if want := min(gid, size); int64(len(h.ring)) < want || len(h.ring) > size+size/8 {
			t.Fatalf("after event %d the ring holds %d events; want %d to %d", gid, len(h.ring), want, size+size/8)
		}
		for i, e := range h.ring {
			if e.gid != h.floor+int64(i)+1 {
				t.Fatalf("after event %d: ring[%d] is event %d, floor %d: not every event after the floor, in order", gid, i, e.gid, h.floor)
			}
		}
		if last := h.ring[len(h.ring)-1].gid; last != gid || h.lastGID != gid {
			t.Fatalf("after event %d the ring ends at %d (lastGID %d)", gid, last, h.lastGID)
		}
		for _, e := range h.ring[len(h.ring):cap(h.ring)] {
			if e.payload != nil {
				t.Fatalf("after event %d a dropped event's payload is still held", gid)
			}
		}
		after := gid - size
		evs, upto, covered := h.pending("phone", after, nil)
		if after >= 0 && (!covered || upto != gid || int64(len(evs)) != gid-after || evs[0].gid != after+1) {
			t.Fatalf("after event %d a phone at %d gets %d events (covered %v, upto %d); want the %d after it from the ring", gid, after, len(evs), covered, upto, gid-after)
		}
		if h.floor > 0 {
			if _, _, covered := h.pending("phone", h.floor-1, nil); covered {
				t.Fatalf("after event %d a phone behind the floor (%d) is served from the ring", gid, h.floor)
			}
		}
	}
}
