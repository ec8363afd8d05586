package contactsync_test

import (
	"testing"

	"google.golang.org/api/option"
	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
)

func TestGroupsBothWays(t *testing.T) {
	e := newEnv(t)
	rn := e.addGoogle("Group", "Member", "+39 06 4444 0000", "")
	e.sync()
	id := e.byResource(rn).ID
	svc := e.googleSvc()

	t.Run("created, renamed, deleted in google", func(t *testing.T) {
		g, err := svc.ContactGroups.Create(&people.CreateContactGroupRequest{ContactGroup: &people.ContactGroup{Name: "Suppliers"}}).Do()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ContactGroups.Members.Modify(g.ResourceName, &people.ModifyContactGroupMembersRequest{ResourceNamesToAdd: []string{rn}}).Do(); err != nil {
			t.Fatal(err)
		}
		e.sync()
		if got := e.contact(id).Groups; len(got) != 1 || got[0] != "Suppliers" {
			t.Fatalf("groups after create = %v", got)
		}
		if _, err := svc.ContactGroups.Update(g.ResourceName, &people.UpdateContactGroupRequest{ContactGroup: &people.ContactGroup{Name: "Key suppliers"}}).Do(); err != nil {
			t.Fatal(err)
		}
		e.sync()
		if got := e.contact(id).Groups; len(got) != 1 || got[0] != "Key suppliers" {
			t.Fatalf("groups after rename = %v", got)
		}
		if _, err := svc.ContactGroups.Delete(g.ResourceName).Do(); err != nil {
			t.Fatal(err)
		}
		e.sync()
		if got := e.contact(id).Groups; len(got) != 0 {
			t.Fatalf("groups after delete = %v", got)
		}
		if _, ok := e.Stub.Person(rn); !ok {
			t.Fatal("deleting the group deleted the contact")
		}
	})

	t.Run("created, renamed, deleted in ringcard", func(t *testing.T) {
		c := e.contact(id)
		c.Groups = []string{"VIP"}
		if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
			t.Fatal(err)
		}
		e.sync()
		vip := e.googleGroup("VIP")
		if vip == "" || !e.isMember(rn, vip) {
			t.Fatalf("VIP not made in google with the contact in it (group %q)", vip)
		}
		if _, err := e.DB.RenameGroup(userCtx(e.ctx), "VIP", "Gold"); err != nil {
			t.Fatal(err)
		}
		e.sync()
		if gold := e.googleGroup("Gold"); gold != vip || e.googleGroup("VIP") != "" || !e.isMember(rn, gold) {
			t.Fatalf("rename not in google: Gold=%q VIP=%q", gold, e.googleGroup("VIP"))
		}
		if n, err := e.DB.DeleteGroup(userCtx(e.ctx), "Gold"); err != nil || n != 1 {
			t.Fatalf("delete group = %d, %v", n, err)
		}
		e.sync()
		if e.googleGroup("Gold") != "" || e.isMember(rn, vip) {
			t.Fatalf("group still in google")
		}
		if got := e.contact(id).Groups; len(got) != 0 {
			t.Errorf("local groups = %v", got)
		}
		if n, _ := e.DB.OutboxLen(e.ctx); n != 0 {
			t.Errorf("outbox = %d, want 0", n)
		}
	})
	_ = contacts.ENotFound
}

// googleSvc is an official client on the stand-in, for acting as Google's web UI.
func (e *env) googleSvc() *people.Service {
	e.t.Helper()
	svc, err := people.NewService(e.ctx, option.WithEndpoint(e.URL+"/"), option.WithoutAuthentication())
	if err != nil {
		e.t.Fatal(err)
	}
	return svc
}

// googleGroup returns the resource name of a live user group, or "".
func (e *env) googleGroup(name string) string {
	e.t.Helper()
	resp, err := e.googleSvc().ContactGroups.List().PageSize(1000).Do()
	if err != nil {
		e.t.Fatal(err)
	}
	for _, g := range resp.ContactGroups {
		if g.Name == name && g.GroupType == "USER_CONTACT_GROUP" {
			return g.ResourceName
		}
	}
	return ""
}

func (e *env) isMember(rn, group string) bool {
	for _, m := range e.person(rn).Memberships {
		if m.ContactGroupMembership != nil && m.ContactGroupMembership.ContactGroupResourceName == group {
			return true
		}
	}
	return false
}
