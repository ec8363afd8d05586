package contactsync

import (
	"context"
	"net/http"
	"strings"

	"google.golang.org/api/option"
	people "google.golang.org/api/people/v1"
)

// PersonFields is every field the sync reads: all a card can show plus
// memberships, biographies, userDefined, clientData and metadata. It is the
// same on every page and every sync (sync tokens are bound to it).
const PersonFields = "addresses,biographies,birthdays,clientData,emailAddresses,memberships,metadata,names,nicknames,organizations,phoneNumbers,photos,urls,userDefined"

// groupFields is what the sync reads of contact groups.
const groupFields = "groupType,metadata,name"

// PageSize is the connections.list page size (Google's maximum).
const PageSize = 1000

// Google's limits on the batch methods, from the People API reference.
const (
	BatchCreateMax = 200 // people:batchCreateContacts
	BatchUpdateMax = 200 // people:batchUpdateContacts
	BatchDeleteMax = 500 // people:batchDeleteContacts
	BatchGetMax    = 200 // people:getBatchGet
)

// People is the part of the People API the engine uses. Google implements
// it over the official client; tests reach the stand-in through the same
// client.
type People interface {
	ListConnections(ctx context.Context, pageToken, syncToken string) (*people.ListConnectionsResponse, error)
	GetPerson(ctx context.Context, resourceName string) (*people.Person, error)
	CreateContact(ctx context.Context, p *people.Person) (*people.Person, error)
	UpdateContact(ctx context.Context, p *people.Person, fields []string) (*people.Person, error)
	DeleteContact(ctx context.Context, resourceName string) error
	// The batch forms: Google's limits are BatchCreateMax, BatchUpdateMax,
	// BatchDeleteMax and BatchGetMax resources a request.
	BatchGet(ctx context.Context, resourceNames []string) ([]*people.PersonResponse, error)
	BatchCreate(ctx context.Context, ps []*people.Person) ([]*people.PersonResponse, error)
	BatchUpdate(ctx context.Context, ps map[string]people.Person, fields []string) (map[string]people.PersonResponse, error)
	BatchDelete(ctx context.Context, resourceNames []string) error
	ListGroups(ctx context.Context, pageToken, syncToken string) (*people.ListContactGroupsResponse, error)
	CreateGroup(ctx context.Context, name string) (*people.ContactGroup, error)
	RenameGroup(ctx context.Context, g *people.ContactGroup, name string) (*people.ContactGroup, error)
	DeleteGroup(ctx context.Context, resourceName string) error
}

// Google is People over the official client.
type Google struct {
	svc *people.Service
}

