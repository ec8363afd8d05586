package peoplestub

import (
	"strings"
	"testing"

	people "google.golang.org/api/people/v1"
)

func TestContactGroupsLifecycle(t *testing.T) {
	stub, svc, _ := setup(t, Options{})
	names, _ := stub.Seed(3)

	list, err := svc.ContactGroups.List().Do()
	if err != nil || list.NextSyncToken == "" {
		t.Fatalf("list: %v", err)
	}
	sys := map[string]*people.ContactGroup{}
	for _, g := range list.ContactGroups {
		sys[g.ResourceName] = g
	}
	for _, n := range []string{"contactGroups/myContacts", "contactGroups/starred"} {
		if g := sys[n]; g == nil || g.GroupType != SystemGroup {
			t.Fatalf("system group %s: %+v", n, g)
		}
	}
	if sys["contactGroups/myContacts"].MemberCount != 3 {
		t.Fatalf("myContacts count %d", sys["contactGroups/myContacts"].MemberCount)
	}
	groupSync := list.NextSyncToken

	g, err := svc.ContactGroups.Create(&people.CreateContactGroupRequest{ContactGroup: &people.ContactGroup{Name: "Family Office"}}).Do()
	if err != nil || g.GroupType != UserGroup || !strings.HasPrefix(g.ResourceName, "contactGroups/") || g.Etag == "" {
		t.Fatalf("create: %v %+v", err, g)
	}
	_, err = svc.ContactGroups.Create(&people.CreateContactGroupRequest{ContactGroup: &people.ContactGroup{Name: "Family Office"}}).Do()
	apiErr(t, err, 409)

	renamed, err := svc.ContactGroups.Update(g.ResourceName, &people.UpdateContactGroupRequest{
		ContactGroup: &people.ContactGroup{ResourceName: g.ResourceName, Etag: g.Etag, Name: "Office"}}).Do()
	if err != nil || renamed.Name != "Office" || renamed.Etag == g.Etag {
		t.Fatalf("rename: %v %+v", err, renamed)
	}
	_, err = svc.ContactGroups.Update(g.ResourceName, &people.UpdateContactGroupRequest{
		ContactGroup: &people.ContactGroup{ResourceName: g.ResourceName, Etag: g.Etag, Name: "Stale"}}).Do()
	apiErr(t, err, 400)
	_, err = svc.ContactGroups.Update("contactGroups/myContacts", &people.UpdateContactGroupRequest{
		ContactGroup: &people.ContactGroup{Name: "Mine"}}).Do()
	apiErr(t, err, 400)

	before, _ := svc.People.Get(names[0]).PersonFields("memberships").Do()
	mod, err := svc.ContactGroups.Members.Modify(g.ResourceName, &people.ModifyContactGroupMembersRequest{
		ResourceNamesToAdd: []string{names[0], names[1], "people/c1"}}).Do()
	if err != nil || len(mod.NotFoundResourceNames) != 1 {
		t.Fatalf("modify: %v %+v", err, mod)
	}
	after, _ := svc.People.Get(names[0]).PersonFields("memberships").Do()
	if after.Etag == before.Etag || len(after.Memberships) != 2 {
		t.Fatalf("membership add did not change person: %+v", after)
	}
	got, err := svc.ContactGroups.Get(g.ResourceName).MaxMembers(10).Do()
	if err != nil || got.MemberCount != 2 || len(got.MemberResourceNames) != 2 || got.Etag == renamed.Etag {
		t.Fatalf("get: %v %+v", err, got)
	}

	// Removing a contact's only group is refused.
	mod, err = svc.ContactGroups.Members.Modify("contactGroups/myContacts", &people.ModifyContactGroupMembersRequest{
		ResourceNamesToRemove: []string{names[2]}}).Do()
	if err != nil || len(mod.CanNotRemoveLastContactGroupResourceNames) != 1 {
		t.Fatalf("remove last: %v %+v", err, mod)
	}
	mod, err = svc.ContactGroups.Members.Modify(g.ResourceName, &people.ModifyContactGroupMembersRequest{
		ResourceNamesToRemove: []string{names[1]}}).Do()
	if err != nil || len(mod.CanNotRemoveLastContactGroupResourceNames) != 0 || len(mod.NotFoundResourceNames) != 0 {
		t.Fatalf("remove from a user group: %v %+v", err, mod)
	}
	p1, _ := svc.People.Get(names[1]).PersonFields("memberships").Do()
	if len(p1.Memberships) != 1 {
		t.Fatalf("memberships after remove: %+v", p1.Memberships)
	}

	if _, err := svc.ContactGroups.Delete(g.ResourceName).Do(); err != nil {
		t.Fatal(err)
	}
	_, err = svc.ContactGroups.Get(g.ResourceName).Do()
	apiErr(t, err, 404)
	p0, _ := svc.People.Get(names[0]).PersonFields("memberships").Do()
	if p0.Etag == after.Etag || len(p0.Memberships) != 1 {
		t.Fatalf("group delete did not update member: %+v", p0)
	}
	_, err = svc.ContactGroups.Delete("contactGroups/starred").Do()
	apiErr(t, err, 400)

	changes, err := svc.ContactGroups.List().SyncToken(groupSync).Do()
	if err != nil {
		t.Fatal(err)
	}
	var tomb *people.ContactGroup
	for _, c := range changes.ContactGroups {
		if c.ResourceName == g.ResourceName {
			tomb = c
		}
	}
	if tomb == nil || tomb.Metadata == nil || !tomb.Metadata.Deleted {
		t.Fatalf("no group tombstone in %+v", changes.ContactGroups)
	}
}

func TestDeleteGroupWithContacts(t *testing.T) {
	stub, svc, _ := setup(t, Options{})
	names, _ := stub.Seed(4)
	g, _ := svc.ContactGroups.Create(&people.CreateContactGroupRequest{ContactGroup: &people.ContactGroup{Name: "Temp"}}).Do()
	if _, err := svc.ContactGroups.Members.Modify(g.ResourceName, &people.ModifyContactGroupMembersRequest{
		ResourceNamesToAdd: names[:2]}).Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ContactGroups.Delete(g.ResourceName).DeleteContacts(true).Do(); err != nil {
		t.Fatal(err)
	}
	if stub.Len() != 2 {
		t.Fatalf("len %d", stub.Len())
	}
}

func TestGroupListPaging(t *testing.T) {
	_, svc, _ := setup(t, Options{})
	for _, n := range []string{"g1", "g2", "g3", "g4"} {
		if _, err := svc.ContactGroups.Create(&people.CreateContactGroupRequest{ContactGroup: &people.ContactGroup{Name: n}}).Do(); err != nil {
			t.Fatal(err)
		}
	}
	total, tok, pages := 0, "", 0
	for {
		resp, err := svc.ContactGroups.List().PageSize(4).GroupFields("name").PageToken(tok).Do()
		if err != nil {
			t.Fatal(err)
		}
		pages++
		total += len(resp.ContactGroups)
		if resp.ContactGroups[0].GroupType != "" {
			t.Fatal("groupFields mask ignored")
		}
		if tok = resp.NextPageToken; tok == "" {
			break
		}
	}
	if total != 9 || pages != 3 {
		t.Fatalf("total %d pages %d", total, pages)
	}
}
