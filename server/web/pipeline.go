package web

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// bar is one row of a bar chart: a label, a count and its width in percent
// of the largest.
type bar struct {
	Label string
	Count int
	Pct   int
}

type staffRow struct {
	By     string
	Counts []int // per stage, in the pipeline's order
	Calls  int   // calls made or taken in the period
}

type pipelineData struct {
	Days, InterestedDays int
	Pipeline             sqlite.Pipeline
	Columns              []string // the pipeline's stages and its lost stage
	Stages               []bar
	Staff                []staffRow
	MissedReturned       int
	MissedOpen           int
	AvgReturn            string
	Interested           []*contacts.Contact
	Leads                int
}

// Periods are the chart periods offered, in days.
func (pipelineData) Periods() []int { return []int{7, 30, 90, 365} }

// pipelinePage charts the order pipeline (contacts per stage and per staff
// member, calls per staff member, how fast missed calls are returned) and
// lists who to call back: interested, but no order after N days.
func (h *Handler) pipelinePage(c *gin.Context) error {
	ctx := c.Request.Context()
	d := pipelineData{Days: dayParam(c, "days", 30), InterestedDays: dayParam(c, "interested", 14)}
	var err error
	if d.Pipeline, err = h.b.Pipeline(ctx); err != nil {
		return err
	}
	now := h.now()
	st, err := h.b.PipelineStats(ctx, now.AddDate(0, 0, -d.Days), now, time.Local)
	if err != nil {
		return err
	}
	d.Columns = append(append([]string{}, d.Pipeline.Stages...), d.Pipeline.Lost)
	counts := map[string]int{}
	var unlisted []string // stages contacts are at that the pipeline no longer has
	for _, s := range st.Stages {
		counts[s.Stage] = s.Count
		if s.Stage != "" && !contains(d.Columns, s.Stage) {
			unlisted = append(unlisted, s.Stage)
		}
	}
	sort.Strings(unlisted)
	d.Columns = append(d.Columns, unlisted...)
	largest := 1
	for _, s := range d.Columns {
		largest = max(largest, counts[s])
	}
	for _, s := range d.Columns {
		d.Stages = append(d.Stages, bar{Label: s, Count: counts[s], Pct: counts[s] * 100 / largest})
	}
	staff := map[string]*staffRow{}
	row := func(by string) *staffRow {
		if staff[by] == nil {
			staff[by] = &staffRow{By: by, Counts: make([]int, len(d.Columns))}
		}
		return staff[by]
	}
	for _, s := range st.StagesByStaff {
		for i, col := range d.Columns {
			if col == s.Stage {
				row(s.By).Counts[i] += s.Count
			}
		}
	}
	for _, dc := range st.CallsPerDay {
		row(dc.By).Calls += dc.Calls
	}
	for _, r := range staff {
		d.Staff = append(d.Staff, *r)
	}
	sort.Slice(d.Staff, func(i, j int) bool { return d.Staff[i].By < d.Staff[j].By })
	d.MissedReturned, d.MissedOpen = st.MissedReturned, st.MissedOpen
	if st.AvgReturnS > 0 {
		d.AvgReturn = duration(int(st.AvgReturnS))
	}
	// Contacts at a stage the pipeline no longer has are still leads (until
	// someone moves them) and may be waiting for a call back.
	interested := append(d.Pipeline.Interested(), unlisted...)
	if d.Interested, err = h.b.ContactsInStages(ctx, interested, now.AddDate(0, 0, -d.InterestedDays), 200); err != nil {
		return err
	}
	for _, s := range append(d.Pipeline.InProgress(), unlisted...) {
		d.Leads += counts[s]
	}
	return h.render(c, http.StatusOK, "pipeline", d)
}

// dayParam reads ?name=N days (1 to 3650), else def.
func dayParam(c *gin.Context, name string, def int) int {
	if n, err := strconv.Atoi(c.Query(name)); err == nil && n >= 1 && n <= 3650 {
		return n
	}
	return def
}
