package peoplestub

import (
	"io"
	"net/http"
	"strings"
	"testing"

	people "google.golang.org/api/people/v1"
)

func TestUpdateContactEtag(t *testing.T) {
	_, svc, _ := setup(t, Options{})
	created, err := svc.People.CreateContact(&people.Person{
		Names:          []*people.Name{{GivenName: "Ada", FamilyName: "Lovelace"}},
		EmailAddresses: []*people.EmailAddress{{Value: "ada@example.com"}},
	}).PersonFields("names,emailAddresses,memberships").Do()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(created.ResourceName, "people/c") || created.Names[0].DisplayName != "Ada Lovelace" ||
		len(created.Memberships) != 1 || created.Memberships[0].ContactGroupMembership.ContactGroupResourceName != "contactGroups/myContacts" {
		t.Fatalf("created %+v", created)
	}
	stale := created.Etag
	upd := &people.Person{Etag: stale, Names: []*people.Name{{GivenName: "Ada", FamilyName: "King"}}}
	updated, err := svc.People.UpdateContact(created.ResourceName, upd).UpdatePersonFields("names").PersonFields("names,emailAddresses").Do()
	if err != nil {
		t.Fatal(err)
	}
	if updated.Etag == stale || updated.Names[0].FamilyName != "King" || updated.EmailAddresses[0].Value != "ada@example.com" {
		t.Fatalf("updated %+v", updated)
	}
	tests := []struct {
		name    string
		call    *people.PeopleUpdateContactCall
		code    int
		status  string
		message string
	}{
		{"stale etag", svc.People.UpdateContact(created.ResourceName, &people.Person{Etag: stale}).UpdatePersonFields("names"),
			400, "FAILED_PRECONDITION", MsgEtagMismatch},
		{"missing etag", svc.People.UpdateContact(created.ResourceName, &people.Person{}).UpdatePersonFields("names"),
			400, "FAILED_PRECONDITION", ""},
		{"missing mask", svc.People.UpdateContact(created.ResourceName, &people.Person{Etag: updated.Etag}),
			400, "INVALID_ARGUMENT", ""},
		{"read-only field in mask", svc.People.UpdateContact(created.ResourceName, &people.Person{Etag: updated.Etag}).UpdatePersonFields("photos"),
			400, "INVALID_ARGUMENT", ""},
		{"unknown contact", svc.People.UpdateContact("people/c1", &people.Person{Etag: updated.Etag}).UpdatePersonFields("names"),
			404, "", MsgNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.call.Do()
			gerr := apiErr(t, err, tc.code)
			if tc.message != "" && gerr.Message != tc.message {
				t.Fatalf("message %q want %q", gerr.Message, tc.message)
			}
			if tc.status != "" && !strings.Contains(gerr.Body, `"status":"`+tc.status+`"`) {
				t.Fatalf("body %s lacks status %s", gerr.Body, tc.status)
			}
		})
	}
	// Clearing a field listed in the mask.
	cleared, err := svc.People.UpdateContact(created.ResourceName, &people.Person{Etag: updated.Etag}).UpdatePersonFields("emailAddresses").PersonFields("names,emailAddresses").Do()
	if err != nil || cleared.EmailAddresses != nil || len(cleared.Names) != 1 {
		t.Fatalf("clear: %v %+v", err, cleared)
	}
}

