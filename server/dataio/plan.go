package dataio

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Row actions of an import plan.
const (
	ActionCreate = "create"
	ActionMerge  = "merge"
	ActionSkip   = "skip"
)

// RowResult is what an import does (or, in a dry run, would do) with one row.
type RowResult struct {
	Row       int      `json:"row"`
	Sheet     string   `json:"sheet,omitempty"` // the workbook sheet of the row
	Name      string   `json:"name"`
	Action    string   `json:"action"`             // create, merge, skip
	Reason    string   `json:"reason"`             // why: "new contact", "same number +39...", "empty row"
	ContactID string   `json:"contact_id"`         // the contact created or merged into ("" for skips; new IDs are known after Apply)
	Notes     []string `json:"notes,omitempty"`    // what was repaired or dropped
	History   int      `json:"history,omitempty"`  // history lines that come with the row
	NoSMS     bool     `json:"no_sms,omitempty"`   // the row opts the client out of SMS
	NoEmail   bool     `json:"no_email,omitempty"` // ...and of e-mail
}

// Plan is an import worked out against the store's contacts without
// writing anything: the dry run prints it, Apply writes it.
type Plan struct {
	Source  *Source
	Rows    []RowResult
	Created int
	Merged  int
	Skipped int
	// NumberHistory is how many calls and notes of numbers without a
	// contact (unknown callers) the import keeps against their number.
	NumberHistory int
	ops           []*planOp
	numberOp      *sqlite.ImportOp
}

type planOp struct {
	op   sqlite.ImportOp
	rows []int // indexes into Plan.Rows
}

// planIndex finds existing (and planned) contacts by ID, number and e-mail.
type planIndex struct {
	byID    map[string]*target
	byKey   map[string]*target
	byEmail map[string]*target
}

type target struct {
	c  *contacts.Contact // working copy: what the contact will look like
	op *planOp
	id string // stored contact ID ("" for one this import creates)
}

