package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/metrics"
)

// startCall records a call a phone reports and answers with the card. It is
// the hot path: one write (the call, its contact's new rev and the event, in
// one transaction) and three indexed reads; delivery to other phones
// happens after, in the hub.
func (s *Server) startCall(ctx context.Context, d *contacts.Device, in protocol.CallStart) (protocol.Card, error) {
	if in.CallID == "" {
		return protocol.Card{}, contacts.Errorf(contacts.EInvalid, "call_id: required")
	}
	if in.Number == nil {
		return protocol.Card{}, contacts.Errorf(contacts.EInvalid, "number: required (\"\" for a withheld number)")
	}
	started, err := parseTime("started_at", in.StartedAt)
	if err != nil {
		return protocol.Card{}, err
	}
	call := contacts.Call{ID: in.CallID, Direction: in.Direction, SIMSlot: in.SIMSlot, DeviceID: d.ID, By: d.Name, StartedAt: started}
	if err := call.Validate(); err != nil {
		return protocol.Card{}, err
	}
	var sim *contacts.SIM
	if in.SIMSlot > 0 {
		x, ok := d.SIM(in.SIMSlot)
		if !ok {
			x = contacts.SIM{Slot: in.SIMSlot}
		}
		sim, call.SIMLabel = &x, x.Label
		switch x.EffectivePolicy() {
		case contacts.SIMIgnore: // staff privacy: not even looked up
			s.private.add(call.ID, d.ID, call.Direction)
			return protocol.Card{Groups: []string{}, Fields: []protocol.Field{}, History: []protocol.HistoryEntry{}, OtherMatches: []protocol.Match{},
				SIM: &protocol.SIM{Slot: x.Slot, Label: x.Label, Policy: contacts.SIMIgnore}}, nil
		case contacts.SIMPrivate:
			call.Number = contacts.Parsed{}
		}
	}
	var p *contacts.Parsed
	if raw := strings.TrimSpace(*in.Number); raw != "" {
		region := ""
		if sim != nil {
			region = sim.Region
		}
		parsed, err := s.norm.Parse(raw, region)
		if err != nil {
			return protocol.Card{}, err
		}
		p, call.Number = &parsed, parsed
	}
	if sim != nil && sim.EffectivePolicy() == contacts.SIMPrivate {
		// A card, and no trace: no call record, no event, no audit line.
		s.private.add(call.ID, d.ID, call.Direction)
		card, err := s.cardFor(ctx, p, nil, sim)
		if err != nil {
			return protocol.Card{}, err
		}
		return wireCard(card), nil
	}
	created, ended, err := s.db.StartCallEnding(ctx, &call)
	if err != nil {
		return protocol.Card{}, err
	}
	if len(ended) > 0 {
		go s.publishAllEnded(ended) // the board drops them; not the phone's wait
	}
	card, err := s.cardFor(ctx, p, &call, sim)
	if err != nil {
		return protocol.Card{}, err
	}
	if created { // a retried call_id is not a new call on the board
		s.live.CallStarted(&call, card.DisplayName)
	}
	return wireCard(card), nil
}

func (s *Server) postCall(c *gin.Context) error {
	var req protocol.CallStart
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	// The hub's fan-out has been waiting since authDevice saw the route.
	start := time.Now()
	card, err := s.startCall(c.Request.Context(), device(c), req)
	if err != nil {
		return err
	}
	s.metrics.CardAnswered(metrics.ViaHTTP, time.Since(start))
	c.JSON(http.StatusOK, protocol.CardResponse{Card: card})
	return nil
}