func TestGetDeleteAndNotFoundBody(t *testing.T) {
	stub, svc, base := setup(t, Options{})
	names, _ := stub.Seed(2)
	p, err := svc.People.Get(names[0]).PersonFields("phoneNumbers").Do()
	if err != nil || len(p.PhoneNumbers) != 1 || p.Names != nil {
		t.Fatalf("get: %v %+v", err, p)
	}
	_, err = svc.People.Get(names[0]).Do()
	apiErr(t, err, 400)
	if _, err := svc.People.DeleteContact(names[0]).Do(); err != nil {
		t.Fatal(err)
	}
	_, err = svc.People.DeleteContact(names[0]).Do()
	apiErr(t, err, 404)
	resp, err := http.Get(base + "/v1/" + names[0] + "?personFields=names")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}`
	if resp.StatusCode != 404 || string(body) != want {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if stub.Len() != 1 {
		t.Fatalf("len %d", stub.Len())
	}
}

func TestBatchOperations(t *testing.T) {
	stub, svc, _ := setup(t, Options{MaxContacts: 300})
	var toCreate []*people.ContactToCreate
	for _, n := range []string{"A", "B", "C"} {
		toCreate = append(toCreate, &people.ContactToCreate{ContactPerson: &people.Person{Names: []*people.Name{{GivenName: n}}}})
	}
	cr, err := svc.People.BatchCreateContacts(&people.BatchCreateContactsRequest{Contacts: toCreate, ReadMask: "names"}).Do()
	if err != nil || len(cr.CreatedPeople) != 3 {
		t.Fatalf("batch create: %v", err)
	}
	a, b := cr.CreatedPeople[0].Person, cr.CreatedPeople[1].Person
	got, err := svc.People.GetBatchGet().ResourceNames(a.ResourceName, "people/c42").PersonFields("names").Do()
	if err != nil || len(got.Responses) != 2 || got.Responses[0].Person.Names[0].GivenName != "A" || got.Responses[1].Status.Code != 5 {
		t.Fatalf("batch get: %v %+v", err, got)
	}
	up, err := svc.People.BatchUpdateContacts(&people.BatchUpdateContactsRequest{
		Contacts:   map[string]people.Person{a.ResourceName: {Etag: a.Etag, Names: []*people.Name{{GivenName: "A2"}}}},
		UpdateMask: "names", ReadMask: "names",
	}).Do()
	if err != nil || up.UpdateResult[a.ResourceName].Person.Names[0].GivenName != "A2" {
		t.Fatalf("batch update: %v %+v", err, up)
	}
	_, err = svc.People.BatchUpdateContacts(&people.BatchUpdateContactsRequest{
		Contacts:   map[string]people.Person{a.ResourceName: {Etag: a.Etag}},
		UpdateMask: "names", ReadMask: "names",
	}).Do()
	apiErr(t, err, 400)
	if _, err := svc.People.BatchDeleteContacts(&people.BatchDeleteContactsRequest{ResourceNames: []string{a.ResourceName, b.ResourceName}}).Do(); err != nil {
		t.Fatal(err)
	}
	if stub.Len() != 1 {
		t.Fatalf("len %d", stub.Len())
	}
	tooMany := make([]string, 201)
	for i := range tooMany {
		tooMany[i] = "people/c1"
	}
	_, err = svc.People.GetBatchGet().ResourceNames(tooMany...).PersonFields("names").Do()
	apiErr(t, err, 400)
	_, err = svc.People.BatchCreateContacts(&people.BatchCreateContactsRequest{Contacts: make([]*people.ContactToCreate, 201), ReadMask: "names"}).Do()
	apiErr(t, err, 400)
}

func TestEditAsOtherClientChangesEtag(t *testing.T) {
	stub, svc, _ := setup(t, Options{})
	names, _ := stub.Seed(1)
	before, _ := svc.People.Get(names[0]).PersonFields("names").Do()
	if err := stub.EditAsOtherClient(names[0], func(p *people.Person) {
		p.Biographies = []*people.Biography{{Value: "from the web UI"}}
	}); err != nil {
		t.Fatal(err)
	}
	_, err := svc.People.UpdateContact(names[0], &people.Person{Etag: before.Etag}).UpdatePersonFields("names").Do()
	apiErr(t, err, 400)
	if p, ok := stub.Person(names[0]); !ok || p.Biographies[0].Value != "from the web UI" {
		t.Fatalf("person %+v", p)
	}
	if err := stub.EditAsOtherClient("people/c1", func(*people.Person) {}); err == nil {
		t.Fatal("edit of unknown contact succeeded")
	}
}
