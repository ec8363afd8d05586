package contactsync

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// maxEtagRetries bounds fetch-merge-retry rounds for one contact when
// someone keeps editing it in Google.
const maxEtagRetries = 5

// outboxChunk is how many outbox entries are planned together: one batch
// request's worth.
const outboxChunk = BatchCreateMax

// flushRun is one replay of the outbox, lane by lane: staff's single
// changes first, then bulk jobs' (imports, what a full sync found
// missing). A bulk chunk lets staff's lane go first between any two of
// its requests, so a note taken during a long import waits for one
// request, not for the import.
type flushRun struct {
	e          *Engine
	rep        *Report
	linkedOnly bool  // only contacts Google has (the listing did not run): no creates
	afterBulk  int64 // outbox ids up to these were seen this cycle
	afterMain  int64
	inFlight   map[string]bool // contacts of the bulk chunk being sent
	deferred   []string        // staff changes to contacts in flight: sent after them
}

// flush replays the outbox in chunks sent with the batch methods. It
// stops at the first failure that may pass (Google down, quota): the
// entries stay first in line. An entry Google rejects outright is
// recorded and left for the next cycle, so it cannot block the rest.
func (e *Engine) flush(ctx context.Context, rep *Report, linkedOnly bool) error {
	f := &flushRun{e: e, rep: rep, linkedOnly: linkedOnly}
	defer e.saveDrain(ctx)
	for {
		if err := f.drainStaff(ctx); err != nil {
			return err
		}
		entries, err := e.db.NextOutboxLane(ctx, true, f.afterBulk, outboxChunk)
		if err != nil || len(entries) == 0 {
			return err
		}
		f.afterBulk = entries[len(entries)-1].ID
		if err := f.chunk(ctx, entries, true); err != nil {
			return err
		}
	}
}

// drainStaff sends staff's lane until it is empty.
func (f *flushRun) drainStaff(ctx context.Context) error {
	for {
		entries, err := f.e.db.NextOutboxLane(ctx, false, f.afterMain, outboxChunk)
		if err != nil || len(entries) == 0 {
			return err
		}
		f.afterMain = entries[len(entries)-1].ID
		if err := f.chunk(ctx, entries, false); err != nil {
			return err
		}
	}
}

// between runs between two requests of a bulk chunk: staff's lane goes
// first.
func (f *flushRun) between(ctx context.Context, bulk bool) error {
	if !bulk {
		return nil
	}
	return f.drainStaff(ctx)
}

// chunk replays entries in order: contacts together in batches, other
// operations (groups) one by one where they stand.
func (f *flushRun) chunk(ctx context.Context, entries []sqlite.OutboxEntry, bulk bool) error {
	var ids []string
	seen := map[string]bool{}
	push := func() error {
		err := f.pushContacts(ctx, ids, bulk)
		ids, seen = nil, map[string]bool{}
		return err
	}
	for _, en := range entries {
		if en.Op == sqlite.OutboxContact {
			if !seen[en.ContactID] {
				seen[en.ContactID] = true
				ids = append(ids, en.ContactID)
			}
			continue
		}
		if err := push(); err != nil {
			return err
		}
		if err := f.e.pushOther(ctx, f.rep, en); err != nil {
			return err
		}
	}
	return push()
}

// pushOther replays an entry that is not a contact's state.
func (e *Engine) pushOther(ctx context.Context, rep *Report, en sqlite.OutboxEntry) error {
	var err error
	switch en.Op {
	case sqlite.OutboxGroupRename, sqlite.OutboxGroupDelete:
		err = e.pushGroupOp(ctx, rep, en)
	default:
		err = e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error { return tx.DoneOutbox(en.ID) })
	}
	return e.entryFailed(ctx, en.ID, en.ContactID, err)
}

// entryFailed records a failed entry: it stays queued. A failure that may
// pass (Google down, quota) ends the cycle; one Google rejects outright
// is logged and skipped.
func (e *Engine) entryFailed(ctx context.Context, id int64, contactID string, err error) error {
	if err == nil {
		return nil
	}
	_ = e.db.OutboxFailed(context.WithoutCancel(ctx), id, err.Error())
	if retryable(err) || ctx.Err() != nil {
		return err
	}
	e.o.Log.Warn("google rejected a change; it stays queued", "outbox_id", id, "contact", contactID, "err", err)
	return nil
}

