package server

import (
	"context"
	"sync"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// renderEvent turns a stored event into what phones receive. A card event
// carries the contact's card as it is now, so a phone that replays old
// events still ends on the current card; a contact deleted since is sent as
// contact.removed.
func (s *Server) renderEvent(ctx context.Context, e sqlite.Event) (string, []byte, error) {
	switch e.Type {
	case sqlite.EventCardUpdated:
		c, err := s.db.Contact(ctx, e.ContactID)
		if contacts.ErrorCode(err) == contacts.ENotFound {
			return protocol.TypeContactRemoved, mustJSON(protocol.ContactRemoved{ContactID: e.ContactID}), nil
		}
		if err != nil {
			return "", nil, err
		}
		if b, ok := s.hub.cache.get(c.ID, c.Rev); ok {
			return protocol.TypeCardUpdated, b, nil
		}
		card, err := s.contactCard(ctx, c, false)
		if err != nil {
			return "", nil, err
		}
		b := mustJSON(wireCard(card))
		s.hub.cache.put(c.ID, c.Rev, b)
		return protocol.TypeCardUpdated, b, nil
	case sqlite.EventContactRemoved:
		return protocol.TypeContactRemoved, mustJSON(protocol.ContactRemoved{ContactID: e.ContactID}), nil
	}
	payload := e.Payload
	if payload == "" {
		payload = "{}"
	}
	return e.Type, []byte(payload), nil
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
	rev  int64
	json []byte
}

const renderCacheMax = 10_000

func (r *renderCache) get(id string, rev int64) ([]byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.m[id]
	if !ok || c.rev != rev {
		return nil, false
	}
	return c.json, true
}

func (r *renderCache) put(id string, rev int64, b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil || len(r.m) >= renderCacheMax {
		r.m = map[string]renderedCard{}
	}
	r.m[id] = renderedCard{rev: rev, json: b}
}

func (r *renderCache) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m = nil
}
