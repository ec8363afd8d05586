package contactsync

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

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

// pullPeople pages through connections.list. Each page is applied in one
// transaction; the new sync token is stored with the last page, so a crash
// means the same listing again, which applies idempotently (etags).
func (e *Engine) pullPeople(ctx context.Context, rep *Report, syncTok string) error {
	full := syncTok == ""
	seen := map[string]bool{}
	page := ""
	for {
		var resp *people.ListConnectionsResponse
		err := e.call(ctx, rep, "list contacts", func() (err error) {
			resp, err = e.p.ListConnections(ctx, page, syncTok)
			return err
		})
		if err != nil {
			return err
		}
		last := resp.NextPageToken == ""
		if err := e.applyPage(ctx, resp, full, last, seen, rep); err != nil {
			return err
		}
		if last {
			return nil
		}
		page = resp.NextPageToken
	}
}

// applyPage applies one page in short transactions (about MaxTxTime
// each), so that the call path's writes never wait long for the one write
// connection. The sync token goes in with the last page's last batch.
func (e *Engine) applyPage(ctx context.Context, resp *people.ListConnectionsResponse, full, last bool, seen map[string]bool, rep *Report) error {
	todo := resp.Connections
	for {
		err := e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error {
			gn, err := groupsOf(tx)
			if err != nil {
				return err
			}
			start := time.Now()
			for len(todo) > 0 && (time.Since(start) < e.o.MaxTxTime) {
				p := todo[0]
				todo = todo[1:]
				if p == nil {
					continue
				}
				if full {
					seen[p.ResourceName] = true
				}
				if err := e.applyPerson(tx, gn, p, rep); err != nil {
					return fmt.Errorf("apply %s: %w", p.ResourceName, err)
				}
			}
			if len(todo) > 0 || !last {
				return nil
			}
			if full {
				if err := e.reconcileDeleted(tx, gn, seen, rep); err != nil {
					return err
				}
				if _, err := tx.EnqueueUnlinked(); err != nil {
					return err
				}
			}
			return tx.SetState(keyPeopleToken, resp.NextSyncToken)
		})
		if err != nil || len(todo) == 0 {
			return err
		}
	}
}

func groupsOf(tx *sqlite.SyncTx) (groupNames, error) {
	gs, err := tx.Groups()
	if err != nil {
		return groupNames{}, err
	}
	return newGroupNames(gs), nil
}

// applyPerson applies one Google contact: a tombstone deletes, an unknown
// contact is created, a known one is merged.
func (e *Engine) applyPerson(tx *sqlite.SyncTx, gn groupNames, p *people.Person, rep *Report) error {
	if p.Metadata != nil && p.Metadata.Deleted {
		return e.applyDeleted(tx, gn, p.ResourceName, p, rep)
	}
	local, err := findLocal(tx, p)
	if contacts.ErrorCode(err) == contacts.ENotFound {
		if _, err := tx.BaseByResource(p.ResourceName); err == nil {
			return nil // deleted in ringcard: the outbox deletes it in Google
		}
		c := fromPerson(p, gn, tx.Normalizer())
		if err := tx.CreateContact(c); err != nil {
			return err
		}
		rep.PulledCreated++
		return setBase(tx, c.ID, p)
	}
	if err != nil {
		return err
	}
	return e.mergeInto(tx, gn, local, p, rep)
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

// mergeInto merges Google's version p into the local contact against the
// last version both saw, records conflicts, and queues a push when the
// result holds local changes Google lacks.
func (e *Engine) mergeInto(tx *sqlite.SyncTx, gn groupNames, local *contacts.Contact, p *people.Person, rep *Report) error {
	base, bp, err := baseOf(tx, local.ID)
	if err != nil {
		return err
	}
	if base != nil && base.Etag == p.Etag && base.ResourceName == p.ResourceName {
		return nil // our own write coming back, or nothing new
	}
	var b *contacts.Contact
	if bp != nil {
		b = fromPerson(bp, gn, tx.Normalizer())
	}
	r := fromPerson(p, gn, tx.Normalizer())
	m, conflicts := merge3(b, local, r)
	m.ResourceName, m.Etag = p.ResourceName, p.Etag
	if err := setBase(tx, local.ID, p); err != nil {
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

func setBase(tx *sqlite.SyncTx, contactID string, p *people.Person) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode google contact: %w", err)
	}
	return tx.SetBase(sqlite.SyncBase{ContactID: contactID, ResourceName: p.ResourceName, Etag: p.Etag, Person: string(b)})
}