// PlanImport matches each record against the store's live contacts and the
// records before it: the same ringcard ID, a shared normalized number or a
// shared e-mail makes a merge; anything else is created.
func PlanImport(ctx context.Context, db *sqlite.DB, src *Source) (*Plan, error) {
	norm := db.Normalizer()
	ix := &planIndex{byID: map[string]*target{}, byKey: map[string]*target{}, byEmail: map[string]*target{}}
	err := db.EachContact(ctx, func(c *contacts.Contact) error {
		ix.add(&target{c: c, id: c.ID})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan import: %w", err)
	}
	p := &Plan{Source: src}
	for i := range src.Records {
		rec := &src.Records[i]
		res := RowResult{Row: rec.Row, Sheet: rec.Sheet, Name: rec.Contact.Name(), Notes: rec.Notes, History: len(rec.History), NoSMS: rec.NoSMS, NoEmail: rec.NoEmail}
		if rec.Skip != "" {
			res.Action, res.Reason = ActionSkip, rec.Skip
			p.add(res, nil)
			continue
		}
		c := rec.Contact
		c.Numbers = nil
		var dropped []string
		for _, n := range rec.Contact.Numbers {
			num, err := norm.Number(n.Raw, n.Type, n.Label)
			if err != nil {
				dropped = append(dropped, contacts.ErrorMessage(err))
				continue
			}
			c.Numbers = append(c.Numbers, num)
		}
		if len(dropped) > 0 && onlyNumberIdentity(&c) {
			res.Action, res.Reason = ActionSkip, "no readable number and no real name: "+strings.Join(dropped, "; ")
			p.add(res, nil)
			continue
		}
		for _, d := range dropped {
			res.Notes = append(res.Notes, "dropped "+d)
		}
		if err := c.Validate(); err != nil {
			res.Action, res.Reason = ActionSkip, contacts.ErrorMessage(err)
			p.add(res, nil)
			continue
		}
		t, reason := ix.match(&c)
		if t == nil {
			t = &target{c: &c}
			t.op = &planOp{op: sqlite.ImportOp{Contact: t.c}}
			p.ops = append(p.ops, t.op)
			res.Action, res.Reason = ActionCreate, "new contact"
		} else {
			if changed := sqlite.MergeFields(t.c, &c); !changed && len(rec.History) == 0 {
				res.Action, res.Reason, res.ContactID = ActionSkip, "already there ("+reason+"), nothing new", t.id
				p.add(res, nil)
				continue
			}
			if t.op == nil {
				t.op = &planOp{op: sqlite.ImportOp{TargetID: t.id}}
				p.ops = append(p.ops, t.op)
			}
			if t.id != "" {
				t.op.op.Merge = append(t.op.op.Merge, &c)
			}
			res.Action, res.Reason, res.ContactID = ActionMerge, reason, t.id
			if t.id == "" {
				first := p.Rows[t.op.rows[0]]
				res.Reason += " as row " + fmt.Sprint(first.Row)
				if first.Sheet != rec.Sheet {
					res.Reason += " of " + first.Sheet
				}
			}
		}
		t.op.op.History = append(t.op.op.History, rec.History...)
		name := src.Name
		if rec.Sheet != "" && rec.Sheet != src.Sheet {
			name += " sheet " + rec.Sheet
		}
		t.op.op.Source = appendSource(t.op.op.Source, name, rec.Row)
		ix.add(t)
		p.add(res, t.op)
	}
	if len(src.NumberHistory) > 0 {
		p.numberOp = &sqlite.ImportOp{History: src.NumberHistory, Source: "import " + src.Name + " history"}
		p.NumberHistory = len(src.NumberHistory)
	}
	return p, nil
}

func appendSource(s, name string, row int) string {
	if s == "" {
		return fmt.Sprintf("import %s row %d", name, row)
	}
	if strings.Count(s, ",") < 3 {
		return s + fmt.Sprintf(", %d", row)
	}
	if !strings.HasSuffix(s, "…") {
		return s + "…"
	}
	return s
}

func (p *Plan) add(res RowResult, op *planOp) {
	switch res.Action {
	case ActionCreate:
		p.Created++
	case ActionMerge:
		p.Merged++
	default:
		p.Skipped++
	}
	if op != nil && res.Action != ActionSkip {
		op.rows = append(op.rows, len(p.Rows))
	}
	p.Rows = append(p.Rows, res)
}

func (ix *planIndex) add(t *target) {
	if id := firstNonEmpty(t.id, t.c.ID); id != "" {
		ix.byID[id] = t
	}
	for _, n := range t.c.Numbers {
		if _, ok := ix.byKey[n.Key]; !ok && n.Key != "" {
			ix.byKey[n.Key] = t
		}
	}
	for _, e := range t.c.Emails {
		k := strings.ToLower(strings.TrimSpace(e.Address))
		if _, ok := ix.byEmail[k]; !ok && k != "" {
			ix.byEmail[k] = t
		}
	}
}

func (ix *planIndex) match(c *contacts.Contact) (*target, string) {
	if t := ix.byID[c.ID]; t != nil && c.ID != "" {
		return t, "same ringcard ID"
	}
	// A row of a ringcard export (it has an ID) is its own contact: rows
	// of the same export sharing a number stay apart, as they were.
	ok := func(t *target) bool { return t != nil && (c.ID == "" || t.id != "") }
	for _, n := range c.Numbers {
		if t := ix.byKey[n.Key]; ok(t) {
			return t, "same number " + n.Key
		}
	}
	for _, e := range c.Emails {
		if t := ix.byEmail[strings.ToLower(strings.TrimSpace(e.Address))]; ok(t) {
			return t, "same e-mail " + e.Address
		}
	}
	return nil, ""
}

// Progress is told how many contacts of the plan are written so far.
type Progress func(done, total int)

// BatchSize is how many contacts Apply writes per transaction at most.
const BatchSize = 500

// Apply writes the plan through the store in transactions of up to
// BatchSize contacts (fewer when a phone's write is waiting: the store
// lets it go first), with the actor in ctx for the audit log, calling
// progress after each. Rows that create a contact get its new ID.
func (p *Plan) Apply(ctx context.Context, db *sqlite.DB, progress Progress) error {
	total := len(p.ops)
	for done := 0; done < total; {
		end := min(done+BatchSize, total)
		batch := make([]sqlite.ImportOp, 0, end-done)
		for _, o := range p.ops[done:end] {
			batch = append(batch, o.op)
		}
		results, err := db.ApplyImport(ctx, batch) // may write fewer (a phone's write was waiting)
		if err != nil {
			return err
		}
		for i, res := range results {
			for _, r := range p.ops[done+i].rows {
				p.Rows[r].ContactID = res.ContactID
			}
		}
		done += len(results)
		if progress != nil {
			progress(done, total)
		}
	}
	yes := true
	for _, r := range p.Rows { // opt-outs only ever added by an import, never cleared
		if r.ContactID == "" || r.Action == ActionSkip || (!r.NoSMS && !r.NoEmail) {
			continue
		}
		var sms, email *bool
		if r.NoSMS {
			sms = &yes
		}
		if r.NoEmail {
			email = &yes
		}
		if err := db.SetOptOut(ctx, r.ContactID, sms, email, "import "+p.Source.Name+" row "+strconv.Itoa(r.Row)); err != nil {
			return fmt.Errorf("import opt-out: %w", err)
		}
	}
	if p.numberOp != nil { // after the contacts, so a number one of them has finds it
		if _, err := db.ApplyImport(ctx, []sqlite.ImportOp{*p.numberOp}); err != nil {
			return err
		}
	}
	return p.applyOrders(ctx, db) // after the contacts they belong to
}

// Contacts is how many contacts Apply writes (created or changed).
func (p *Plan) Contacts() int { return len(p.ops) }

// placeholderNames are what phones put in a card's name when they had no
// name for a number ("Numero sconosciuto"): no identity of their own.
var placeholderNames = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []string{"unknown", "unknown number", "unknown caller", "no name", "private number", "withheld", "private",
		"sconosciuto", "numero sconosciuto", "numero privato", "senza nome", "anonimo",
		"неизвестный", "неизвестный номер", "неизвестно", "без имени", "скрытый номер", "номер скрыт"} {
		m[foldHeader(s)] = true
	}
	return m
}()

// onlyNumberIdentity reports whether a row whose numbers were all
// unreadable has nothing else that says who it is: no number or e-mail
// left, and a name that is empty, a phone's placeholder ("Numero
// sconosciuto") or the unreadable number itself. Such a row is skipped; a
// row with a real name keeps it (with the dropped number noted).
func onlyNumberIdentity(c *contacts.Contact) bool {
	if len(c.Numbers) > 0 || len(c.Emails) > 0 || c.Company != "" {
		return false
	}
	name := foldHeader(c.Name())
	return name == "" || placeholderNames[name] || strings.Trim(c.Name(), "0123456789+-*#()./ ") == ""
}