// NewGoogle builds the official client. endpoint is the People API base
// URL ("" for Google's); client carries the OAuth token (nil with
// noAuth, for a stand-in that wants no credentials).
func NewGoogle(ctx context.Context, endpoint string, client *http.Client, noAuth bool) (*Google, error) {
	var opts []option.ClientOption
	if endpoint != "" {
		opts = append(opts, option.WithEndpoint(strings.TrimRight(endpoint, "/")+"/"))
	}
	if client != nil {
		opts = append(opts, option.WithHTTPClient(client))
	} else if noAuth {
		opts = append(opts, option.WithoutAuthentication())
	}
	svc, err := people.NewService(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return &Google{svc: svc}, nil
}

// ListConnections reads one page of people/me/connections, always with the
// same parameters.
func (g *Google) ListConnections(ctx context.Context, pageToken, syncToken string) (*people.ListConnectionsResponse, error) {
	call := g.svc.People.Connections.List("people/me").Context(ctx).
		PersonFields(PersonFields).PageSize(PageSize).RequestSyncToken(true)
	if pageToken != "" {
		call = call.PageToken(pageToken)
	}
	if syncToken != "" {
		call = call.SyncToken(syncToken)
	}
	return call.Do()
}

// GetPerson reads one contact with every field the sync uses.
func (g *Google) GetPerson(ctx context.Context, resourceName string) (*people.Person, error) {
	return g.svc.People.Get(resourceName).Context(ctx).PersonFields(PersonFields).Do()
}

// CreateContact creates a contact and returns it as stored.
func (g *Google) CreateContact(ctx context.Context, p *people.Person) (*people.Person, error) {
	return g.svc.People.CreateContact(p).Context(ctx).PersonFields(PersonFields).Do()
}

// UpdateContact updates the given fields; p.Etag must be the version the
// change was based on.
func (g *Google) UpdateContact(ctx context.Context, p *people.Person, fields []string) (*people.Person, error) {
	return g.svc.People.UpdateContact(p.ResourceName, p).Context(ctx).
		UpdatePersonFields(strings.Join(fields, ",")).PersonFields(PersonFields).Do()
}

// DeleteContact deletes a contact.
func (g *Google) DeleteContact(ctx context.Context, resourceName string) error {
	_, err := g.svc.People.DeleteContact(resourceName).Context(ctx).Do()
	return err
}

// BatchGet reads up to BatchGetMax contacts; each answer carries its own
// status (a contact deleted meanwhile answers 404 alone).
func (g *Google) BatchGet(ctx context.Context, resourceNames []string) ([]*people.PersonResponse, error) {
	resp, err := g.svc.People.GetBatchGet().ResourceNames(resourceNames...).PersonFields(PersonFields).Context(ctx).Do()
	if err != nil {
		return nil, err
	}
	return resp.Responses, nil
}

// BatchCreate creates up to BatchCreateMax contacts in one request and
// returns them as stored, in the order sent. Google fails the whole batch
// when one contact is bad, naming it (batchErrors).
func (g *Google) BatchCreate(ctx context.Context, ps []*people.Person) ([]*people.PersonResponse, error) {
	req := &people.BatchCreateContactsRequest{ReadMask: PersonFields}
	for _, p := range ps {
		req.Contacts = append(req.Contacts, &people.ContactToCreate{ContactPerson: p})
	}
	resp, err := g.svc.People.BatchCreateContacts(req).Context(ctx).Do()
	if err != nil {
		return nil, err
	}
	return resp.CreatedPeople, nil
}

// BatchUpdate updates the same fields of up to BatchUpdateMax contacts,
// keyed by resource name, each carrying the etag it was based on. Google
// fails the whole batch when one contact is bad (a stale etag, gone),
// naming it (batchErrors).
func (g *Google) BatchUpdate(ctx context.Context, ps map[string]people.Person, fields []string) (map[string]people.PersonResponse, error) {
	resp, err := g.svc.People.BatchUpdateContacts(&people.BatchUpdateContactsRequest{
		Contacts: ps, UpdateMask: strings.Join(fields, ","), ReadMask: PersonFields,
	}).Context(ctx).Do()
	if err != nil {
		return nil, err
	}
	return resp.UpdateResult, nil
}

// BatchDelete deletes up to BatchDeleteMax contacts.
func (g *Google) BatchDelete(ctx context.Context, resourceNames []string) error {
	_, err := g.svc.People.BatchDeleteContacts(&people.BatchDeleteContactsRequest{ResourceNames: resourceNames}).Context(ctx).Do()
	return err
}

// ListGroups reads one page of contact groups.
func (g *Google) ListGroups(ctx context.Context, pageToken, syncToken string) (*people.ListContactGroupsResponse, error) {
	call := g.svc.ContactGroups.List().Context(ctx).GroupFields(groupFields).PageSize(1000)
	if pageToken != "" {
		call = call.PageToken(pageToken)
	}
	if syncToken != "" {
		call = call.SyncToken(syncToken)
	}
	return call.Do()
}

// CreateGroup creates a user contact group.
func (g *Google) CreateGroup(ctx context.Context, name string) (*people.ContactGroup, error) {
	return g.svc.ContactGroups.Create(&people.CreateContactGroupRequest{
		ContactGroup: &people.ContactGroup{Name: name}, ReadGroupFields: groupFields,
	}).Context(ctx).Do()
}

// RenameGroup renames a group, based on its etag.
func (g *Google) RenameGroup(ctx context.Context, cg *people.ContactGroup, name string) (*people.ContactGroup, error) {
	return g.svc.ContactGroups.Update(cg.ResourceName, &people.UpdateContactGroupRequest{
		ContactGroup:      &people.ContactGroup{ResourceName: cg.ResourceName, Etag: cg.Etag, Name: name},
		UpdateGroupFields: "name", ReadGroupFields: groupFields,
	}).Context(ctx).Do()
}

// DeleteGroup deletes a group; its contacts stay.
func (g *Google) DeleteGroup(ctx context.Context, resourceName string) error {
	_, err := g.svc.ContactGroups.Delete(resourceName).Context(ctx).DeleteContacts(false).Do()
	return err
}
