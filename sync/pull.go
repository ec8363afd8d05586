package contactsync

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sort"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// pull brings Google's changes in: groups first (memberships name them),
// then contacts, incrementally when a sync token is stored, in full
// otherwise or when Google expired the token.
func (e *Engine) pull(ctx context.Context, rep *Report) error {
	if err := e.pullGroups(ctx, rep); err != nil {
		return err
	}
	var tok string
	if _, err := e.db.SyncState(ctx, keyPeopleToken, &tok); err != nil {
		return err
	}
	if tok != "" {
		err := e.pullPeople(ctx, rep, tok)
		if !isExpiredSyncToken(err) {
			return err
		}
		e.o.Log.Info("google sync token expired: full resync")
	}
	rep.Full = true
	return e.pullPeople(ctx, rep, "")
}

// pullRun is the state of one contacts listing.
type pullRun struct {
	full     bool
	gn       groupNames
	locals   localIndex           // unlinked ringcard contacts, by match key
	seen     map[string]bool      // every resource name listed
	deferred map[string]*incoming // unlinked Google contacts that may be someone in ringcard
	order    []string             // deferred, in listing order
}

// pullPeople pages through connections.list. Each page is decoded off the
// write lock, then applied in short transactions; Google contacts that may
// be someone already in ringcard wait for the end of the listing
// (finishPull), where the new sync token is stored with the matching's
// outcome, so a crash means the same listing again, which applies
// idempotently (etags).
func (e *Engine) pullPeople(ctx context.Context, rep *Report, syncTok string) error {
	gs, err := e.db.SyncGroups(ctx)
	if err != nil {
		return err
	}
	locals, err := e.db.UnlinkedContacts(ctx)
	if err != nil {
		return err
	}
	run := &pullRun{full: syncTok == "", gn: newGroupNames(gs), locals: newLocalIndex(locals),
		seen: map[string]bool{}, deferred: map[string]*incoming{}}
	page := ""
	for {
		var resp *people.ListConnectionsResponse
		what := "list contacts"
		if page == "" && syncTok == "" {
			what = firstFullPage
		}
		err := e.call(ctx, rep, what, func() (err error) {
			resp, err = e.p.ListConnections(ctx, page, syncTok)
			return err
		})
		if err != nil {
			return err
		}
		ins := make([]*incoming, 0, len(resp.Connections))
		for _, p := range resp.Connections {
			if p == nil {
				continue
			}
			in, err := prepare(p, run.gn, e.db.Normalizer())
			if err != nil {
				return err
			}
			ins = append(ins, in)
		}
		if err := e.applyBatches(ctx, ins, func(tx *sqlite.SyncTx, in *incoming) error {
			run.seen[in.p.ResourceName] = true
			if err := e.applyPerson(tx, run, in, rep); err != nil {
				return fmt.Errorf("apply %s: %w", in.p.ResourceName, err)
			}
			return nil
		}); err != nil {
			return err
		}
		if resp.NextPageToken == "" {
			return e.finishPull(ctx, run, rep, resp.NextSyncToken)
		}
		page = resp.NextPageToken
	}
}

// applyBatches applies items in short write transactions (at most about
// MaxTxTime each, and ended after the current item as soon as another
// writer waits), so that the call path's writes never wait long for the
// one write connection, and lets other goroutines run between them.
func applyBatches[T any](ctx context.Context, e *Engine, todo []T, apply func(tx *sqlite.SyncTx, x T) error) error {
	for len(todo) > 0 {
		done, err := e.db.SyncBatch(ctx, len(todo), e.o.MaxTxTime, func(tx *sqlite.SyncTx, i int) error { return apply(tx, todo[i]) })
		if err != nil {
			return err
		}
		todo = todo[done:]
		runtime.Gosched()
	}
	return nil
}

func (e *Engine) applyBatches(ctx context.Context, ins []*incoming, apply func(tx *sqlite.SyncTx, in *incoming) error) error {
	return applyBatches(ctx, e, ins, apply)
}

