package server

import (
	"context"
	"sync"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// Calls that never end. A phone that crashes, loses its network or is
// switched off mid-call never sends call.ended. The server closes such a
// call ("end not reported" in the history; the live board and on_call drop
// it) when:
//   - the same phone starts a new call on the same SIM (in StartCallEnding,
//     the call path's own transaction);
//   - it has been open calls.open_limit (the sweep below, which also runs
//     at server start: a restart closes what passed the bound meanwhile and
//     re-arms the timer for the rest);
//   - the phone's websocket went away and the phone was not heard from
//     again (no socket, no request) for calls.gone_after (phoneGone). A
//     closed socket alone is not proof: networks hand over, and on 2G/3G
//     without VoLTE data stops during a voice call. Phones that never open
//     a socket (REST only) are never judged this way;
//   - the phone, reconnecting, lists its open calls in the resume frame
//     (open_calls) and this one is not in it; a call listed there that the
//     server had closed is opened again.
// The phone's own call.ended, whenever it comes, replaces the server's
// close: it is the truth.

// callWatch holds the phoneGone timers, stopped when the server stops.
type callWatch struct {
	mu     sync.Mutex
	ctx    context.Context // set by Serve; nil before, done after
	timers map[string]*time.Timer
	wg     sync.WaitGroup
}

// start arms the watch for the life of ctx.
func (w *callWatch) start(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ctx, w.timers = ctx, map[string]*time.Timer{}
}

// stop cancels pending timers and waits for running checks (before the
// database closes).
func (w *callWatch) stop() {
	w.mu.Lock()
	for _, t := range w.timers {
		t.Stop()
	}
	w.timers = nil
	w.mu.Unlock()
	w.wg.Wait()
}

// after runs fn after d for device id unless the watch stops first; a new
// timer for the same device replaces the old one.
func (w *callWatch) after(id string, d time.Duration, fn func(ctx context.Context)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timers == nil || w.ctx.Err() != nil {
		return
	}
	if t := w.timers[id]; t != nil {
		t.Stop()
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		w.mu.Lock()
		if w.timers == nil || w.timers[id] != t {
			w.mu.Unlock()
			return
		}
		delete(w.timers, id)
		w.wg.Add(1)
		w.mu.Unlock()
		defer w.wg.Done()
		fn(w.ctx)
	})
	w.timers[id] = t
}

// phoneGone is called when a device's current socket went away: if the
// phone is not heard from again within calls.gone_after, its calls still
// open are closed.
func (s *Server) phoneGone(deviceID string) {
	goneAt, goneAtDB := time.Now(), s.now()
	s.calls.after(deviceID, s.cfg.Calls.EffectiveGoneAfter(), func(ctx context.Context) {
		if s.hub.IsConnected(deviceID) || s.hub.LastSeen(deviceID).After(goneAt) {
			return // back, or still talking over REST
		}
		ended, err := s.db.CloseDeviceCalls(ctx, deviceID, nil, contacts.EndPhoneGone, goneAtDB)
		if err != nil {
			s.log.Error("close the calls of a phone that went away", "device", deviceID, "err", err)
			return
		}
		if len(ended) > 0 {
			s.log.Info("phone went away mid-call: its open calls closed, end not reported", "device", deviceID, "calls", len(ended))
			s.publishAllEnded(ended)
		}
	})
}

// phoneSaysOpen applies what a reconnecting phone says of its calls: the
// ones it lists are still going on (opened again if the server had closed
// them for want of news, within the bound), the others are closed. A nil
// list (a phone that does not say) changes nothing.
func (s *Server) phoneSaysOpen(ctx context.Context, deviceID string, open []string) error {
	if open == nil {
		return nil
	}
	now := s.now()
	reopened, err := s.db.ReopenCalls(ctx, deviceID, open, now.Add(-s.cfg.Calls.EffectiveOpenLimit()))
	if err != nil {
		return err
	}
	ended, err := s.db.CloseDeviceCalls(ctx, deviceID, open, contacts.EndPhoneResume, now)
	if err != nil {
		return err
	}
	go func() {
		for _, c := range reopened {
			s.live.CallStarted(c, s.contactName(c.ContactID))
		}
		s.publishAllEnded(ended)
	}()
	return nil
}

// openCallIDs checks a resume's open_calls and puts the ids in canonical
// form; nil (absent) stays nil.
func openCallIDs(in *[]string) ([]string, error) {
	if in == nil {
		return nil, nil
	}
	if len(*in) > protocol.MaxOpenCalls {
		return nil, contacts.Errorf(contacts.EInvalid, "open_calls: at most %d call_ids", protocol.MaxOpenCalls)
	}
	out := make([]string, 0, len(*in))
	for i, id := range *in {
		id = protocol.CanonicalID(id)
		if !contacts.ValidID(id) {
			return nil, contacts.Errorf(contacts.EInvalid, "open_calls[%d]: must be a UUID", i)
		}
		out = append(out, id)
	}
	return out, nil
}

// sweepOpenCalls closes the calls open longer than calls.open_limit, at
// start (what passed the bound while the server was down) and then each
// time the oldest open call reaches it, until ctx ends.
func (s *Server) sweepOpenCalls(ctx context.Context) {
	limit := s.cfg.Calls.EffectiveOpenLimit()
	for {
		ended, err := s.db.CloseCallsOpenSince(ctx, s.now().Add(-limit))
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.log.Error("close calls open too long", "err", err)
		case len(ended) > 0:
			s.log.Info("calls open longer than calls.open_limit closed, end not reported", "calls", len(ended), "open_limit", limit)
			s.publishAllEnded(ended)
		}
		wait := limit
		if oldest, ok, err := s.db.OldestOpenCall(ctx); err == nil && ok {
			wait = min(limit, max(oldest.Add(limit).Sub(s.now()), 50*time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// publishAllEnded tells the office's live feed calls ended.
func (s *Server) publishAllEnded(calls []*contacts.Call) {
	for _, c := range calls {
		s.publishEnded(c)
	}
}

// contactName is a contact's name for the live feed, "" when unknown.
func (s *Server) contactName(id string) string {
	if id == "" {
		return ""
	}
	c, err := s.db.Contact(context.Background(), id)
	if err != nil {
		return ""
	}
	return c.Name()
}
