package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// StageCount is how many live contacts are in a stage, in total or as last
// moved there by one staff member.
type StageCount struct {
	Stage string `json:"stage"`
	By    string `json:"by,omitempty"`
	Count int    `json:"count"`
}

// DayCount is how many calls a staff member made or took on one day.
type DayCount struct {
	Day   string `json:"day"` // YYYY-MM-DD in the server's time zone
	By    string `json:"by"`
	Calls int    `json:"calls"`
}

// PipelineStats are the figures the office charts.
type PipelineStats struct {
	Stages         []StageCount `json:"stages"`
	StagesByStaff  []StageCount `json:"stages_by_staff"`
	CallsPerDay    []DayCount   `json:"calls_per_day"`
	MissedReturned int          `json:"missed_returned"`
	MissedOpen     int          `json:"missed_not_returned"`
	AvgReturnS     float64      `json:"avg_return_s"` // average time from a missed call to the first call back
}

// PipelineStats counts contacts per stage (and per staff member who last
// moved them), calls per staff member per day in [since, until), and how
// fast missed calls in that range were returned. tz is the zone days are
// counted in.
func (db *DB) PipelineStats(ctx context.Context, since, until time.Time, tz *time.Location) (*PipelineStats, error) {
	out := &PipelineStats{Stages: []StageCount{}, StagesByStaff: []StageCount{}, CallsPerDay: []DayCount{}}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT stage, COUNT(*) FROM contacts WHERE deleted = 0 AND stage != '' GROUP BY stage ORDER BY stage`)
	if err != nil {
		return nil, fmt.Errorf("count stages: %w", err)
	}
	for rows.Next() {
		var s StageCount
		if err := rows.Scan(&s.Stage, &s.Count); err != nil {
			rows.Close()
			return nil, fmt.Errorf("count stages: %w", err)
		}
		out.Stages = append(out.Stages, s)
	}
	rows.Close()
	rows, err = db.reader(ctx).QueryContext(ctx, `SELECT c.stage, COALESCE((SELECT by_name FROM stage_changes s WHERE s.contact_id = c.id ORDER BY s.at_ms DESC, s.id DESC LIMIT 1), '') AS by_name, COUNT(*)
		FROM contacts c WHERE c.deleted = 0 AND c.stage != '' GROUP BY 1, 2 ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("count stages by staff: %w", err)
	}
	for rows.Next() {
		var s StageCount
		if err := rows.Scan(&s.Stage, &s.By, &s.Count); err != nil {
			rows.Close()
			return nil, fmt.Errorf("count stages by staff: %w", err)
		}
		out.StagesByStaff = append(out.StagesByStaff, s)
	}
	rows.Close()
	_, offset := since.In(tz).Zone()
	rows, err = db.reader(ctx).QueryContext(ctx, `SELECT date((started_ms / 1000) + ?, 'unixepoch') AS day, by_name, COUNT(*) FROM calls
		WHERE started_ms >= ? AND started_ms < ? GROUP BY 1, 2 ORDER BY 1, 2`, offset, ms(since), ms(until))
	if err != nil {
		return nil, fmt.Errorf("count calls: %w", err)
	}
	for rows.Next() {
		var d DayCount
		if err := rows.Scan(&d.Day, &d.By, &d.Calls); err != nil {
			rows.Close()
			return nil, fmt.Errorf("count calls: %w", err)
		}
		out.CallsPerDay = append(out.CallsPerDay, d)
	}
	rows.Close()
	var avg *float64
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(back), COUNT(*) - COUNT(back), AVG(back - started_ms) / 1000.0 FROM (
		SELECT m.started_ms, (SELECT MIN(o.started_ms) FROM calls o WHERE o.number_key = m.number_key AND o.started_ms > m.started_ms
			AND (o.direction = 'outgoing' OR o.outcome = 'answered')) AS back
		FROM calls m WHERE m.direction = 'incoming' AND m.outcome IN ('missed', 'rejected', 'busy') AND m.number_key != ''
			AND m.started_ms >= ? AND m.started_ms < ?)`, ms(since), ms(until)).Scan(&out.MissedReturned, &out.MissedOpen, &avg)
	if err != nil {
		return nil, fmt.Errorf("time to return missed calls: %w", err)
	}
	if avg != nil {
		out.AvgReturnS = *avg
	}
	return out, nil
}

// ContactsInStages lists live contacts whose stage is one of stages and
// whose last stage change is before `movedBefore` (zero: any time), oldest
// move first: leads in progress, or clients interested but not ordering.
func (db *DB) ContactsInStages(ctx context.Context, stages []string, movedBefore time.Time, limit int) ([]*contacts.Contact, error) {
	if len(stages) == 0 {
		return []*contacts.Contact{}, nil
	}
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	list, _ := jsonString(stages)
	before := ms(movedBefore)
	if before == 0 {
		before = 1 << 62
	}
	// A contact never moved (its stage came with it, from an import or the
	// demo) counts from its earliest known activity.
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT c.data, c.rev, COALESCE((SELECT MAX(at_ms) FROM stage_changes s WHERE s.contact_id = c.id),
			MIN(c.created_ms, COALESCE((SELECT MIN(started_ms) FROM calls k WHERE k.contact_id = c.id), c.created_ms),
				COALESCE((SELECT MIN(at_ms) FROM notes n WHERE n.contact_id = c.id), c.created_ms))) AS moved
		FROM contacts c WHERE c.deleted = 0 AND c.stage IN (SELECT value FROM json_each(?)) AND moved < ? ORDER BY moved, c.id LIMIT ?`, list, before, limit)
	if err != nil {
		return nil, fmt.Errorf("list contacts in stages: %w", err)
	}
	defer rows.Close()
	out := []*contacts.Contact{}
	for rows.Next() {
		var data string
		var rev, moved int64
		if err := rows.Scan(&data, &rev, &moved); err != nil {
			return nil, fmt.Errorf("list contacts in stages: %w", err)
		}
		c, err := decodeContact(data, rev, false)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Pipeline is the configured order of stages: the ones a lead moves
// through, the stage that means an order was placed, and the closing ones.
type Pipeline struct {
	Stages []string `json:"stages"` // in order, e.g. new, quoted, ordered, paid, done
	Lost   string   `json:"lost"`   // the stage for a lead that went nowhere
	Order  string   `json:"order"`  // the first stage that means an order
}

// DefaultPipeline is new -> quoted -> ordered -> paid -> done, or lost.
func DefaultPipeline() Pipeline {
	return Pipeline{Stages: []string{"new", "quoted", "ordered", "paid", "done"}, Lost: "lost", Order: "ordered"}
}

const pipelineKey = "pipeline"

// Pipeline returns the configured pipeline (the default until one is set).
func (db *DB) Pipeline(ctx context.Context) (Pipeline, error) {
	p := DefaultPipeline()
	if _, err := db.Setting(ctx, pipelineKey, &p); err != nil {
		return p, fmt.Errorf("load pipeline: %w", err)
	}
	return p, nil
}

// SetPipeline validates and stores the pipeline.
func (db *DB) SetPipeline(ctx context.Context, p Pipeline) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.SetSetting(ctx, pipelineKey, p)
}

