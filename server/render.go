package server

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sync"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// renderEvent turns a stored event into what phones receive. A card event
// carries the contact's card as it is now, so a phone that replays old
// events still ends on the current card; a contact deleted since is sent as
// contact.removed.
// Phones that asked for compact events get the compact form instead; both
// are rendered once per change and shared by every phone.
func (s *Server) renderEvent(ctx context.Context, e sqlite.Event) (Rendered, error) {
	switch e.Type {
	case sqlite.EventCardUpdated:
		c, err := s.db.Contact(ctx, e.ContactID)
		if contacts.ErrorCode(err) == contacts.ENotFound {
			return Rendered{Type: protocol.TypeContactRemoved, Payload: mustJSON(protocol.ContactRemoved{ContactID: e.ContactID})}, nil
		}
		if err != nil {
			return Rendered{}, err
		}
		if rc, ok := s.hub.cache.get(c.ID, c.Rev); ok {
			return Rendered{Type: protocol.TypeCardUpdated, Payload: rc.json, Compact: rc.compact}, nil
		}
		card, err := s.contactCard(ctx, c, false)
		if err != nil {
			return Rendered{}, err
		}
		rc := s.hub.cache.put(c.ID, c.Rev, mustJSON(wireCard(card)))
		return Rendered{Type: protocol.TypeCardUpdated, Payload: rc.json, Compact: rc.compact}, nil
	case sqlite.EventContactRemoved:
		return Rendered{Type: protocol.TypeContactRemoved, Payload: mustJSON(protocol.ContactRemoved{ContactID: e.ContactID})}, nil
	}
	payload := e.Payload
	if payload == "" {
		payload = "{}"
	}
	return Rendered{Type: e.Type, Payload: []byte(payload)}, nil
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
	compact []byte // the card.changed payload
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
	prev, hadPrev := r.m[id]
	r.mu.Unlock()
	cc := protocol.CardChanged{ContactID: id, Rev: rev}
	if hadPrev && prev.rev < rev {
		if changed, err := changedKeys(prev.json, b); err == nil {
			cc.BaseRev, cc.Changed = prev.rev, changed
		}
	}
	rc := renderedCard{rev: rev, json: b, compact: mustJSON(cc)}
	r.mu.Lock()
	defer r.mu.Unlock()
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
