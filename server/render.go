package server

import (
	"context"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/hub"
)

// renderEvent turns a stored event into what phones receive. A card event
// carries the contact's card as it is now, so a phone that replays old
// events still ends on the current card; a contact deleted since is sent as
// contact.removed.
// The card is rendered once per change and shared by every phone; phones
// that asked for compact events get its compact form instead, encoded once
// when the first of them needs it (hub.Compact). Its reads see the store at
// one moment (sqlite.ReadSnapshot).
func (s *Server) renderEvent(ctx context.Context, e sqlite.Event) (r hub.Rendered, err error) {
	if e.Type != sqlite.EventCardUpdated {
		return s.renderStored(ctx, e)
	}
	err = s.db.ReadSnapshot(ctx, func(ctx context.Context) error {
		r, err = s.renderStored(ctx, e)
		return err
	})
	return r, err
}

func (s *Server) renderStored(ctx context.Context, e sqlite.Event) (hub.Rendered, error) {
	switch e.Type {
	case sqlite.EventCardUpdated:
		c, err := s.db.Contact(ctx, e.ContactID)
		if contacts.ErrorCode(err) == contacts.ENotFound {
			return contactRemoved(e.ContactID), nil
		}
		if err != nil {
			return hub.Rendered{}, err
		}
		return s.hub.Card(c.ID, c.Rev, func() ([]byte, error) {
			card, err := s.contactCard(ctx, c, false)
			if err != nil {
				return nil, err
			}
			return protocol.MustMarshal(wireCard(card)), nil
		})
	case sqlite.EventContactRemoved:
		return contactRemoved(e.ContactID), nil
	}
	payload := e.Payload
	if payload == "" {
		payload = "{}"
	}
	return hub.Rendered{Type: e.Type, Payload: []byte(payload)}, nil
}

// contactRemoved is what phones receive for a contact that is gone.
func contactRemoved(id string) hub.Rendered {
	return hub.Rendered{Type: protocol.TypeContactRemoved, Payload: protocol.MustMarshal(protocol.ContactRemoved{ContactID: id})}
}
