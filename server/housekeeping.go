package server

import (
	"context"
	"fmt"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// officeZone is the zone the office's days are counted in (days overdue,
// invoice dates, the forecast's months): the server's local zone.
func (s *Server) officeZone() *time.Location { return time.Local }

// housekeeping is what the periodic jobs remember between ticks.
type housekeeping struct {
	pruneNext time.Time // when to look for old log rows again
}

// housekeep runs the jobs that ride on the follow-ups tick (StartFollowups):
// each is cheap when there is nothing to do.
func (s *Server) housekeep(ctx context.Context, hk *housekeeping) {
	if n, err := s.AgeOverdueCards(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("overdue cards", "err", err)
	} else if n > 0 {
		s.log.Info("cards re-sent for the new day's overdue text", "count", n)
	}
	if now := s.now(); !now.Before(hk.pruneNext) {
		n, more, err := s.PruneLogs(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Error("prune the audit log and sign-in attempts", "err", err)
		case n > 0:
			s.log.Info("pruned old audit and sign-in rows", "rows", n, "more", more)
		}
		if !more { // a backlog goes on at the next tick
			hk.pruneNext = now.Add(pruneEvery)
		}
	}
}

// Pruning: how often old rows are looked for once none are left, and how
// many go per transaction and per tick.
const (
	pruneEvery  = 10 * time.Minute
	pruneBatch  = 200
	pruneRounds = 20
)

// PruneLogs deletes audit and sign-in rows older than audit_retention and
// signin_retention keep them, pruneBatch rows of each kind per short
// background transaction and at most pruneRounds transactions of each per
// call, so no write waits long behind it. more reports rows may be left.
func (s *Server) PruneLogs(ctx context.Context) (n int64, more bool, err error) {
	r := sqlite.Retention{Audit: s.cfg.AuditKeep.D(), Signins: s.cfg.SigninKeep.D()}
	for range pruneRounds {
		k, err := s.db.PruneLogs(ctx, s.now(), r, pruneBatch)
		n += k
		if err != nil || k == 0 {
			return n, false, err
		}
	}
	return n, true, nil
}

// overdueDayKey is the setting naming the last office day whose overdue
// cards were re-sent.
const overdueDayKey = "overdue_cards_day"

// AgeOverdueCards re-sends, once per office day, the cards whose "N days
// overdue" text the day's start changed (sqlite.TouchOverdueCards): phones
// with the directory saved offline get the new count. The day done is kept
// in the settings, so a server that was off at midnight catches up when it
// starts. Nothing is re-sent while no card template shows the debt. It
// returns how many cards were re-sent.
func (s *Server) AgeOverdueCards(ctx context.Context) (int, error) {
	now := s.now().In(s.officeZone())
	today := now.Format(time.DateOnly)
	var done string
	if _, err := s.db.Setting(ctx, overdueDayKey, &done); err != nil {
		return 0, fmt.Errorf("age overdue cards: %w", err)
	}
	if done == today {
		return 0, nil
	}
	n := 0
	if s.templates().Shows(contacts.FieldDebt) {
		y, m, d := now.Date()
		var err error
		if n, err = s.db.TouchOverdueCards(ctx, time.Date(y, m, d, 0, 0, 0, 0, now.Location()), 200); err != nil {
			return n, fmt.Errorf("age overdue cards: %w", err)
		}
	}
	if err := s.db.SetSetting(ctx, overdueDayKey, today); err != nil {
		return n, fmt.Errorf("age overdue cards: %w", err)
	}
	return n, nil
}
