package messaging

import (
	"context"
	"fmt"
	"time"

	"github.com/ringcard/ringcard/messages"
)

// ReasonHandedOver starts the history reason of an SMS given to another
// phone because the first never took it in time or is silent (a code
// staff's pages translate; the rest names the phones and why).
const ReasonHandedOver = "handed_over"

// Why a message was handed over, at the end of its history line.
const (
	whyExpired = "the first phone did not take it in time"
	whySilent  = "the first phone is silent"
)

// handOffExpired deals with SMS whose phone vanished: handed over, told to
// send before a time, and silent past that time and the clock margin. A
// correct phone no longer sends them, so each goes once to another phone
// of the same send (one that is not silent too), planned again within that
// SIM's caps; a single message, one already handed over once, or one with
// no phone left fails with reason "expired". What is still planned on a
// silent phone goes to the other phones too, rather than being handed to
// it only to wait out its own deadline (with no other phone it stays).
func (s *Service) handOffExpired(ctx context.Context) {
	expired, err := s.db.ExpiredSMS(ctx, s.now().Add(-s.cfg.ClockMargin), dispatchBatch)
	if err != nil {
		s.log.Error("messages: read expired sms", "err", err)
		return
	}
	if len(expired) == 0 {
		return
	}
	silent := map[string]bool{}
	for _, m := range expired {
		silent[m.DeviceID] = true
	}
	h := newHandoff(s, silent)
	for _, m := range expired {
		if ctx.Err() != nil {
			return
		}
		to := h.target(ctx, m)
		reason := messages.ReasonExpired
		if to != nil {
			reason = h.reason(ctx, m, to, whyExpired)
		}
		if !h.move(ctx, m, to, reason) {
			return
		}
	}
	for dev := range silent {
		planned, err := s.db.PlannedSMS(ctx, dev, dispatchBatch)
		if err != nil {
			s.log.Error("messages: read planned sms", "device", dev, "err", err)
			return
		}
		for _, m := range planned {
			if to := h.target(ctx, m); to != nil && (ctx.Err() != nil || !h.move(ctx, m, to, h.reason(ctx, m, to, whySilent))) {
				return
			}
		}
	}
	s.poke()
}

// move hands one message over (or fails it when to is nil); false on a
// store error.
func (h *handoff) move(ctx context.Context, m *messages.Message, to *messages.SIMRef, reason string) bool {
	moved, err := h.s.db.HandOff(context.WithoutCancel(ctx), m, to, reason, h.nextDue())
	switch {
	case err != nil:
		h.s.log.Error("messages: hand off sms", "message", m.ID, "err", err)
		return false
	case moved && to != nil:
		h.s.log.Warn("messages: sms handed to another phone", "message", m.ID, "device", m.DeviceID, "to_device", to.DeviceID, "to_sim", to.Slot, "why", reason)
	case moved:
		h.s.log.Warn("messages: phone did not take an sms in time: failed", "message", m.ID, "device", m.DeviceID)
	}
	return true
}

// handoff picks, for one sweep, where expired messages go: SIMs of the
// same send on phones that are not silent, in turn.
type handoff struct {
	s      *Service
	silent map[string]bool
	sims   map[string][]messages.SIMRef // by send
	usable map[messages.SIMRef]bool
	next   map[string]int
	start  time.Time // the sweep's start
	moved  int       // messages given a due time so far
}

func newHandoff(s *Service, silent map[string]bool) *handoff {
	return &handoff{s: s, silent: silent, sims: map[string][]messages.SIMRef{}, usable: map[messages.SIMRef]bool{}, next: map[string]int{}, start: s.now()}
}

// nextDue is when the next message moved in this sweep is due: now, a
// millisecond after the one moved before it, so that messages handed over
// together go out in the order they are moved (the expired first, in the
// order of their deadlines, then what was planned on a silent phone)
// rather than in the order of their ids.
func (h *handoff) nextDue() time.Time {
	h.moved++
	return h.start.Add(time.Duration(h.moved-1) * time.Millisecond)
}

// reason is the history line of a hand-over.
func (h *handoff) reason(ctx context.Context, m *messages.Message, to *messages.SIMRef, why string) string {
	return fmt.Sprintf("%s: from SIM %d of %s to SIM %d of %s, %s", ReasonHandedOver,
		m.SIMSlot, h.s.deviceName(ctx, m.DeviceID), to.Slot, h.s.deviceName(ctx, to.DeviceID), why)
}

func (h *handoff) target(ctx context.Context, m *messages.Message) *messages.SIMRef {
	if m.SendID == "" || m.Attempts > 0 { // a single message, or handed over once already
		return nil
	}
	sims, ok := h.sims[m.SendID]
	if !ok {
		all, err := h.s.db.SendSIMs(ctx, m.SendID)
		if err != nil {
			h.s.log.Error("messages: send sims", "send", m.SendID, "err", err)
		}
		for _, ref := range all {
			if h.silent[ref.DeviceID] {
				continue
			}
			ok, seen := h.usable[ref]
			if !seen {
				ok = h.s.checkSIMs(ctx, []messages.SIMRef{ref}) == nil // still a work SIM of a paired phone
				h.usable[ref] = ok
			}
			if ok {
				sims = append(sims, ref)
			}
		}
		h.sims[m.SendID] = sims
	}
	if len(sims) == 0 {
		return nil
	}
	i := h.next[m.SendID] % len(sims)
	h.next[m.SendID]++
	ref := sims[i]
	return &ref
}

// deviceName names a phone for a history line (its id when it is gone).
func (s *Service) deviceName(ctx context.Context, id string) string {
	if d, err := s.db.Device(ctx, id); err == nil && d.Name != "" {
		return d.Name
	}
	return id
}
