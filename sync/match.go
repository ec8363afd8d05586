package contactsync

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// incoming is a Google contact prepared off the store's write lock: the
// transaction that applies it only runs SQL.
type incoming struct {
	p   *people.Person
	r   *contacts.Contact // p as a ringcard contact
	raw string            // p as JSON: the base stored when it is linked
}

// prepare decodes a Google contact into ringcard's form and encodes the
// base to store, before any write transaction starts.
func prepare(p *people.Person, gn groupNames, norm contacts.Normalizer) (*incoming, error) {
	in := &incoming{p: p}
	if p.Metadata != nil && p.Metadata.Deleted {
		return in, nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode google contact %s: %w", p.ResourceName, err)
	}
	in.raw = string(b)
	in.r = fromPerson(p, gn, norm)
	return in, nil
}

// matchKeys are what make two contacts the same person: a shared phone
// number (its E.164 form, so "06 1234 5678" and "+39 06 12345678" agree)
// or a shared e-mail address (case does not matter). Short codes and
// numbers that do not parse never match: switchboards of different
// countries would.
func matchKeys(c *contacts.Contact) []string {
	var out []string
	for _, n := range c.Numbers {
		if n.E164 != "" {
			out = append(out, "n:"+n.E164)
		}
	}
	for _, e := range c.Emails {
		if a := strings.ToLower(strings.TrimSpace(e.Address)); a != "" {
			out = append(out, "e:"+a)
		}
	}
	return out
}

// nameKey is the name compared when several contacts share a number or an
// e-mail: accents, case and spacing do not matter.
func nameKey(c *contacts.Contact) string {
	return strings.Join(strings.Fields(contacts.Fold(c.Name())), " ")
}

// localIndex finds the unlinked ringcard contacts a Google contact may be.
type localIndex map[string][]string // match key -> contact IDs

func newLocalIndex(cs []*contacts.Contact) localIndex {
	ix := localIndex{}
	for _, c := range cs {
		for _, k := range matchKeys(c) {
			if ids := ix[k]; len(ids) == 0 || ids[len(ids)-1] != c.ID {
				ix[k] = append(ix[k], c.ID)
			}
		}
	}
	return ix
}

// has reports whether some unlinked ringcard contact shares a key with c.
func (ix localIndex) has(c *contacts.Contact) bool {
	for _, k := range matchKeys(c) {
		if len(ix[k]) > 0 {
			return true
		}
	}
	return false
}

// matchPlan is what to do with the unlinked contacts of both sides.
type matchPlan struct {
	links      map[string]*incoming   // ringcard contact ID -> the Google contact that is the same person
	create     []*incoming            // Google contacts that are nobody in ringcard yet
	heldLocal  map[string][]*incoming // ringcard contact ID -> the Google contacts it could be
	heldGoogle map[string]*incoming   // by resource name
}

// planMatches pairs unlinked ringcard contacts with unlinked Google
// contacts that are the same person. Two contacts are candidates when they
// share a match key; when one has several candidates, those with the same
// name are kept (the tie-break). A pair is linked when each is the other's
// only candidate; linked pairs leave the pool and the rest is looked at
// again, so a switchboard number shared by a whole office settles person
// by person. Whatever still has a candidate after that is ambiguous and
// held, on both sides, for a person to decide; the rest is nobody on the
// other side. decisions are a person's answers for held ringcard contacts:
// HoldApart, or the resource name to link to.
func planMatches(locals []*contacts.Contact, gs []*incoming, decisions map[string]string) matchPlan {
	plan := matchPlan{links: map[string]*incoming{}, heldLocal: map[string][]*incoming{}, heldGoogle: map[string]*incoming{}}
	byRN := map[string]*incoming{}
	for _, g := range gs {
		byRN[g.p.ResourceName] = g
	}
	gone := map[string]bool{} // resource names and contact IDs out of the pool
	var pool []*contacts.Contact
	for _, l := range locals {
		switch d := decisions[l.ID]; {
		case d == sqlite.HoldApart:
			continue
		case byRN[d] != nil && !gone[d]:
			plan.links[l.ID] = byRN[d]
			gone[d] = true
			continue
		}
		pool = append(pool, l)
	}
	ix := newLocalIndex(pool)
	byID := map[string]*contacts.Contact{}
	for _, l := range pool {
		byID[l.ID] = l
	}
	// Raw candidate edges, both ways.
	lc := map[string][]string{} // Google resource name -> ringcard IDs
	gc := map[string][]string{} // ringcard ID -> Google resource names
	for _, g := range gs {
		rn := g.p.ResourceName
		if gone[rn] {
			continue
		}
		seen := map[string]bool{}
		for _, k := range matchKeys(g.r) {
			for _, id := range ix[k] {
				if !seen[id] {
					seen[id] = true
					lc[rn] = append(lc[rn], id)
					gc[id] = append(gc[id], rn)
				}
			}
		}
	}
	gName := func(rn string) string { return nameKey(byRN[rn].r) }
	lName := func(id string) string { return nameKey(byID[id]) }
	for {
		progress := false
		nl := func(rn string) []string { return narrow(lc[rn], gone, gName(rn), lName) }
		ng := func(id string) []string { return narrow(gc[id], gone, lName(id), gName) }
		for _, g := range gs {
			rn := g.p.ResourceName
			if gone[rn] {
				continue
			}
			if c := nl(rn); len(c) == 1 {
				if back := ng(c[0]); len(back) == 1 && back[0] == rn {
					plan.links[c[0]] = g
					gone[rn], gone[c[0]] = true, true
					progress = true
				}
			}
		}
		if !progress {
			for _, g := range gs {
				rn := g.p.ResourceName
				switch {
				case gone[rn]:
				case len(nl(rn)) > 0:
					plan.heldGoogle[rn] = g
				default:
					plan.create = append(plan.create, g)
				}
			}
			for _, l := range pool {
				if c := ng(l.ID); !gone[l.ID] && len(c) > 0 {
					for _, rn := range c {
						plan.heldLocal[l.ID] = append(plan.heldLocal[l.ID], byRN[rn])
					}
				}
			}
			return plan
		}
	}
}

// narrow returns the candidates still in the pool, keeping only those
// named like the contact when there are several and some are.
func narrow(cands []string, gone map[string]bool, name string, nameOf func(string) string) []string {
	var live, named []string
	for _, c := range cands {
		if gone[c] {
			continue
		}
		live = append(live, c)
		if name != "" && nameOf(c) == name {
			named = append(named, c)
		}
	}
	if len(live) > 1 && len(named) > 0 {
		return named
	}
	return live
}

// summary is one line describing a contact in a match conflict.
func summary(c *contacts.Contact) string {
	parts := []string{c.Name()}
	if c.Company != "" && c.Company != c.Name() {
		parts = append(parts, c.Company)
	}
	for _, n := range c.Numbers {
		parts = append(parts, n.Raw)
	}
	for _, e := range c.Emails {
		parts = append(parts, e.Address)
	}
	return strings.Join(parts, " · ")
}

// candidateLines lists a held contact's Google candidates, one per line,
// each starting with its resource name (ResolveConflict reads it back).
func candidateLines(gs []*incoming) string {
	lines := make([]string, 0, len(gs))
	for _, g := range gs {
		lines = append(lines, g.p.ResourceName+" · "+summary(g.r))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// candidatesOf reads the resource names back from a match conflict's
// Google value.
func candidatesOf(google string) []string {
	var out []string
	for _, line := range strings.Split(google, "\n") {
		if rn, _, _ := strings.Cut(line, " · "); strings.HasPrefix(rn, "people/") {
			out = append(out, rn)
		}
	}
	return out
}
