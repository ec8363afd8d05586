package server

import (
	"context"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// cardFor builds the card for a number, as it rings or is dialled (call
// set) or is looked up (call nil). p is nil for a withheld number. Its
// reads see the store at one moment (sqlite.ReadSnapshot).
func (s *Server) cardFor(ctx context.Context, p *contacts.Parsed, call *contacts.Call, sim *contacts.SIM) (card contacts.Card, err error) {
	in := contacts.CardInput{Number: p, SIM: sim}
	if p == nil || p.Key == "" {
		return contacts.BuildCard(s.templates(), in), nil
	}
	err = s.db.ReadSnapshot(ctx, func(ctx context.Context) error {
		card, err = s.numberCard(ctx, in, p, call)
		return err
	})
	return card, err
}

func (s *Server) numberCard(ctx context.Context, in contacts.CardInput, p *contacts.Parsed, call *contacts.Call) (contacts.Card, error) {
	matches, err := s.db.ContactsByNumber(ctx, p.Key)
	if err != nil {
		return contacts.Card{}, err
	}
	if len(matches) > 0 {
		in.Contact = matches[0]
		for _, m := range matches[1:] {
			in.OtherMatches = append(in.OtherMatches, contacts.Match{ContactID: m.ID, DisplayName: m.Name()})
		}
	}
	return s.fillHistory(ctx, in, p.Key, call)
}

// contactCard builds the card of a contact when no number is in question:
// for card.updated events and the offline directory. The card shows the
// contact's first number, so other_matches lists the others sharing it.
func (s *Server) contactCard(ctx context.Context, c *contacts.Contact, directory bool) (contacts.Card, error) {
	in := contacts.CardInput{Contact: c, Directory: directory}
	if len(c.Numbers) > 0 && c.Numbers[0].Key != "" {
		others, err := s.db.OtherContactsByNumber(ctx, c.Numbers[0].Key, c.ID)
		if err != nil {
			return contacts.Card{}, err
		}
		for _, m := range others {
			in.OtherMatches = append(in.OtherMatches, contacts.Match{ContactID: m.ID, DisplayName: m.Name()})
		}
	}
	return s.fillHistory(ctx, in, "", nil)
}

func (s *Server) fillHistory(ctx context.Context, in contacts.CardInput, key string, call *contacts.Call) (contacts.Card, error) {
	tpls := s.templates()
	contactID, skip := "", ""
	if in.Contact != nil {
		contactID = in.Contact.ID
	}
	if call != nil {
		skip = call.ID
	}
	var err error
	if in.History, err = s.db.History(ctx, contactID, key, tpls.HistoryLimit(in.Contact), skip); err != nil {
		return contacts.Card{}, err
	}
	if contactID == "" {
		if in.LastCall, err = s.db.LastCall(ctx, "", key, call); err != nil {
			return contacts.Card{}, err
		}
	} else {
		var open *contacts.Call
		if in.LastCall, open, err = s.db.LastAndOpenCall(ctx, contactID, call, skip, s.now().Add(-s.cfg.Calls.EffectiveOpenLimit())); err != nil {
			return contacts.Card{}, err
		}
		if open != nil {
			in.OnCall = &contacts.OnCall{By: open.By, DeviceID: open.DeviceID, Since: open.StartedAt, CallID: open.ID}
		}
		if tpls.UsesMoney(in.Contact) {
			if in.Derived, err = s.moneyFields(ctx, contactID); err != nil {
				return contacts.Card{}, err
			}
		}
	}
	return contacts.BuildCard(tpls, in), nil
}

// wireCard converts a domain card to the protocol's shape.
func wireCard(c contacts.Card) protocol.Card {
	w := protocol.Card{
		Known: c.Known, DisplayName: c.DisplayName, Note: c.Note, Rev: c.Rev,
		Groups: nonNil(c.Groups), Fields: []protocol.Field{}, History: []protocol.HistoryEntry{},
		OtherMatches: []protocol.Match{},
		Style: protocol.Style{Background: c.Style.Background, Accent: c.Style.Accent, Text: c.Style.Text,
			NameSize: c.Style.NameSize, FieldSize: c.Style.FieldSize, NoteSize: c.Style.NoteSize},
	}
	if c.ContactID != "" {
		w.ContactID = &c.ContactID
	}
	if c.Number != nil {
		w.Number = &protocol.CardNumber{Raw: c.Number.Raw, E164: strPtr(c.Number.E164), Type: c.Number.Type, Label: c.Number.Label}
	}
	for _, f := range c.Fields {
		w.Fields = append(w.Fields, protocol.Field{Key: f.Key, Label: f.Label, Value: f.Value, Color: f.Color, Size: f.Size})
	}
	for _, h := range c.History {
		w.History = append(w.History, protocol.HistoryEntry{At: contacts.TimeText(h.At), Kind: h.Kind, By: h.By, Text: h.Text,
			Direction: h.Direction, Outcome: h.Outcome, DurationS: h.DurationS, SIMSlot: h.SIMSlot, CallID: h.CallID, Stage: h.Stage,
			EndNotReported: h.EndNotReported})
	}
	if lc := c.LastCall; lc != nil {
		w.LastCall = &protocol.LastCall{At: contacts.TimeText(lc.StartedAt), Direction: lc.Direction, By: lc.By, SIMSlot: lc.SIMSlot, Outcome: lc.Outcome, DurationS: lc.DurationS,
			EndNotReported: lc.EndNotReported != ""}
	}
	if c.SIM != nil {
		w.SIM = &protocol.SIM{Slot: c.SIM.Slot, Label: c.SIM.Label, Policy: c.SIM.StatedPolicy()}
	}
	if c.OnCall != nil {
		w.OnCall = &protocol.OnCall{By: c.OnCall.By, DeviceID: c.OnCall.DeviceID, Since: contacts.TimeText(c.OnCall.Since)}
	}
	for _, m := range c.OtherMatches {
		w.OtherMatches = append(w.OtherMatches, protocol.Match{ContactID: m.ContactID, DisplayName: m.DisplayName})
	}
	if c.Numbers != nil { // a directory card: "numbers" is always there, [] for a contact without any
		w.Numbers = make([]protocol.DirNumber, 0, len(c.Numbers))
	}
	for _, n := range c.Numbers {
		w.Numbers = append(w.Numbers, protocol.DirNumber{E164: strPtr(n.E164), Key: n.Key, Raw: n.Raw, Type: n.Type, Label: n.Label})
	}
	return w
}

func wireCall(c *contacts.Call) protocol.Call {
	w := protocol.Call{CallID: c.ID, ContactID: strPtr(c.ContactID), Direction: c.Direction, Number: c.Number.Raw,
		E164: strPtr(c.Number.E164), SIMSlot: c.SIMSlot, By: c.By, DeviceID: c.DeviceID,
		StartedAt: contacts.TimeText(c.StartedAt), DurationS: c.DurationS, Outcome: strPtr(c.Outcome)}
	if !c.EndedAt.IsZero() {
		t := contacts.TimeText(c.EndedAt)
		w.EndedAt = &t
	}
	return w
}

func wireNote(n *contacts.Note) protocol.Note {
	return protocol.Note{NoteID: n.ID, ContactID: strPtr(n.ContactID), Number: numberOnly(n), CallID: n.CallID,
		Text: n.Text, Author: n.Author, At: contacts.TimeText(n.At)}
}

func numberOnly(n *contacts.Note) string {
	if n.ContactID != "" {
		return ""
	}
	return n.NumberKey
}

func parseTime(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, contacts.Errorf(contacts.EInvalid, "%s: required (RFC 3339)", field)
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, contacts.Errorf(contacts.EInvalid, "%s: %q is not an RFC 3339 time", field, v)
	}
	if t.Year() < 2000 || t.Year() > 2200 {
		return time.Time{}, contacts.Errorf(contacts.EInvalid, "%s: %q is out of range", field, v)
	}
	return t, nil
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