// finishCall records how a call ended.
func (s *Server) finishCall(ctx context.Context, d *contacts.Device, id string, in protocol.CallEnd) (protocol.Call, error) {
	if !contacts.ValidID(id) {
		return protocol.Call{}, contacts.Errorf(contacts.ENotFound, "call %s not found", id)
	}
	ended, err := parseTime("ended_at", in.EndedAt)
	if err != nil {
		return protocol.Call{}, err
	}
	if !contacts.ValidOutcome(in.Outcome) {
		return protocol.Call{}, contacts.Errorf(contacts.EInvalid, "outcome: must be answered, missed, rejected or busy")
	}
	if dir, ok := s.private.get(id, d.ID); ok { // a call on a private SIM: acknowledged, never stored
		return protocol.Call{CallID: id, Direction: dir, By: d.Name, DeviceID: d.ID, StartedAt: in.EndedAt, EndedAt: &in.EndedAt, Outcome: &in.Outcome}, nil
	}
	stored, err := s.db.Call(ctx, id)
	if err != nil {
		return protocol.Call{}, err
	}
	if stored.DeviceID != d.ID {
		return protocol.Call{}, contacts.Errorf(contacts.ENotFound, "call %s not found on this device", id)
	}
	end := contacts.Call{EndedAt: ended, Outcome: in.Outcome}
	switch {
	case in.DurationS == nil:
		end.DurationS = max(0, int(ended.Sub(stored.StartedAt).Seconds()))
	case *in.DurationS < 0 || *in.DurationS > 7*24*3600:
		return protocol.Call{}, contacts.Errorf(contacts.EInvalid, "duration_s: must be between 0 and 604800")
	default:
		end.DurationS = *in.DurationS
	}
	call, err := s.db.EndCall(ctx, id, d.ID, end)
	if err != nil {
		return protocol.Call{}, err
	}
	go s.publishEnded(call) // the board's name lookup is not the phone's wait
	return wireCall(call), nil
}

func (s *Server) endCall(c *gin.Context) error {
	var req protocol.CallEnd
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	id := protocol.CanonicalID(c.Param("call_id")) // the body's is made canonical as it is decoded
	if req.CallID != "" && req.CallID != id {
		return contacts.Errorf(contacts.EInvalid, "call_id: differs from the one in the path")
	}
	call, err := s.finishCall(c.Request.Context(), device(c), id, req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, protocol.CallResponse{Call: call})
	return nil
}

// publishEnded tells the office's live feed a call ended.
func (s *Server) publishEnded(call *contacts.Call) {
	s.live.CallEnded(call, s.contactName(call.ContactID))
}

// addNote stores a note from a phone (or the office), attributed to who
// carries the device.
func (s *Server) addNote(ctx context.Context, d *contacts.Device, in protocol.NoteAdd) (protocol.Note, error) {
	n := contacts.Note{ID: in.NoteID, ContactID: in.ContactID, CallID: in.CallID, Text: in.Text, Author: d.Name, DeviceID: d.ID, At: s.now().UTC().Truncate(time.Millisecond)}
	if err := n.Validate(); err != nil {
		return protocol.Note{}, err
	}
	if err := s.checkNoteCall(ctx, d, in); err != nil {
		return protocol.Note{}, err
	}
	if in.Number != "" && in.ContactID == "" {
		p, err := s.norm.Parse(in.Number, "")
		if err != nil {
			return protocol.Note{}, err
		}
		n.NumberKey = p.Key
	}
	if n.ContactID == "" && n.NumberKey == "" && n.CallID == "" {
		return protocol.Note{}, contacts.Errorf(contacts.EInvalid, "contact_id: a note needs contact_id or number")
	}
	if _, err := s.db.AddNote(ctx, &n); err != nil {
		return protocol.Note{}, err
	}
	return wireNote(&n), nil
}

// checkNoteCall explains why a note that gives only a call_id cannot be
// kept: the call is unknown here, or it has neither a number nor a contact
// (a withheld caller, or a call on a private SIM, which is never stored).
// A note that also gives contact_id or number is kept whatever its call_id
// (the contract makes call_id optional and informative: the phone may know
// calls this server never saw, and a colleague's call is a fine subject).
func (s *Server) checkNoteCall(ctx context.Context, d *contacts.Device, in protocol.NoteAdd) error {
	if in.CallID == "" || in.ContactID != "" || in.Number != "" {
		return nil
	}
	if _, ok := s.private.get(in.CallID, d.ID); ok {
		return contacts.Errorf(contacts.EInvalid, "call_id: the call has no number or contact to attach the note to (a call on a private SIM is not kept); give contact_id or number")
	}
	call, err := s.db.Call(ctx, in.CallID)
	if contacts.ErrorCode(err) == contacts.ENotFound {
		return contacts.Errorf(contacts.EInvalid, "call_id: no call %s is known here to attach the note to; give contact_id or number", in.CallID)
	}
	if err != nil {
		return err
	}
	if call.ContactID == "" && call.Number.Key == "" {
		return contacts.Errorf(contacts.EInvalid, "call_id: the call has no number or contact to attach the note to (a withheld caller); give contact_id or number")
	}
	return nil
}

func (s *Server) postNote(c *gin.Context) error {
	var req protocol.NoteAdd
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	note, err := s.addNote(c.Request.Context(), device(c), req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, protocol.NoteResponse{Note: note})
	return nil
}