// pushContacts sends the current state of contacts to Google, batched:
// creates, updates (grouped by the fields they change) and deletes. A
// stale etag is resolved by fetching and merging Google's copy, then the
// contact goes again in the next round.
func (f *flushRun) pushContacts(ctx context.Context, ids []string, bulk bool) error {
	if !bulk && len(f.inFlight) > 0 {
		// a staff change to a contact the bulk chunk is sending: it goes
		// right after, as the contact's next state
		keep := ids[:0:0]
		for _, id := range ids {
			if f.inFlight[id] {
				f.deferred = append(f.deferred, id)
			} else {
				keep = append(keep, id)
			}
		}
		ids = keep
	}
	if bulk {
		f.inFlight = map[string]bool{}
		for _, id := range ids {
			f.inFlight[id] = true
		}
		defer func() {
			f.inFlight = nil
		}()
	}
	for round := 0; len(ids) > 0; round++ {
		if round > maxEtagRetries {
			for _, id := range ids {
				f.e.o.Log.Warn("google's copy kept changing; the change stays queued", "contact", id)
			}
			break
		}
		pl, err := f.e.plan(ctx, f.rep, ids)
		if err != nil {
			return err
		}
		if f.linkedOnly {
			pl.creates = nil // they stay queued for a cycle whose pull ran
		}
		if ids, err = f.send(ctx, pl, bulk); err != nil {
			return err
		}
		f.rep.EtagRetries += len(ids)
	}
	if bulk && len(f.deferred) > 0 {
		d := f.deferred
		f.deferred, f.inFlight = nil, nil
		return f.pushContacts(ctx, d, false)
	}
	return nil
}

// pushItem is one contact to send.
type pushItem struct {
	snap   *sqlite.PushSnapshot
	person *people.Person // what is sent (creates, updates)
	rn     string         // its resource name (updates, deletes)
}

// pushPlan is what a round sends, by kind; updates are grouped by the
// fields they change (one update mask a request).
type pushPlan struct {
	creates []*pushItem
	updates map[string][]*pushItem // by comma-joined fields
	deletes []*pushItem
	// mergedAway are deletes of contacts merged into another: sent last,
	// after the kept contact's update, each after a look at Google's copy
	// (mergegone.go).
	mergedAway []*pushItem
}

// plan reads each contact's state and sorts out what to send. What needs
// no request (gone locally, held by the matching, nothing changed) is
// settled here.
func (e *Engine) plan(ctx context.Context, rep *Report, ids []string) (*pushPlan, error) {
	pl := &pushPlan{updates: map[string][]*pushItem{}}
	var done []*sqlite.PushSnapshot
	var snaps []*sqlite.PushSnapshot
	var groups []string
	for _, id := range ids {
		snap, err := e.db.PushSnapshot(ctx, id, e.o.NotesInLog)
		if contacts.ErrorCode(err) == contacts.ENotFound {
			done = append(done, &sqlite.PushSnapshot{Contact: &contacts.Contact{ID: id}, MaxOutboxID: 1 << 62})
			continue
		}
		if err != nil {
			return nil, err
		}
		switch {
		case snap.Contact.Deleted && snap.Base == nil:
			done = append(done, snap)
		case snap.Contact.Deleted:
			_, merged, err := e.db.MergedInto(ctx, snap.Contact.ID)
			if err != nil {
				return nil, err
			}
			it := &pushItem{snap: snap, rn: snap.Base.ResourceName}
			if merged {
				pl.mergedAway = append(pl.mergedAway, it)
			} else {
				pl.deletes = append(pl.deletes, it)
			}
		case snap.Base == nil && snap.Held:
			// Held by the matching (it may be one of several Google
			// contacts): settled at the next pull, queued again then.
			done = append(done, snap)
		default:
			snaps = append(snaps, snap)
			groups = append(groups, snap.Contact.Groups...)
		}
	}
	if err := e.settle(ctx, done); err != nil {
		return nil, err
	}
	if len(snaps) == 0 {
		return pl, nil
	}
	gn, err := e.ensureGroups(ctx, rep, groups)
	if err != nil {
		return nil, err
	}
	done = done[:0]
	for _, snap := range snaps {
		c := snap.Contact
		bio := composeNote(c.Note, snap.Notes, e.o.NoteLogLimit, e.o.Location)
		if snap.Base == nil {
			p := toPerson(c, nil, gn, bio, e.db.Normalizer())
			p.ClientData = []*people.ClientData{{Key: clientIDKey, Value: c.ID}}
			pl.creates = append(pl.creates, &pushItem{snap: snap, person: p})
			continue
		}
		bp, err := decodePerson(snap.Base.Person)
		if err != nil {
			return nil, err
		}
		fields := changedFields(c, fromPerson(bp, gn, e.db.Normalizer()))
		if bio != biography(bp) && !slices.Contains(fields, "biographies") {
			fields = append(fields, "biographies")
		}
		if len(fields) == 0 {
			done = append(done, snap)
			continue
		}
		sort.Strings(fields)
		p := toPerson(c, bp, gn, bio, e.db.Normalizer())
		p.ResourceName, p.Etag = bp.ResourceName, bp.Etag
		key := strings.Join(fields, ",")
		pl.updates[key] = append(pl.updates[key], &pushItem{snap: snap, person: p, rn: bp.ResourceName})
	}
	return pl, e.settle(ctx, done)
}

