package messaging

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// dispatchBatch bounds how many due SMS one pass looks at.
const dispatchBatch = 1000

// dispatchSMS hands due SMS to their phones, SIM by SIM, as long as each
// SIM stays within its caps (counted from what was really dispatched, so a
// restart after a long stop does not burst) and the office is open. The
// messages of a pass are picked first (a message no longer planned when
// its turn comes leaves its SIM's share unused until the next pass: the
// caps are never exceeded), then written a short transaction at a time,
// each after any card being built is answered.
func (s *Service) dispatchSMS(ctx context.Context) {
	now := s.now()
	if s.cfg.Hours != nil && !s.cfg.Hours.Contains(now.In(s.cfg.Loc)) {
		return
	}
	due, err := s.db.DueMessages(ctx, messages.SMS, now, dispatchBatch)
	if err != nil {
		s.log.Error("messages: read due sms", "err", err)
		return
	}
	type budget struct{ window, today int }
	budgets := map[messages.SIMRef]*budget{}
	day := dayStart(now.In(s.cfg.Loc))
	pick := make([]*messages.Message, 0, len(due))
	for _, m := range due {
		ref := messages.SIMRef{DeviceID: m.DeviceID, Slot: m.SIMSlot}
		b, ok := budgets[ref]
		if !ok {
			w, err1 := s.db.SIMSegments(ctx, ref.DeviceID, ref.Slot, now.Add(-s.cfg.Caps.Window))
			d, err2 := s.db.SIMSegments(ctx, ref.DeviceID, ref.Slot, day)
			if err1 != nil || err2 != nil {
				s.log.Error("messages: sim usage", "err", err1, "err2", err2)
				return
			}
			b = &budget{s.cfg.Caps.PerWindow - w, s.cfg.Caps.Daily - d}
			budgets[ref] = b
		}
		if m.Segments > b.window || m.Segments > b.today {
			b.window, b.today = 0, 0 // this SIM is done for now; keep its order
			continue
		}
		b.window -= m.Segments
		b.today -= m.Segments
		m.SendBefore = sendBefore(now, s.cfg.SendWithin)
		pick = append(pick, m)
	}
	for len(pick) > 0 && ctx.Err() == nil {
		s.yieldToCalls()
		n, _, err := s.db.DispatchSMSBatch(ctx, pick, protocol.TypeSMSSend, smsPayload)
		if err != nil {
			s.log.Error("messages: dispatch sms", "message", pick[0].ID, "err", err)
			return
		}
		pick = pick[n:]
	}
}

// smsPayload is the sms.send event's body for a message.
func smsPayload(m *messages.Message) string {
	b, _ := json.Marshal(protocol.SMSSend{MessageID: m.ID, Number: m.To, Text: m.Text, SIMSlot: m.SIMSlot, SendBefore: m.SendBefore.Format(time.RFC3339)})
	return string(b)
}

// maxHold bounds how long the dispatcher waits for calls being answered
// before each transaction (under a stream of calls it still goes on).
const maxHold = 10 * time.Millisecond

// yieldToCalls waits (at most maxHold) while a phone waits for a card.
// Every commit makes each reading connection drop its page cache at its
// next read, and the card is built from several reads: a sender's commit
// in the middle of them makes the card read its pages again. A group send
// can spare these milliseconds.
func (s *Service) yieldToCalls() {
	if s.cfg.Busy == nil {
		return
	}
	for start := time.Now(); s.cfg.Busy() && time.Since(start) < maxHold; {
		time.Sleep(100 * time.Microsecond)
	}
}

// sendBefore is now plus within, rounded up to a whole second (as it is
// written in sms.send), so the phone has at least within.
func sendBefore(now time.Time, within time.Duration) time.Time {
	t := now.Add(within).UTC()
	if r := t.Truncate(time.Second); r.Before(t) {
		return r.Add(time.Second)
	}
	return t
}

func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// Report records what a phone says became of a message it was given
// (after the cards being built, waiting a few milliseconds at most).
func (s *Service) Report(ctx context.Context, deviceID, id string, r protocol.MessageStatus) (*messages.Message, error) {
	if !messages.PhoneStatus(r.Status) {
		return nil, invalid("status: queued, sent, delivered or failed")
	}
	if len(r.Reason) > 500 {
		return nil, invalid("reason: at most 500 characters")
	}
	if r.Status == messages.StatusFailed && r.Reason == protocol.ReasonExpired {
		if m, ok := s.handOverRefused(ctx, deviceID, id); ok {
			return m, nil
		}
	}
	s.yieldToCalls() // its commit would make the card's reads start over from a cold cache
	return s.db.ReportMessage(ctx, deviceID, id, r.Status, r.Reason)
}

// handOverRefused gives an SMS its phone reports "expired" before taking
// it (it sent nothing) to another phone of the send at once, as if the
// deadline had passed; ok is false when it stays (a single message, one
// already queued, no other phone): the report is then recorded as usual.
func (s *Service) handOverRefused(ctx context.Context, deviceID, id string) (*messages.Message, bool) {
	m, err := s.db.Message(ctx, id)
	if err != nil || m.DeviceID != deviceID || m.Status != messages.StatusDispatched {
		return nil, false
	}
	h := newHandoff(s, map[string]bool{deviceID: true})
	to := h.target(ctx, m)
	if to == nil {
		return nil, false
	}
	moved, err := s.db.HandOff(context.WithoutCancel(ctx), m, to, h.reason(ctx, m, to, whyExpired), h.nextDue())
	if err != nil || !moved {
		return nil, false
	}
	s.poke()
	if now, err := s.db.Message(ctx, id); err == nil {
		m = now
	}
	return m, true
}

// Progress is a group send as staff watch it.
func (s *Service) Progress(ctx context.Context, id string) (*sqlite.SendProgress, error) {
	return s.db.Send(ctx, id)
}
