package contactsync

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

const systemGroupType = "SYSTEM_CONTACT_GROUP"

// pullGroups brings Google's contact groups in with their own sync token:
// a group renamed or deleted in Google is renamed or removed on ringcard's
// contacts.
func (e *Engine) pullGroups(ctx context.Context, rep *Report) error {
	var tok string
	if _, err := e.db.SyncState(ctx, keyGroupsToken, &tok); err != nil {
		return err
	}
	groups, next, err := e.listGroups(ctx, rep, tok)
	if tok != "" && isExpiredSyncToken(err) {
		tok = ""
		groups, next, err = e.listGroups(ctx, rep, "")
	}
	if err != nil {
		return err
	}
	return e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error {
		known, err := tx.Groups()
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, g := range groups {
			seen[g.ResourceName] = true
			k, had := known[g.ResourceName]
			if g.Metadata != nil && g.Metadata.Deleted {
				if had {
					if err := dropGroup(tx, k, rep); err != nil {
						return err
					}
				}
				continue
			}
			sg := sqlite.SyncGroup{ResourceName: g.ResourceName, Name: g.Name, Etag: g.Etag, System: g.GroupType == systemGroupType}
			if sg.System && g.FormattedName != "" {
				sg.Name = g.FormattedName
			}
			if had && !sg.System && k.Name != sg.Name {
				if _, err := tx.RegroupContacts(k.Name, sg.Name); err != nil {
					return err
				}
			}
			if !had || k.Name != sg.Name {
				rep.GroupsChanged++
			}
			if err := tx.PutGroup(sg); err != nil {
				return err
			}
		}
		if tok == "" { // a full listing: what is not listed is gone
			for rn, k := range known {
				if !seen[rn] {
					if err := dropGroup(tx, k, rep); err != nil {
						return err
					}
				}
			}
		}
		return tx.SetState(keyGroupsToken, next)
	})
}

func dropGroup(tx *sqlite.SyncTx, k sqlite.SyncGroup, rep *Report) error {
	if !k.System {
		if _, err := tx.RegroupContacts(k.Name, ""); err != nil {
			return err
		}
	}
	rep.GroupsChanged++
	return tx.DropGroup(k.ResourceName)
}

func (e *Engine) listGroups(ctx context.Context, rep *Report, syncTok string) ([]*people.ContactGroup, string, error) {
	var out []*people.ContactGroup
	page := ""
	for {
		var resp *people.ListContactGroupsResponse
		err := e.call(ctx, rep, "list contact groups", func() (err error) {
			resp, err = e.p.ListGroups(ctx, page, syncTok)
			return err
		})
		if err != nil {
			return nil, "", err
		}
		out = append(out, resp.ContactGroups...)
		if resp.NextPageToken == "" {
			return out, resp.NextSyncToken, nil
		}
		page = resp.NextPageToken
	}
}

// ensureGroups makes sure every group of a contact exists in Google,
// creating the missing ones, and returns the group names to use.
func (e *Engine) ensureGroups(ctx context.Context, rep *Report, names []string) (groupNames, error) {
	gs, err := e.db.SyncGroups(ctx)
	if err != nil {
		return groupNames{}, err
	}
	gn := newGroupNames(gs)
	for _, name := range names {
		if _, ok := gn.byName[strings.ToLower(name)]; ok {
			continue
		}
		var g *people.ContactGroup
		err := e.call(ctx, rep, "create group "+name, func() (err error) {
			g, err = e.p.CreateGroup(ctx, name)
			return err
		})
		if isAlreadyExists(err) { // made meanwhile: learn it
			if err := e.pullGroups(ctx, rep); err != nil {
				return groupNames{}, err
			}
			return e.ensureGroupsKnown(ctx, names)
		}
		if err != nil {
			return groupNames{}, err
		}
		sg := sqlite.SyncGroup{ResourceName: g.ResourceName, Name: name, Etag: g.Etag}
		if err := e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error { return tx.PutGroup(sg) }); err != nil {
			return groupNames{}, err
		}
		rep.GroupsChanged++
		gn.byName[strings.ToLower(name)], gn.byResource[sg.ResourceName] = sg.ResourceName, name
	}
	return gn, nil
}

func (e *Engine) ensureGroupsKnown(ctx context.Context, names []string) (groupNames, error) {
	gs, err := e.db.SyncGroups(ctx)
	if err != nil {
		return groupNames{}, err
	}
	gn := newGroupNames(gs)
	for _, n := range names {
		if _, ok := gn.byName[strings.ToLower(n)]; !ok {
			return groupNames{}, fmt.Errorf("group %q: Google says it exists but does not list it", n)
		}
	}
	return gn, nil
}

// groupByName finds a user group by its (case-insensitive) name.
func (e *Engine) groupByName(ctx context.Context, name string) (sqlite.SyncGroup, bool, error) {
	gs, err := e.db.SyncGroups(ctx)
	if err != nil {
		return sqlite.SyncGroup{}, false, err
	}
	for _, g := range gs {
		if !g.System && strings.EqualFold(g.Name, name) {
			return g, true, nil
		}
	}
	return sqlite.SyncGroup{}, false, nil
}

// pushGroupOp replays a group rename or deletion made in ringcard.
func (e *Engine) pushGroupOp(ctx context.Context, rep *Report, en sqlite.OutboxEntry) error {
	name, newName := en.Arg, ""
	if en.Op == sqlite.OutboxGroupRename {
		var a sqlite.GroupArg
		if err := json.Unmarshal([]byte(en.Arg), &a); err != nil {
			return fmt.Errorf("outbox %d: %w", en.ID, err)
		}
		name, newName = a.Old, a.New
	}
	g, ok, err := e.groupByName(ctx, name)
	if err != nil {
		return err
	}
	var put *sqlite.SyncGroup
	if ok {
		switch en.Op {
		case sqlite.OutboxGroupRename:
			var out *people.ContactGroup
			err = e.call(ctx, rep, "rename group "+name, func() (err error) {
				out, err = e.p.RenameGroup(ctx, &people.ContactGroup{ResourceName: g.ResourceName}, newName)
				return err
			})
			if err == nil {
				put = &sqlite.SyncGroup{ResourceName: out.ResourceName, Name: newName, Etag: out.Etag}
			}
		default:
			err = e.call(ctx, rep, "delete group "+name, func() error { return e.p.DeleteGroup(ctx, g.ResourceName) })
		}
		if err != nil && !isNotFound(err) {
			return err
		}
		rep.GroupsChanged++
	}
	return e.db.SyncTx(ctx, func(tx *sqlite.SyncTx) error {
		if put != nil {
			if err := tx.PutGroup(*put); err != nil {
				return err
			}
		} else if ok {
			if err := tx.DropGroup(g.ResourceName); err != nil {
				return err
			}
		}
		return tx.DoneOutbox(en.ID)
	})
}