// finishPull ends a listing: Google contacts that may be someone in
// ringcard are linked to them (merged field by field), created, or held
// when it is ambiguous (with a "match" conflict for a person to answer);
// then, with the new sync token, a full listing's deletions are detected
// and what Google lacks is queued for it.
func (e *Engine) finishPull(ctx context.Context, run *pullRun, rep *Report, syncTok string) error {
	holds, err := e.db.MatchHolds(ctx)
	if err != nil {
		return err
	}
	gs := make([]*incoming, 0, len(run.order)+len(holds.Google))
	for _, rn := range run.order {
		gs = append(gs, run.deferred[rn])
	}
	for rn, raw := range holds.Google {
		if run.full || run.seen[rn] {
			continue // listed again (or gone, in a full listing)
		}
		p, err := decodePerson(raw)
		if err != nil {
			return err
		}
		in, err := prepare(p, run.gn, e.db.Normalizer())
		if err != nil {
			return err
		}
		gs = append(gs, in)
	}
	var plan matchPlan
	if len(gs) > 0 || len(holds.Local) > 0 {
		locals, err := e.db.UnlinkedContacts(ctx)
		if err != nil {
			return err
		}
		plan = planMatches(locals, gs, holds.Local)
	}
	if err := e.applyPlan(ctx, run, plan, holds, rep); err != nil {
		return err
	}
	return e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error {
		if err := e.settleHolds(tx, plan, holds, rep); err != nil {
			return err
		}
		if run.full {
			gn, err := groupsOf(tx)
			if err != nil {
				return err
			}
			if err := e.reconcileDeleted(tx, gn, run.seen, rep); err != nil {
				return err
			}
			if _, err := tx.EnqueueUnlinked(); err != nil {
				return err
			}
		}
		return tx.SetState(keyPeopleToken, syncTok)
	})
}

// applyPlan links the matched pairs and creates the Google contacts that
// are nobody in ringcard, in short transactions.
func (e *Engine) applyPlan(ctx context.Context, run *pullRun, plan matchPlan, holds sqlite.MatchHolds, rep *Report) error {
	type step struct {
		local string // "" for a create
		in    *incoming
	}
	steps := make([]step, 0, len(plan.links)+len(plan.create))
	ids := make([]string, 0, len(plan.links))
	for id := range plan.links {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		steps = append(steps, step{id, plan.links[id]})
	}
	for _, in := range plan.create {
		steps = append(steps, step{"", in})
	}
	return applyBatches(ctx, e, steps, func(tx *sqlite.SyncTx, s step) error {
		if s.local != "" {
			ok, err := e.link(tx, run.gn, s.local, s.in, rep)
			if err != nil || ok {
				return err
			}
			if _, held := holds.Local[s.local]; held {
				if err := tx.CloseConflicts(s.local, sqlite.ConflictMatch, "linked to "+s.in.p.ResourceName); err != nil {
					return err
				}
			}
		}
		if _, err := tx.BaseByResource(s.in.p.ResourceName); err == nil {
			return nil // linked meanwhile
		} else if contacts.ErrorCode(err) != contacts.ENotFound {
			return err
		}
		return e.createLocal(tx, s.in, rep)
	})
}

// link links a ringcard contact to the Google contact that is the same
// person and merges them field by field from an empty base: a field only
// one side has is taken, a field both have with different values keeps
// both and records a conflict. ok is false when the contact was linked or
// deleted meanwhile (the Google contact is then created instead).
func (e *Engine) link(tx *sqlite.SyncTx, gn groupNames, id string, in *incoming, rep *Report) (ok bool, err error) {
	cur, err := tx.Contact(id)
	if contacts.ErrorCode(err) == contacts.ENotFound {
		return false, nil
	}
	if err != nil || cur.Deleted {
		return false, err
	}
	if _, err := tx.Base(id); err == nil {
		return false, nil
	} else if contacts.ErrorCode(err) != contacts.ENotFound {
		return false, err
	}
	if _, err := tx.BaseByResource(in.p.ResourceName); err == nil {
		return true, nil // the Google contact is linked already: nothing to create
	} else if contacts.ErrorCode(err) != contacts.ENotFound {
		return false, err
	}
	rep.Matched++
	if err := e.mergeInto(tx, gn, cur, in, rep); err != nil {
		return false, err
	}
	return true, tx.CloseConflicts(id, sqlite.ConflictMatch, "linked to "+in.p.ResourceName)
}

