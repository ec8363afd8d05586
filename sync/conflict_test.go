package contactsync_test

import (
	"strings"
	"testing"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	contactsync "github.com/ringcard/ringcard/sync"
)

func TestBothSidesEditMerged(t *testing.T) {
	e := newEnv(t)
	rn := e.addGoogle("Mario", "Rossi", "+39 06 1234 5678", "Rossi Srl")
	e.editGoogle(rn, func(p *people.Person) {
		p.Biographies = []*people.Biography{{Value: "Old note", ContentType: "TEXT_PLAIN"}}
	})
	e.sync()
	id := e.byResource(rn).ID

	// Google: new company, new note text, an added e-mail.
	e.editGoogle(rn, func(p *people.Person) {
		p.Organizations[0].Name = "Rossi Group"
		p.Biographies[0].Value = "Old note. Google: moved to Milan"
		p.EmailAddresses = []*people.EmailAddress{{Value: "mario@rossi.it"}}
	})
	// ringcard: other company, other note text, a job title, a second number.
	c := e.contact(id)
	c.Company, c.Note, c.JobTitle = "Rossi SpA", "Old note. Ringcard: call on Mondays", "Owner"
	c.Numbers = append(c.Numbers, contacts.Number{Raw: "+39 333 444 5555", Type: "mobile"})
	if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
		t.Fatal(err)
	}

	rep := e.sync()
	if rep.Conflicts != 2 {
		t.Errorf("conflicts = %d, want 2 (company, note); report %+v", rep.Conflicts, rep)
	}
	got := e.contact(id)
	p := e.person(rn)
	for _, side := range []struct {
		name          string
		company, note string
		emails        int
		numbers       int
		title         string
		custom        string
	}{
		{"ringcard", got.Company, got.Note, len(got.Emails), len(got.Numbers), got.JobTitle, customValue(got.Custom, "Google company")},
		{"google", org(p), bio(p), len(p.EmailAddresses), len(p.PhoneNumbers), p.Organizations[0].Title, userDefined(p, "Google company")},
	} {
		if side.company != "Rossi SpA" || side.custom != "Rossi Group" {
			t.Errorf("%s: company %q, Google's kept as %q; want ringcard's in place and Google's beside it", side.name, side.company, side.custom)
		}
		if !strings.Contains(side.note, "Ringcard: call on Mondays") || !strings.Contains(side.note, "Google: moved to Milan") {
			t.Errorf("%s: note lost a side's text:\n%s", side.name, side.note)
		}
		if side.emails != 1 || side.numbers != 2 || side.title != "Owner" {
			t.Errorf("%s: emails %d numbers %d title %q; want both sides' additions", side.name, side.emails, side.numbers, side.title)
		}
	}
	ks, err := e.DB.SyncConflicts(e.ctx, true, 10)
	if err != nil || len(ks) != 2 {
		t.Fatalf("open conflicts = %+v, %v", ks, err)
	}
	var company int64
	for _, k := range ks {
		if k.Field == "company" {
			company = k.ID
			if k.Local != "Rossi SpA" || k.Google != "Rossi Group" || k.Base != "Rossi Srl" {
				t.Errorf("conflict = %+v", k)
			}
		}
	}

	// A person picks Google's company: it goes back to Google, the extra field goes.
	if _, err := contactsync.ResolveConflict(userCtx(e.ctx), e.DB, company, contactsync.KeepGoogle, ""); err != nil {
		t.Fatal(err)
	}
	e.sync()
	p = e.person(rn)
	if org(p) != "Rossi Group" || userDefined(p, "Google company") != "" {
		t.Errorf("after resolving: company %q, extra field %q", org(p), userDefined(p, "Google company"))
	}
	if n, _ := e.DB.OpenConflictCount(e.ctx); n != 1 {
		t.Errorf("open conflicts = %d, want 1", n)
	}
}

func TestStaleEtagOnPush(t *testing.T) {
	e := newEnv(t)
	rn := e.addGoogle("Sara", "Neri", "+39 06 7777 8888", "Neri Snc")
	e.sync()
	id := e.byResource(rn).ID
	c := e.contact(id)
	c.JobTitle = "Buyer"
	if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
		t.Fatal(err)
	}
	// Google changes between the pull and the push: the push's etag is stale.
	e.Stub.ResetLog()
	e.editGoogleOnFirstUpdate(rn, func(p *people.Person) { p.Nicknames = []*people.Nickname{{Value: "Sarina"}} })
	rep := e.sync()
	if rep.EtagRetries != 1 || rep.PushedUpdated != 1 {
		t.Fatalf("report = %+v, want one etag retry and one update", rep)
	}
	p := e.person(rn)
	if p.Organizations[0].Title != "Buyer" || len(p.Nicknames) == 0 || p.Nicknames[0].Value != "Sarina" {
		t.Errorf("google = title %q nicknames %+v: want both changes", p.Organizations[0].Title, p.Nicknames)
	}
	if got := e.contact(id); got.Nickname != "Sarina" || got.JobTitle != "Buyer" {
		t.Errorf("ringcard = nickname %q title %q", got.Nickname, got.JobTitle)
	}
	if n := e.Stub.RequestCount("people.getBatchGet"); n != 1 {
		t.Errorf("people.getBatchGet calls = %d, want 1 (fetch after the stale etag)", n)
	}
}

func TestDeletedInGoogleWhileEditedHere(t *testing.T) {
	e := newEnv(t)
	rn := e.addGoogle("Piero", "Gialli", "+39 06 3333 4444", "")
	e.sync()
	id := e.byResource(rn).ID
	c := e.contact(id)
	c.Company = "Gialli Srl"
	if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
		t.Fatal(err)
	}
	if err := e.Stub.DeleteAsOtherClient(rn); err != nil {
		t.Fatal(err)
	}
	e.sync()
	got := e.contact(id)
	if got.Company != "Gialli Srl" {
		t.Fatalf("local edit lost: %+v", got)
	}
	newRN := e.resourceOf(id)
	if newRN == rn || org(e.person(newRN)) != "Gialli Srl" {
		t.Errorf("contact not made again in google (resource %s)", newRN)
	}
	if n, _ := e.DB.OpenConflictCount(e.ctx); n != 1 {
		t.Errorf("open conflicts = %d, want 1", n)
	}
}

func customValue(fs []contacts.CustomField, key string) string {
	for _, f := range fs {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

func userDefined(p *people.Person, key string) string {
	for _, u := range p.UserDefined {
		if u.Key == key {
			return u.Value
		}
	}
	return ""
}
