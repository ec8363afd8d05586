package hub

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// Card is a contact's card.updated at rev, with its compact form: the
// one kept from an earlier render of the same rev, else build's encoded
// card, kept for the next. The render function (RenderFunc) calls it, so
// a change fanned out to many phones, or replayed, is rendered once.
func (h *Hub) Card(contactID string, rev int64, build func() ([]byte, error)) (Rendered, error) {
	if rc, ok := h.cache.get(contactID, rev); ok {
		return Rendered{Type: protocol.TypeCardUpdated, Payload: rc.json, Compact: rc.compact}, nil
	}
	b, err := build()
	if err != nil {
		return Rendered{}, err
	}
	rc := h.cache.put(contactID, rev, b)
	return Rendered{Type: protocol.TypeCardUpdated, Payload: rc.json, Compact: rc.compact}, nil
}

// ForgetRendered drops rendered cards (after a template change).
func (h *Hub) ForgetRendered() { h.cache.reset() }

// renderCache keeps each contact's rendered card for its current rev, so a
// change fanned out to many phones, or replayed, is rendered once.
type renderCache struct {
	mu sync.Mutex
	m  map[string]renderedCard
}

type renderedCard struct {
	rev     int64
	json    []byte
	compact *Compact
}

// Compact is a card's card.changed, encoded when the first phone that
// asked for compact events needs it: a change that reaches only phones on
// card.updated frames (most offices) never pays for comparing the cards.
// Until then it keeps the card of the rev before, often still the payload
// of an earlier event in the ring; at most one more card per contact kept
// (renderCacheMax) and per event in the ring (Options.RingSize).
type Compact struct {
	once      sync.Once
	contactID string
	rev       int64
	cur       []byte // the card at rev
	prev      []byte // the card at prevRev, nil when none was kept; dropped once encoded
	prevRev   int64
	b         []byte
}

// payload is the card.changed payload: when the card of an earlier rev
// was kept, it names the keys that changed since.
func (c *Compact) payload() []byte {
	c.once.Do(func() {
		cc := protocol.CardChanged{ContactID: c.contactID, Rev: c.rev}
		if c.prev != nil {
			if changed, err := changedKeys(c.prev, c.cur); err == nil {
				cc.BaseRev, cc.Changed = c.prevRev, changed
			}
		}
		c.b = protocol.MustMarshal(cc)
		c.prev, c.cur = nil, nil
	})
	return c.b
}

const renderCacheMax = 10_000

func (r *renderCache) get(id string, rev int64) (renderedCard, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.m[id]
	if !ok || c.rev != rev {
		return renderedCard{}, false
	}
	return c, true
}

// put keeps a contact's card at rev with its compact form: when the card
// of an earlier rev is still kept, the compact form names the keys that
// changed since it.
func (r *renderCache) put(id string, rev int64, b []byte) renderedCard {
	r.mu.Lock()
	defer r.mu.Unlock()
	cc := &Compact{contactID: id, rev: rev, cur: b}
	if prev, ok := r.m[id]; ok && prev.rev < rev {
		cc.prev, cc.prevRev = prev.json, prev.rev
	}
	rc := renderedCard{rev: rev, json: b, compact: cc}
	if r.m == nil || len(r.m) >= renderCacheMax {
		r.m = map[string]renderedCard{}
	}
	if cur, ok := r.m[id]; !ok || cur.rev <= rev {
		r.m[id] = rc
	}
	return rc
}

// changedKeys lists the top-level keys whose values differ between two
// encoded cards (present in one only counts as different), sorted.
func changedKeys(old, cur []byte) ([]string, error) {
	var a, b map[string]json.RawMessage
	if err := json.Unmarshal(old, &a); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(cur, &b); err != nil {
		return nil, err
	}
	changed := []string{}
	for k, v := range b {
		if k == "rev" { // always differs; it is the event's own field
			continue
		}
		if w, ok := a[k]; !ok || !bytes.Equal(v, w) {
			changed = append(changed, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			changed = append(changed, k)
		}
	}
	slices.Sort(changed)
	return changed, nil
}

func (r *renderCache) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m = nil
}