// Validate checks stage names: lower-case words, no repeats, the order
// stage among them.
func (p *Pipeline) Validate() error {
	if len(p.Stages) < 2 || len(p.Stages) > 20 {
		return contacts.Errorf(contacts.EInvalid, "stages: between 2 and 20")
	}
	seen := map[string]bool{}
	for _, s := range append(append([]string{}, p.Stages...), p.Lost) {
		if s == "" || len(s) > 40 || s != strings.ToLower(strings.TrimSpace(s)) {
			return contacts.Errorf(contacts.EInvalid, "stages: %q must be a lower-case name of at most 40 bytes", s)
		}
		if seen[s] {
			return contacts.Errorf(contacts.EInvalid, "stages: %q appears twice", s)
		}
		seen[s] = true
	}
	if !seen[p.Order] || p.Order == p.Lost {
		return contacts.Errorf(contacts.EInvalid, "order: %q must be one of the stages", p.Order)
	}
	return nil
}

// Valid reports whether stage is one of the pipeline's.
func (p *Pipeline) Valid(stage string) bool {
	if stage == p.Lost {
		return true
	}
	for _, s := range p.Stages {
		if s == stage {
			return true
		}
	}
	return false
}

// Interested are the stages before the order stage: a lead in progress.
func (p *Pipeline) Interested() []string {
	var out []string
	for _, s := range p.Stages {
		if s == p.Order {
			break
		}
		out = append(out, s)
	}
	return out
}

// InProgress are the stages that are neither closed (the last stage) nor lost.
func (p *Pipeline) InProgress() []string {
	return append([]string{}, p.Stages[:len(p.Stages)-1]...)
}
