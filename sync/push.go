package contactsync

import (
	"context"
	"errors"
	"fmt"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// maxEtagRetries bounds fetch-merge-retry rounds for one contact when
// someone keeps editing it in Google.
const maxEtagRetries = 5

// flush replays the outbox in order, one request at a time. It stops at
// the first failure that may pass (Google down, quota): the entry stays
// first in line. An entry Google rejects outright is recorded and left
// for the next cycle, so it cannot block the rest.
func (e *Engine) flush(ctx context.Context, rep *Report) error {
	var after int64
	for {
		entries, err := e.db.NextOutbox(ctx, after, 200)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return nil
		}
		for _, en := range entries {
			after = en.ID
			var err error
			switch en.Op {
			case sqlite.OutboxContact:
				err = e.pushContact(ctx, rep, en.ContactID)
			case sqlite.OutboxGroupRename, sqlite.OutboxGroupDelete:
				err = e.pushGroupOp(ctx, rep, en)
			default:
				err = e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error { return tx.DoneOutbox(en.ID) })
			}
			if err == nil {
				continue
			}
			_ = e.db.OutboxFailed(context.WithoutCancel(ctx), en.ID, err.Error())
			if retryable(err) || ctx.Err() != nil {
				return err
			}
			e.o.Log.Warn("google rejected a change; it stays queued", "outbox_id", en.ID, "contact", en.ContactID, "err", err)
		}
	}
}

// pushContact sends a contact's current state to Google: a delete, a
// create, or an update of the fields that differ from the version Google
// has, carrying that version's etag.
func (e *Engine) pushContact(ctx context.Context, rep *Report, id string) error {
	for round := 0; round <= maxEtagRetries; round++ {
		snap, err := e.db.PushSnapshot(ctx, id, e.o.NotesInLog)
		if contacts.ErrorCode(err) == contacts.ENotFound {
			return e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error { return tx.DoneContact(id, 1<<62) })
		}
		if err != nil {
			return err
		}
		var retry bool
		switch {
		case snap.Contact.Deleted:
			return e.pushDelete(ctx, rep, snap)
		case snap.Base == nil && snap.Held:
			// Held by the matching (it may be one of several Google
			// contacts): settled at the next pull, queued again then.
			return e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error { return tx.DoneContact(id, snap.MaxOutboxID) })
		case snap.Base == nil:
			return e.pushCreate(ctx, rep, snap)
		default:
			retry, err = e.pushUpdate(ctx, rep, snap)
		}
		if err != nil || !retry {
			return err
		}
		rep.EtagRetries++
	}
	return fmt.Errorf("push contact %s: Google's copy kept changing (%d rounds)", id, maxEtagRetries)
}

func (e *Engine) pushDelete(ctx context.Context, rep *Report, snap *sqlite.PushSnapshot) error {
	id := snap.Contact.ID
	if snap.Base != nil {
		err := e.call(ctx, rep, "delete contact", func() error { return e.p.DeleteContact(ctx, snap.Base.ResourceName) })
		if err != nil && !isNotFound(err) {
			return err
		}
		rep.PushedDeleted++
	}
	return e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error {
		if err := tx.DropBase(id); err != nil {
			return err
		}
		return tx.DoneContact(id, snap.MaxOutboxID)
	})
}

// pushCreate makes the contact in Google. The request is not repeated on
// an unclear failure (it may have been applied): the next cycle pulls
// first and links the new Google contact by the ringcard ID it carries.
func (e *Engine) pushCreate(ctx context.Context, rep *Report, snap *sqlite.PushSnapshot) error {
	c := snap.Contact
	gn, err := e.ensureGroups(ctx, rep, c.Groups)
	if err != nil {
		return err
	}
	p := toPerson(c, nil, gn, composeNote(c.Note, snap.Notes, e.o.NoteLogLimit, e.o.Location), e.db.Normalizer())
	p.ClientData = []*people.ClientData{{Key: clientIDKey, Value: c.ID}}
	var created *people.Person
	err = e.callQuota(ctx, rep, "create contact", func() (err error) {
		created, err = e.p.CreateContact(ctx, p)
		return err
	})
	if err != nil {
		return err
	}
	rep.PushedCreated++
	return e.adopt(ctx, snap, c, created)
}

// pushUpdate sends the changed fields. retry reports a stale etag that was
// resolved by fetching and merging Google's copy: push again.
func (e *Engine) pushUpdate(ctx context.Context, rep *Report, snap *sqlite.PushSnapshot) (retry bool, err error) {
	c := snap.Contact
	bp, err := decodePerson(snap.Base.Person)
	if err != nil {
		return false, err
	}
	gn, err := e.ensureGroups(ctx, rep, c.Groups)
	if err != nil {
		return false, err
	}
	b := fromPerson(bp, gn, e.db.Normalizer())
	bio := composeNote(c.Note, snap.Notes, e.o.NoteLogLimit, e.o.Location)
	fields := changedFields(c, b)
	if bio != biography(bp) && !contains(fields, "biographies") {
		fields = append(fields, "biographies")
	}
	if len(fields) == 0 {
		return false, e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error { return tx.DoneContact(c.ID, snap.MaxOutboxID) })
	}
	p := toPerson(c, bp, gn, bio, e.db.Normalizer())
	p.ResourceName, p.Etag = bp.ResourceName, bp.Etag
	var updated *people.Person
	err = e.call(ctx, rep, "update contact", func() (err error) {
		updated, err = e.p.UpdateContact(ctx, p, fields)
		return err
	})
	switch {
	case isStaleEtag(err):
		return true, e.refetch(ctx, rep, c.ID, bp.ResourceName)
	case isNotFound(err):
		return true, e.goneInGoogle(ctx, rep, c.ID, bp.ResourceName)
	case err != nil:
		return false, err
	}
	rep.PushedUpdated++
	return false, e.adopt(ctx, snap, c, updated)
}

// adopt records what Google stored after a write: the new base, and
// Google's own normalisations of what was sent, merged over any local
// change made meanwhile.
func (e *Engine) adopt(ctx context.Context, snap *sqlite.PushSnapshot, sent *contacts.Contact, got *people.Person) error {
	in, err := e.prepareFetched(ctx, got)
	if err != nil {
		return err
	}
	return e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error {
		if err := setBase(tx, sent.ID, in); err != nil {
			return err
		}
		cur, err := tx.Contact(sent.ID)
		if err != nil {
			return err
		}
		if !cur.Deleted {
			m, _ := merge3(sent, cur, in.r)
			m.ResourceName, m.Etag = got.ResourceName, got.Etag
			if !sameContent(m, cur) {
				if err := tx.SaveContact(m); err != nil {
					return err
				}
			}
		}
		return tx.DoneContact(sent.ID, snap.MaxOutboxID)
	})
}

// refetch reads Google's current copy after a stale etag and merges it in.
func (e *Engine) refetch(ctx context.Context, rep *Report, id, resourceName string) error {
	var p *people.Person
	err := e.call(ctx, rep, "get contact", func() (err error) {
		p, err = e.p.GetPerson(ctx, resourceName)
		return err
	})
	if isNotFound(err) {
		return e.goneInGoogle(ctx, rep, id, resourceName)
	}
	if err != nil {
		return err
	}
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

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
