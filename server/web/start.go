package web

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// startData is the start page under the search box: what a staff member
// does next. Each list is short and read through an index, so the page
// costs the same with a year of history as with a day.
type startData struct {
	Followups  []followupRow    // due by tonight: mine first, then the office's
	Mine       int              // how many of Followups are mine
	Missed     []callRow        // missed calls nobody returned (7 days)
	InProgress []callRow        // ringing or in progress now
	Touched    []sqlite.Touched // the clients worked on last
}

const (
	startFollowups = 10
	startMissed    = 10
	startTouched   = 10
)

// startPage gathers the start page's lists.
func (h *Handler) startPage(c *gin.Context) (*startData, error) {
	ctx := c.Request.Context()
	now := h.now().Local()
	tonight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, now.Location())
	me := currentSession(c).User.Name
	d := &startData{}
	mine, err := h.b.Followups(ctx, sqlite.FollowupFilter{Assignee: me, Status: sqlite.FollowupOpen, DueBefore: tonight, Limit: startFollowups})
	if err != nil {
		return nil, err
	}
	all := mine
	if len(mine) < startFollowups {
		// The office's, soonest first; a few more than needed so that mine,
		// already listed, leave enough.
		office, err := h.b.Followups(ctx, sqlite.FollowupFilter{Status: sqlite.FollowupOpen, DueBefore: tonight, Limit: 2 * startFollowups})
		if err != nil {
			return nil, err
		}
		for _, f := range office {
			if f.Assignee != me && len(all) < startFollowups {
				all = append(all, f)
			}
		}
	}
	d.Followups, d.Mine = h.followupRows(all), len(mine)
	if err := h.startCalls(c, d, now); err != nil {
		return nil, err
	}
	if d.Touched, err = h.b.RecentlyTouched(ctx, startTouched); err != nil {
		return nil, err
	}
	return d, nil
}

func (h *Handler) startCalls(c *gin.Context, d *startData, now time.Time) error {
	ctx := c.Request.Context()
	for _, q := range []struct {
		dst   *[]callRow
		fetch func(context.Context) ([]*contacts.Call, error)
	}{
		{&d.Missed, func(ctx context.Context) ([]*contacts.Call, error) {
			return h.b.MissedNotReturned(ctx, now.AddDate(0, 0, -7), startMissed)
		}},
		{&d.InProgress, func(ctx context.Context) ([]*contacts.Call, error) {
			return h.b.ActiveCalls(ctx, now.Add(-h.cfg.ActiveCallAge))
		}},
	} {
		calls, err := q.fetch(ctx)
		if err != nil {
			return err
		}
		if *q.dst, err = h.rows(c, calls); err != nil {
			return err
		}
	}
	return nil
}