// settle clears the queued entries of contacts that need no request (a
// deleted contact Google never had loses its link too).
func (e *Engine) settle(ctx context.Context, snaps []*sqlite.PushSnapshot) error {
	return applyBatches(ctx, e, snaps, func(tx *sqlite.SyncTx, s *sqlite.PushSnapshot) error {
		if s.Contact.Deleted {
			if err := tx.DropBase(s.Contact.ID); err != nil {
				return err
			}
		}
		return tx.DoneContact(s.Contact.ID, s.MaxOutboxID)
	})
}

// send sends a plan, batch by batch, and returns the contacts to send
// again (their etag was stale, or Google had deleted them: merged or to
// be created again).
func (f *flushRun) send(ctx context.Context, pl *pushPlan, bulk bool) (again []string, err error) {
	e := f.e
	for part := range slices.Chunk(pl.deletes, BatchDeleteMax) {
		if err := f.between(ctx, bulk); err != nil {
			return nil, err
		}
		if err := e.sendDeletes(ctx, f.rep, part); err != nil {
			return nil, err
		}
	}
	for part := range slices.Chunk(pl.creates, BatchCreateMax) {
		if err := f.between(ctx, bulk); err != nil {
			return nil, err
		}
		if err := e.sendCreates(ctx, f.rep, part); err != nil {
			return nil, err
		}
	}
	keys := make([]string, 0, len(pl.updates))
	for k := range pl.updates {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for part := range slices.Chunk(pl.updates[k], BatchUpdateMax) {
			if err := f.between(ctx, bulk); err != nil {
				return nil, err
			}
			a, err := e.sendUpdates(ctx, f.rep, part, strings.Split(k, ","))
			if err != nil {
				return nil, err
			}
			again = append(again, a...)
		}
	}
	return again, f.sendMergedAway(ctx, pl.mergedAway, bulk)
}

// sendDeletes deletes contacts in Google. When Google refuses the batch
// (one is gone already), the ones still there are deleted again; refused
// again, they stay queued with Google's reason.
func (e *Engine) sendDeletes(ctx context.Context, rep *Report, items []*pushItem) error {
	rns := make([]string, len(items))
	for i, it := range items {
		rns[i] = it.rn
	}
	err := e.call(ctx, rep, "delete contacts", func() error { return e.p.BatchDelete(ctx, rns) })
	if rejected(err) { // one is gone already (404), or Google names none
		live, gerr := e.live(ctx, rep, rns)
		if gerr != nil {
			return gerr
		}
		err = nil
		if len(live) > 0 {
			err = e.call(ctx, rep, "delete contacts", func() error { return e.p.BatchDelete(ctx, live) })
		}
		if rejected(err) { // refused again: these wait, the rest goes on
			for _, it := range items {
				if ferr := e.entryFailed(ctx, it.snap.MaxOutboxID, it.snap.Contact.ID, err); ferr != nil {
					return ferr
				}
			}
			return nil
		}
	}
	if err != nil {
		return err
	}
	rep.PushedDeleted += len(items)
	e.prog.pushed(len(items))
	return applyBatches(ctx, e, items, func(tx *sqlite.SyncTx, it *pushItem) error {
		if err := tx.DropBase(it.snap.Contact.ID); err != nil {
			return err
		}
		return tx.DoneContact(it.snap.Contact.ID, it.snap.MaxOutboxID)
	})
}

