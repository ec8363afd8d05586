package contactsync

import (
	"context"
	"slices"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// A merge in ringcard (duplicates --merge, the web merge) updates the kept
// contact and tombstones the other; the outbox then updates the kept one
// in Google and deletes the other there, in that order. Until the delete
// reaches Google, someone may still edit the merged-away contact in
// Google. That edit is not lost: whether the pull sees it first
// (pullMergedAway) or the delete finds Google's copy changed
// (rescueMergedAway), it is merged into the kept contact against the
// version last seen of the merged-away one, by the same three-way merge as
// any other edit (a field both sides changed is a conflict for a person),
// and only then is the merged-away contact deleted in Google.
//
// The People API's deleteContact takes no etag, so the push reads Google's
// copy just before the delete: an edit in the milliseconds between that
// read and the delete is the one window left.

// pullMergedAway handles a Google contact whose ringcard contact is a
// tombstone (its link kept until the outbox deletes it in Google). When
// the tombstone was merged into another contact and Google's copy changed
// since last seen, the change goes into the kept contact. A contact
// deleted outright is left alone: the outbox deletes it in Google.
func (e *Engine) pullMergedAway(tx *sqlite.SyncTx, gn groupNames, base *sqlite.SyncBase, in *incoming, rep *Report) error {
	keepID, merged, err := tx.MergedInto(base.ContactID)
	if err != nil || !merged {
		return err
	}
	return e.mergeGoneEdit(tx, gn, base, keepID, in, rep)
}

// mergeGoneEdit merges Google's copy of a merged-away contact (in) into
// the kept contact, against the merged-away contact's base, and records
// in as the new base so the delete that follows is based on it.
func (e *Engine) mergeGoneEdit(tx *sqlite.SyncTx, gn groupNames, base *sqlite.SyncBase, keepID string, in *incoming, rep *Report) error {
	if base.Etag == in.p.Etag {
		return nil // not edited in Google since the merge saw it
	}
	bp, err := decodePerson(base.Person)
	if err != nil {
		return err
	}
	keep, err := tx.Contact(keepID)
	if err != nil {
		return err
	}
	m, conflicts := merge3(fromPerson(bp, gn, tx.Normalizer()), keep, in.r)
	m.PhotoURL = keep.PhotoURL // the kept contact's own Google photo
	if err := setBase(tx, base.ContactID, in); err != nil {
		return err
	}
	if !sameContent(m, keep) {
		if err := tx.SaveContact(m); err != nil {
			return err
		}
		rep.PulledUpdated++
		if err := tx.Enqueue(keepID); err != nil {
			return err
		}
	}
	for _, k := range conflicts {
		k.Google += " (edited in Google on the merged-away " + in.p.ResourceName + ")"
		err := tx.AddConflict(sqlite.SyncConflict{ContactID: keepID, Field: k.Field, Base: k.Base, Local: k.Local, Google: k.Google})
		if err != nil {
			return err
		}
		rep.Conflicts++
	}
	return nil
}

// sendMergedAway deletes merged-away contacts in Google, after the round's
// updates (the kept contacts' first), each once its Google copy has been
// checked for an edit to bring into the kept contact.
func (f *flushRun) sendMergedAway(ctx context.Context, items []*pushItem, bulk bool) error {
	for part := range slices.Chunk(items, BatchDeleteMax) {
		if err := f.between(ctx, bulk); err != nil {
			return err
		}
		for _, it := range part {
			if err := f.e.rescueMergedAway(ctx, f.rep, it.snap); err != nil {
				return err
			}
		}
		if err := f.e.sendDeletes(ctx, f.rep, part); err != nil {
			return err
		}
	}
	return nil
}

// rescueMergedAway runs before the delete of a merged-away contact reaches
// Google: it reads Google's copy and, if someone edited it since ringcard
// last saw it, merges the edit into the kept contact first.
func (e *Engine) rescueMergedAway(ctx context.Context, rep *Report, snap *sqlite.PushSnapshot) error {
	if snap.Base == nil {
		return nil
	}
	if _, merged, err := e.db.MergedInto(ctx, snap.Contact.ID); err != nil || !merged {
		return err
	}
	var p *people.Person
	err := e.call(ctx, rep, "get contact", func() (err error) {
		p, err = e.p.GetPerson(ctx, snap.Base.ResourceName)
		return err
	})
	if isNotFound(err) || (err == nil && p.Etag == snap.Base.Etag) {
		return nil
	}
	if err != nil {
		return err
	}
	in, err := e.prepareFetched(ctx, p)
	if err != nil {
		return err
	}
	return e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error {
		base, err := tx.Base(snap.Contact.ID)
		if contacts.ErrorCode(err) == contacts.ENotFound {
			return nil
		}
		if err != nil {
			return err
		}
		keepID, merged, err := tx.MergedInto(snap.Contact.ID)
		if err != nil || !merged {
			return err
		}
		gn, err := groupsOf(tx)
		if err != nil {
			return err
		}
		return e.mergeGoneEdit(tx, gn, base, keepID, in, rep)
	})
}