// settleHolds stores what stays held, records a "match" conflict for each
// ringcard contact newly held, and releases the rest: a ringcard contact
// no longer held is queued for Google.
func (e *Engine) settleHolds(tx *sqlite.SyncTx, plan matchPlan, before sqlite.MatchHolds, rep *Report) error {
	local := make([]string, 0, len(plan.heldLocal))
	for id := range plan.heldLocal {
		local = append(local, id)
	}
	sort.Strings(local)
	google := make(map[string]string, len(plan.heldGoogle))
	for rn, in := range plan.heldGoogle {
		google[rn] = in.raw
	}
	if err := tx.SetHolds(local, google); err != nil {
		return err
	}
	for _, id := range local {
		if _, was := before.Local[id]; was {
			continue
		}
		c, err := tx.Contact(id)
		if err != nil {
			return err
		}
		rep.Held++
		rep.Conflicts++
		err = tx.AddConflict(sqlite.SyncConflict{ContactID: id, Field: sqlite.ConflictMatch, Local: summary(c), Google: candidateLines(plan.heldLocal[id])})
		if err != nil {
			return err
		}
	}
	for id := range before.Local {
		if _, held := plan.heldLocal[id]; held {
			continue
		}
		if _, linked := plan.links[id]; linked {
			continue
		}
		if err := tx.CloseConflicts(id, sqlite.ConflictMatch, "no longer ambiguous: kept as its own contact"); err != nil {
			return err
		}
		c, err := tx.Contact(id)
		if contacts.ErrorCode(err) == contacts.ENotFound || (err == nil && c.Deleted) {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := tx.Base(id); err == nil {
			continue
		}
		if err := tx.Enqueue(id); err != nil {
			return err
		}
	}
	return nil
}

func groupsOf(tx *sqlite.SyncTx) (groupNames, error) {
	gs, err := tx.Groups()
	if err != nil {
		return groupNames{}, err
	}
	return newGroupNames(gs), nil
}

// applyPerson applies one Google contact: a tombstone deletes, a known
// one is merged, an unknown one that may be someone in ringcard waits for
// the matching at the end of the listing, any other is created.
func (e *Engine) applyPerson(tx *sqlite.SyncTx, run *pullRun, in *incoming, rep *Report) error {
	p := in.p
	if p.Metadata != nil && p.Metadata.Deleted {
		return e.applyDeleted(tx, run.gn, p.ResourceName, p, rep)
	}
	local, err := findLocal(tx, p)
	if contacts.ErrorCode(err) == contacts.ENotFound {
		if base, err := tx.BaseByResource(p.ResourceName); err == nil {
			// Deleted in ringcard: the outbox deletes it in Google. If it
			// was merged into another contact, Google's edit goes there.
			return e.pullMergedAway(tx, run.gn, base, in, rep)
		}
		if run.locals.has(in.r) {
			if _, dup := run.deferred[p.ResourceName]; !dup {
				run.order = append(run.order, p.ResourceName)
			}
			run.deferred[p.ResourceName] = in
			return nil
		}
		return e.createLocal(tx, in, rep)
	}
	if err != nil {
		return err
	}
	return e.mergeInto(tx, run.gn, local, in, rep)
}

// createLocal creates a ringcard contact from a Google contact, linked.
func (e *Engine) createLocal(tx *sqlite.SyncTx, in *incoming, rep *Report) error {
	c := *in.r
	if err := tx.CreateContact(&c); err != nil {
		return err
	}
	rep.PulledCreated++
	return setBase(tx, c.ID, in)
}

// findLocal finds the ringcard contact of a Google contact: by resource
// name, by a previous resource name, or by the ringcard ID ringcard put in
// its clientData when it created it.
func findLocal(tx *sqlite.SyncTx, p *people.Person) (*contacts.Contact, error) {
	names := []string{p.ResourceName}
	if p.Metadata != nil {
		names = append(names, p.Metadata.PreviousResourceNames...)
	}
	for _, n := range names {
		c, err := tx.ContactByResource(n)
		if err == nil {
			return c, nil
		}
		if contacts.ErrorCode(err) != contacts.ENotFound {
			return nil, err
		}
	}
	for _, cd := range p.ClientData {
		if cd == nil || cd.Key != clientIDKey {
			continue
		}
		c, err := tx.Contact(cd.Value)
		if err != nil || c.Deleted {
			continue
		}
		if b, err := tx.Base(c.ID); err != nil || b.ResourceName == p.ResourceName {
			return c, nil
		}
	}
	return nil, contacts.Errorf(contacts.ENotFound, "no contact for %s", p.ResourceName)
}

// mergeInto merges Google's version into the local contact against the
// last version both saw (none for a first link), records conflicts, and
// queues a push when the result holds local changes Google lacks.
func (e *Engine) mergeInto(tx *sqlite.SyncTx, gn groupNames, local *contacts.Contact, in *incoming, rep *Report) error {
	p := in.p
	base, err := tx.Base(local.ID)
	if err != nil && contacts.ErrorCode(err) != contacts.ENotFound {
		return err
	}
	if base != nil && base.Etag == p.Etag && base.ResourceName == p.ResourceName {
		return nil // our own write coming back, or nothing new
	}
	var b *contacts.Contact
	if base != nil {
		bp, err := decodePerson(base.Person)
		if err != nil {
			return err
		}
		b = fromPerson(bp, gn, tx.Normalizer())
	}
	r := in.r
	m, conflicts := merge3(b, local, r)
	m.ResourceName, m.Etag = p.ResourceName, p.Etag
	if err := setBase(tx, local.ID, in); err != nil {
		return err
	}
	if !sameContent(m, local) {
		if err := tx.SaveContact(m); err != nil {
			return err
		}
		rep.PulledUpdated++
	}
	for _, k := range conflicts {
		err := tx.AddConflict(sqlite.SyncConflict{ContactID: local.ID, Field: k.Field, Base: k.Base, Local: k.Local, Google: k.Google})
		if err != nil {
			return err
		}
		rep.Conflicts++
	}
	if !sameContent(m, r) {
		return tx.Enqueue(local.ID)
	}
	return nil
}

// applyDeleted handles a contact deleted in Google. A contact edited in
// ringcard since the last sync is kept (and made again in Google) with a
// conflict recorded: local edits are never lost.
func (e *Engine) applyDeleted(tx *sqlite.SyncTx, gn groupNames, resourceName string, p *people.Person, rep *Report) error {
	local, err := findLocal(tx, p)
	if contacts.ErrorCode(err) == contacts.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	_, bp, err := baseOf(tx, local.ID)
	if err != nil {
		return err
	}
	if bp != nil && !sameContent(local, fromPerson(bp, gn, tx.Normalizer())) {
		if err := tx.DropBase(local.ID); err != nil {
			return err
		}
		rep.Conflicts++
		err := tx.AddConflict(sqlite.SyncConflict{ContactID: local.ID, Field: "deleted", Local: "changed in ringcard (kept, made again in Google)", Google: "deleted in Google (" + resourceName + ")"})
		if err != nil {
			return err
		}
		return tx.Enqueue(local.ID)
	}
	rep.PulledDeleted++
	return tx.DeleteContact(local.ID)
}

// reconcileDeleted finds, after a full listing, the linked contacts Google
// no longer has.
func (e *Engine) reconcileDeleted(tx *sqlite.SyncTx, gn groupNames, seen map[string]bool, rep *Report) error {
	links, err := tx.Bases()
	if err != nil {
		return err
	}
	for rn := range links {
		if seen[rn] {
			continue
		}
		p := &people.Person{ResourceName: rn, Metadata: &people.PersonMetadata{Deleted: true}}
		if err := e.applyDeleted(tx, gn, rn, p, rep); err != nil {
			return err
		}
	}
	return nil
}

// baseOf returns a contact's base and its decoded person (nil, nil when
// the contact is not linked).
func baseOf(tx *sqlite.SyncTx, contactID string) (*sqlite.SyncBase, *people.Person, error) {
	b, err := tx.Base(contactID)
	if contacts.ErrorCode(err) == contacts.ENotFound {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := decodePerson(b.Person)
	return b, p, err
}

func decodePerson(s string) (*people.Person, error) {
	p := &people.Person{}
	if err := json.Unmarshal([]byte(s), p); err != nil {
		return nil, fmt.Errorf("decode stored google contact: %w", err)
	}
	return p, nil
}

func setBase(tx *sqlite.SyncTx, contactID string, in *incoming) error {
	return tx.SetBase(sqlite.SyncBase{ContactID: contactID, ResourceName: in.p.ResourceName, Etag: in.p.Etag, Person: in.raw})
}