// live returns which of the contacts Google still has.
func (e *Engine) live(ctx context.Context, rep *Report, rns []string) ([]string, error) {
	var out []string
	for part := range slices.Chunk(rns, BatchGetMax) {
		var rs []*people.PersonResponse
		err := e.call(ctx, rep, "get contacts", func() (err error) {
			rs, err = e.p.BatchGet(ctx, part)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if personOK(r) {
				out = append(out, r.RequestedResourceName)
			}
		}
	}
	return out, nil
}

// sendCreates makes contacts in Google in one request. The request is not
// repeated on an unclear failure (it may have been applied): the next
// cycle pulls first and links the new Google contacts by the ringcard ID
// they carry. When Google refuses the batch for some contacts, those are
// recorded as failed and the rest go again at once.
func (e *Engine) sendCreates(ctx context.Context, rep *Report, items []*pushItem) error {
	for len(items) > 0 {
		ps := make([]*people.Person, len(items))
		for i, it := range items {
			ps[i] = it.person
		}
		var got []*people.PersonResponse
		err := e.callQuota(ctx, rep, "create contacts", func() (err error) {
			got, err = e.p.BatchCreate(ctx, ps)
			return err
		})
		if err != nil {
			bad := batchErrors(err)
			if bad == nil && len(items) > 1 && rejected(err) {
				// refused without naming the contact: one by one finds it
				for _, it := range items {
					if err := e.sendCreates(ctx, rep, []*pushItem{it}); err != nil {
						return err
					}
				}
				return nil
			}
			if bad == nil {
				if len(items) == 1 && rejected(err) {
					return e.entryFailed(ctx, items[0].snap.MaxOutboxID, items[0].snap.Contact.ID, err)
				}
				return err
			}
			var rest []*pushItem
			for i, it := range items {
				if ce, ok := bad[strconv.Itoa(i)]; ok {
					if err := e.entryFailed(ctx, it.snap.MaxOutboxID, it.snap.Contact.ID, rejectedContact{"create contact", ce}); err != nil {
						return err
					}
					continue
				}
				rest = append(rest, it)
			}
			if len(rest) == len(items) {
				return err // Google named none of them
			}
			items = rest
			continue
		}
		var ok []*pushItem
		var stored []*people.Person
		for i, it := range items {
			if i >= len(got) || !personOK(got[i]) {
				ce := contactError{Message: "no contact in Google's answer"}
				if i < len(got) && got[i] != nil && got[i].Status != nil {
					ce = contactError{Code: int(got[i].Status.Code), Message: got[i].Status.Message}
				}
				if err := e.entryFailed(ctx, it.snap.MaxOutboxID, it.snap.Contact.ID, rejectedContact{"create contact", ce}); err != nil {
					return err
				}
				continue
			}
			ok = append(ok, it)
			stored = append(stored, got[i].Person)
		}
		rep.PushedCreated += len(ok)
		e.prog.pushed(len(ok))
		return e.adoptAll(ctx, ok, stored)
	}
	return nil
}

// personOK reports a batch answer that carries its contact. Google's
// per-person status is status (a google.rpc.Status, code 0 or absent
// when fine); httpStatusCode is deprecated and may be absent.
func personOK(r *people.PersonResponse) bool {
	return r != nil && r.Person != nil && (r.Status == nil || r.Status.Code == 0) &&
		(r.HttpStatusCode == 0 || r.HttpStatusCode/100 == 2)
}

// personGone reports a batch answer saying the contact is not there.
func personGone(r *people.PersonResponse) bool {
	return r != nil && (r.HttpStatusCode == http.StatusNotFound || (r.Status != nil && r.Status.Code == rpcNotFound))
}

// rejected reports an error Google answers for the request itself (4xx
// other than quota): sending it again unchanged cannot help.
func rejected(err error) bool {
	g := apiError(err)
	return g != nil && g.Code >= 400 && g.Code < 500 && g.Code != http.StatusTooManyRequests
}

// sendUpdates updates contacts that change the same fields, in one
// request. Google refuses the whole batch when one contact is stale or
// gone, naming it: that one is fetched and merged (or, gone, made again)
// and returned to go again; the others go again at once.
func (e *Engine) sendUpdates(ctx context.Context, rep *Report, items []*pushItem, fields []string) (again []string, err error) {
	for len(items) > 0 {
		ps := make(map[string]people.Person, len(items))
		for _, it := range items {
			ps[it.rn] = *it.person
		}
		var got map[string]people.PersonResponse
		err := e.call(ctx, rep, "update contacts", func() (err error) {
			got, err = e.p.BatchUpdate(ctx, ps, fields)
			return err
		})
		if err != nil {
			bad := batchErrors(err)
			if bad == nil && len(items) > 1 && rejected(err) {
				for _, it := range items { // one by one finds the culprit
					a, err := e.sendUpdates(ctx, rep, []*pushItem{it}, fields)
					if err != nil {
						return nil, err
					}
					again = append(again, a...)
				}
				return again, nil
			}
			if bad == nil && len(items) == 1 {
				bad = singleError(err, items[0].rn)
			}
			if bad == nil {
				return nil, err
			}
			var stale []*pushItem
			var rest []*pushItem
			for _, it := range items {
				ce, ok := bad[it.rn]
				switch {
				case !ok:
					rest = append(rest, it)
				case ce.stale():
					stale = append(stale, it)
				case ce.Code == rpcNotFound:
					if err := e.goneInGoogle(ctx, rep, it.snap.Contact.ID, it.rn); err != nil {
						return nil, err
					}
					again = append(again, it.snap.Contact.ID)
				default:
					if err := e.entryFailed(ctx, it.snap.MaxOutboxID, it.snap.Contact.ID, rejectedContact{"update contact", ce}); err != nil {
						return nil, err
					}
				}
			}
			a, ferr := e.refetchAll(ctx, rep, stale)
			if ferr != nil {
				return nil, ferr
			}
			again = append(again, a...)
			if len(rest) == len(items) {
				return nil, err // Google named none of them
			}
			items = rest
			continue
		}
		var ok []*pushItem
		var ps2 []*people.Person
		for _, it := range items {
			r, found := got[it.rn]
			if !found || !personOK(&r) {
				// applied (the batch succeeded) but not read back: the
				// next pull brings Google's version
				again = append(again, it.snap.Contact.ID)
				continue
			}
			ok = append(ok, it)
			ps2 = append(ps2, r.Person)
		}
		rep.PushedUpdated += len(ok)
		e.prog.pushed(len(ok))
		return again, e.adoptAll(ctx, ok, ps2)
	}
	return again, nil
}

// singleError reads the error of a batch of one as that contact's.
func singleError(err error, rn string) map[string]contactError {
	g := apiError(err)
	switch {
	case isStaleEtag(err):
		return map[string]contactError{rn: {Code: rpcFailedPrecondition, Message: g.Message}}
	case isNotFound(err):
		return map[string]contactError{rn: {Code: rpcNotFound, Message: g.Message}}
	case rejected(err):
		return map[string]contactError{rn: {Code: g.Code, Message: g.Message}}
	}
	return nil
}

// refetchAll reads Google's current copies of contacts whose etag was
// stale (batchGet, 200 a request) and merges them in; it returns the
// contacts to push again.
func (e *Engine) refetchAll(ctx context.Context, rep *Report, items []*pushItem) ([]string, error) {
	var again []string
	for part := range slices.Chunk(items, BatchGetMax) {
		byRN := make(map[string]*pushItem, len(part))
		rns := make([]string, len(part))
		for i, it := range part {
			rns[i], byRN[it.rn] = it.rn, it
		}
		var rs []*people.PersonResponse
		err := e.call(ctx, rep, "get contacts", func() (err error) {
			rs, err = e.p.BatchGet(ctx, rns)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			it := byRN[r.RequestedResourceName]
			if it == nil {
				continue
			}
			delete(byRN, r.RequestedResourceName)
			again = append(again, it.snap.Contact.ID)
			if personGone(r) {
				if err := e.goneInGoogle(ctx, rep, it.snap.Contact.ID, it.rn); err != nil {
					return nil, err
				}
				continue
			}
			if !personOK(r) {
				continue // not read this time: the next round tries again
			}
			if err := e.mergeFetched(ctx, rep, it.snap.Contact.ID, r.Person); err != nil {
				return nil, err
			}
		}
		for _, it := range byRN { // not answered: the next round tries again
			again = append(again, it.snap.Contact.ID)
		}
	}
	return again, nil
}

// adoptAll adopts what Google stored for each contact, in short
// transactions.
func (e *Engine) adoptAll(ctx context.Context, items []*pushItem, got []*people.Person) error {
	gs, err := e.db.SyncGroups(ctx)
	if err != nil {
		return err
	}
	gn := newGroupNames(gs)
	type adoption struct {
		it *pushItem
		in *incoming
	}
	todo := make([]adoption, 0, len(items))
	for i, it := range items {
		in, err := prepare(got[i], gn, e.db.Normalizer())
		if err != nil {
			return err
		}
		todo = append(todo, adoption{it, in})
	}
	err = applyBatches(ctx, e, todo, func(tx *sqlite.SyncTx, a adoption) error {
		return adoptIn(tx, a.it.snap, a.it.snap.Contact, a.in)
	})
	if err == nil {
		e.saveDrain(ctx)
	}
	return err
}

// adoptIn records what Google stored after a write: the new base, and
// Google's own normalisations of what was sent, merged over any local
// change made meanwhile.
func adoptIn(tx *sqlite.SyncTx, snap *sqlite.PushSnapshot, sent *contacts.Contact, in *incoming) error {
	if err := setBase(tx, sent.ID, in); err != nil {
		return err
	}
	cur, err := tx.Contact(sent.ID)
	if err != nil {
		return err
	}
	if !cur.Deleted {
		m, _ := merge3(sent, cur, in.r)
		m.ResourceName, m.Etag = in.p.ResourceName, in.p.Etag
		if !sameContent(m, cur) {
			if err := tx.SaveContact(m); err != nil {
				return err
			}
		}
	}
	return tx.DoneContact(sent.ID, snap.MaxOutboxID)
}

// mergeFetched merges Google's current copy, read after a stale etag.
func (e *Engine) mergeFetched(ctx context.Context, rep *Report, id string, p *people.Person) error {
	in, err := e.prepareFetched(ctx, p)
	if err != nil {
		return err
	}
	return e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error {
		gn, err := groupsOf(tx)
		if err != nil {
			return err
		}
		cur, err := tx.Contact(id)
		if err != nil || cur.Deleted {
			return err
		}
		return e.mergeInto(tx, gn, cur, in, rep)
	})
}

// prepareFetched prepares a Google contact read or written by the push,
// off the write lock.
func (e *Engine) prepareFetched(ctx context.Context, p *people.Person) (*incoming, error) {
	gs, err := e.db.SyncGroups(ctx)
	if err != nil {
		return nil, err
	}
	return prepare(p, newGroupNames(gs), e.db.Normalizer())
}

// goneInGoogle: the contact was deleted in Google while ringcard changed
// it. Keep ringcard's version and make it again.
func (e *Engine) goneInGoogle(ctx context.Context, rep *Report, id, resourceName string) error {
	return e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error {
		gn, err := groupsOf(tx)
		if err != nil {
			return err
		}
		p := &people.Person{ResourceName: resourceName, Metadata: &people.PersonMetadata{Deleted: true}}
		return e.applyDeleted(tx, gn, resourceName, p, rep)
	})
}

// callQuota is call for requests that must not be repeated blindly: only
// a 429 (not applied) is retried.
func (e *Engine) callQuota(ctx context.Context, rep *Report, what string, fn func() error) error {
	return e.call(ctx, rep, what, func() error {
		err := fn()
		if err != nil && retryable(err) {
			if g := apiError(err); g == nil || g.Code != 429 {
				return unclear{err}
			}
		}
		return err
	})
}

// unclear wraps an error after which a request may or may not have been
// applied: not retried on the spot, but the cycle fails as for Google down.
type unclear struct{ err error }

func (u unclear) Error() string {
	return u.err.Error() + " (may have been applied; the next sync checks)"
}
func (u unclear) Unwrap() error { return u.err }

func isUnclear(err error) bool {
	var u unclear
	return errors.As(err, &u)
}
