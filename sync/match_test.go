package contactsync_test

import (
	"fmt"
	"strings"
	"testing"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard"
	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server"
	contactsync "github.com/ringcard/ringcard/sync"
)

// demoPerson is a demo contact as staff would have typed it in Google:
// names, numbers, e-mails and company only.
func demoPerson(c contacts.Contact) *people.Person {
	p := &people.Person{Names: []*people.Name{{GivenName: c.GivenName, FamilyName: c.FamilyName, UnstructuredName: c.DisplayName}}}
	if c.Nickname != "" {
		p.Nicknames = []*people.Nickname{{Value: c.Nickname}}
	}
	for _, n := range c.Numbers {
		p.PhoneNumbers = append(p.PhoneNumbers, &people.PhoneNumber{Value: n.Raw, Type: n.Type})
	}
	for _, m := range c.Emails {
		p.EmailAddresses = append(p.EmailAddresses, &people.EmailAddress{Value: m.Address, Type: m.Type})
	}
	if c.Company != "" || c.JobTitle != "" {
		p.Organizations = []*people.Organization{{Name: c.Company, Title: c.JobTitle, Department: c.Department}}
	}
	return p
}

func userFields(p *people.Person) string {
	var out []string
	for _, u := range p.UserDefined {
		out = append(out, u.Key+"="+u.Value)
	}
	return strings.Join(out, "; ")
}

func openConflicts(t *testing.T, e *env, field string) map[string]sqlite.SyncConflict {
	t.Helper()
	ks, err := e.DB.SyncConflicts(e.ctx, true, 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]sqlite.SyncConflict{}
	for _, k := range ks {
		if k.Field == field {
			out[k.ContactID] = k
		}
	}
	return out
}

func contactCount(t *testing.T, e *env) int {
	t.Helper()
	n, err := e.DB.ContactCount(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConnectExistingDatabase: the demo database connected to an account
// that already holds 50 of the same people (written differently here and
// there) and 20 others.
func TestConnectExistingDatabase(t *testing.T) {
	e := newEnv(t)
	if n, err := server.LoadDemo(e.ctx, e.DB, ringcard.DemoData); err != nil || n != 343 {
		t.Fatalf("load demo = %d, %v", n, err)
	}
	seed, err := contacts.ParseSeed(ringcard.DemoData)
	if err != nil {
		t.Fatal(err)
	}
	norm := e.DB.Normalizer()
	var picked []contacts.Contact
	for _, sc := range seed.Contacts {
		c := sc.Contact
		if len(picked) < 49 || strings.HasPrefix(c.DisplayName, "Ольга") { // Ольга shares a switchboard with Игорь
			picked = append(picked, c)
		}
		if len(picked) == 50 {
			break
		}
	}
	var reformatted, upperMail, extra, otherCo *contacts.Contact
	rn := map[string]string{} // demo ID -> resource name
	for i := range picked {
		c := &picked[i]
		p := demoPerson(*c)
		switch {
		case i%4 == 1: // "+39 06 1234 5678" written as "+390612345678"
			for _, pn := range p.PhoneNumbers {
				if x, err := norm.Parse(pn.Value, ""); err == nil && x.E164 != "" {
					pn.Value = x.E164
				}
			}
			if reformatted == nil && p.PhoneNumbers[0].Value != c.Numbers[0].Raw {
				reformatted = c
			}
		case upperMail == nil && len(c.Emails) > 0:
			upperMail = c
			p.EmailAddresses[0].Value = strings.ToUpper(c.Emails[0].Address)
		case extra == nil:
			extra = c
			p.Birthdays = []*people.Birthday{{Date: &people.Date{Year: 1980, Month: 5, Day: 17}}}
		case otherCo == nil && c.Company != "":
			otherCo = c
			p.Organizations[0].Name = "Nuova Ragione Sociale srl"
		}
		if rn[c.ID], err = e.Stub.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if reformatted == nil || upperMail == nil || extra == nil || otherCo == nil {
		t.Fatal("demo data lacks the contacts this test needs")
	}
	for i := range 20 {
		e.addGoogle(fmt.Sprint("Nuovo", i), "Cliente", fmt.Sprintf("+39 02 7000 %04d", i), "")
	}

	rep := e.sync()
	if rep.Matched != 50 || rep.PulledCreated != 20 || rep.PushedCreated != 343-50 || rep.Held != 0 {
		t.Fatalf("first sync = %+v, want 50 matched, 20 pulled, 293 pushed, none held", rep)
	}
	if n := e.Stub.Len(); n != 363 {
		t.Errorf("google has %d contacts, want 363", n)
	}
	if n := contactCount(t, e); n != 363 {
		t.Errorf("ringcard has %d contacts, want 363", n)
	}
	if n, _ := e.DB.LinkedCount(e.ctx); n != 363 {
		t.Errorf("%d contacts linked, want 363", n)
	}
	var wantNames []string
	for _, sc := range seed.Contacts {
		if sc.DisplayName != "" {
			wantNames = append(wantNames, sc.DisplayName)
		}
	}
	if got, want := countDup(e.googleNames()), countDup(wantNames); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("names twice in google = %v, want only the demo's own %v", got, want)
	}
	for id, want := range rn {
		if got := e.resourceOf(id); got != want {
			t.Errorf("demo %s linked to %s, want %s", id, got, want)
		}
	}

	t.Run("number written differently", func(t *testing.T) {
		c := e.contact(reformatted.ID)
		p := e.person(rn[c.ID])
		if len(c.Numbers) != len(reformatted.Numbers) || len(p.PhoneNumbers) != len(reformatted.Numbers) {
			t.Errorf("numbers: ringcard %d, google %d, want %d", len(c.Numbers), len(p.PhoneNumbers), len(reformatted.Numbers))
		}
	})
	t.Run("e-mail case", func(t *testing.T) {
		c := e.contact(upperMail.ID)
		p := e.person(rn[c.ID])
		if len(c.Emails) != len(upperMail.Emails) || len(p.EmailAddresses) != len(upperMail.Emails) {
			t.Errorf("emails: ringcard %+v, google %d, want %d", c.Emails, len(p.EmailAddresses), len(upperMail.Emails))
		}
	})
	t.Run("extra field both ways", func(t *testing.T) {
		c := e.contact(extra.ID)
		if c.Birthday != "1980-05-17" {
			t.Errorf("ringcard birthday = %q, want Google's 1980-05-17", c.Birthday)
		}
		p := e.person(rn[c.ID])
		if len(p.Birthdays) != 1 || len(p.Addresses) != len(extra.Addresses) {
			t.Errorf("google: birthdays %d, addresses %d, want 1 and ringcard's %d", len(p.Birthdays), len(p.Addresses), len(extra.Addresses))
		}
		if extra.Stage != "" && !strings.Contains(userFields(p), extra.Stage) {
			t.Errorf("google userDefined %s lacks ringcard's stage %q", userFields(p), extra.Stage)
		}
	})
	t.Run("different company is a conflict", func(t *testing.T) {
		k, ok := openConflicts(t, e, "company")[otherCo.ID]
		if !ok || k.Local != otherCo.Company || k.Google != "Nuova Ragione Sociale srl" || k.Base != "" {
			t.Fatalf("company conflict = %+v, %v", k, ok)
		}
		c := e.contact(otherCo.ID)
		if c.Company != otherCo.Company || !strings.Contains(fmt.Sprint(c.Custom), "Nuova Ragione Sociale srl") {
			t.Errorf("ringcard contact: company %q custom %v: both values must stay visible", c.Company, c.Custom)
		}
		if p := e.person(rn[c.ID]); !strings.Contains(userFields(p), "Google company=Nuova Ragione Sociale srl") {
			t.Errorf("google lost its company value: %s", userFields(p))
		}
	})

	rep = e.sync()
	if rep.Full || rep.Counts != (contactsync.Counts{}) {
		t.Errorf("second sync = %+v, want nothing to do", rep)
	}
	if e.Stub.Len() != 363 || contactCount(t, e) != 363 {
		t.Errorf("after second sync: google %d, ringcard %d, want 363", e.Stub.Len(), contactCount(t, e))
	}
}

// TestMatchAmbiguous: a ringcard contact that could be two Google contacts
// (Google has a duplicate), and a Google contact that could be two
// ringcard contacts (ringcard has one): nothing is linked, pushed or
// created for them; a "match" conflict is recorded for each ringcard
// contact, and a person's answer settles it at the next sync.
func TestMatchAmbiguous(t *testing.T) {
	e := newEnv(t)
	mario := e.local("Mario Rossi", "+39 333 100 0001")
	anna1 := e.local("Anna Verdi", "+39 333 100 0002")
	anna2 := e.local("Anna Verdi", "333 1000002")
	luca := e.local("Luca Neri", "+39 333 100 0004")
	g1 := e.addGoogle("Mario", "Rossi", "+393331000001", "")
	g2 := e.addGoogle("Mario", "Rossi", "333 100 0001", "Rossi Srl")
	g3 := e.addGoogle("Anna", "Verdi", "+39 333 100 0002", "")
	g4 := e.addGoogle("Luca", "Neri", "+39 333 1000004", "")

	rep := e.sync()
	if rep.Matched != 1 || rep.Held != 3 || rep.PushedCreated != 0 || rep.PulledCreated != 0 {
		t.Fatalf("first sync = %+v, want 1 matched, 3 held, nothing created", rep)
	}
	if got := e.resourceOf(luca.ID); got != g4 {
		t.Errorf("unambiguous pair: linked to %s, want %s", got, g4)
	}
	if e.Stub.Len() != 4 || contactCount(t, e) != 4 {
		t.Fatalf("google %d, ringcard %d contacts, want 4 and 4 (no duplicates)", e.Stub.Len(), contactCount(t, e))
	}
	ks := openConflicts(t, e, "match")
	if len(ks) != 3 || !strings.Contains(ks[mario.ID].Google, g1) || !strings.Contains(ks[mario.ID].Google, g2) || !strings.Contains(ks[anna2.ID].Google, g3) {
		t.Fatalf("match conflicts = %+v", ks)
	}
	st, err := contactsync.ReadStatus(e.ctx, e.DB)
	if err != nil || st.HeldLocal != 3 || st.HeldGoogle != 3 {
		t.Errorf("status held = %d local, %d google (%v), want 3 and 3", st.HeldLocal, st.HeldGoogle, err)
	}

	// Edited while held: still not pushed.
	c := e.contact(mario.ID)
	c.JobTitle = "CEO"
	if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
		t.Fatal(err)
	}
	if rep := e.sync(); rep.Counts != (contactsync.Counts{}) || e.Stub.Len() != 4 {
		t.Fatalf("sync while held = %+v, google %d: want nothing", rep, e.Stub.Len())
	}

	t.Run("answers", func(t *testing.T) {
		if _, err := contactsync.ResolveConflict(userCtx(e.ctx), e.DB, ks[mario.ID].ID, contactsync.KeepGoogle, ""); contacts.ErrorCode(err) != contacts.EInvalid {
			t.Errorf("google with two candidates: err = %v, want invalid", err)
		}
		if _, err := contactsync.ResolveConflict(userCtx(e.ctx), e.DB, ks[mario.ID].ID, contactsync.KeepValue, g1); err != nil {
			t.Fatal(err)
		}
		if _, err := contactsync.ResolveConflict(userCtx(e.ctx), e.DB, ks[anna2.ID].ID, contactsync.KeepLocal, ""); err != nil {
			t.Fatal(err)
		}
		rep := e.sync()
		if rep.Matched != 2 || rep.PulledCreated != 1 || rep.PushedCreated != 1 {
			t.Fatalf("sync after answers = %+v, want 2 matched (Mario, Anna), g2 created, anna2 pushed", rep)
		}
		if got := e.resourceOf(mario.ID); got != g1 {
			t.Errorf("mario linked to %s, want %s", got, g1)
		}
		if got := e.resourceOf(anna1.ID); got != g3 {
			t.Errorf("anna linked to %s, want %s (the other Anna was kept apart)", got, g3)
		}
		if p := e.person(g1); len(p.Organizations) == 0 || p.Organizations[0].Title != "CEO" {
			t.Errorf("edit made while held did not reach google: %+v", p.Organizations)
		}
		if e.byResource(g2).Company != "Rossi Srl" {
			t.Errorf("google's duplicate not created in ringcard")
		}
		if e.Stub.Len() != 5 || contactCount(t, e) != 5 {
			t.Errorf("google %d, ringcard %d, want 5 and 5", e.Stub.Len(), contactCount(t, e))
		}
		if ks := openConflicts(t, e, "match"); len(ks) != 0 {
			t.Errorf("open match conflicts = %+v, want none", ks)
		}
		if rep := e.sync(); rep.Counts != (contactsync.Counts{}) {
			t.Errorf("next sync = %+v, want nothing", rep)
		}
	})
}

// TestMatchIncremental: a contact made in ringcard and, before it reached
// Google, made in Google too by staff: the next (incremental) pull links
// them instead of creating either twice.
func TestMatchIncremental(t *testing.T) {
	e := newEnv(t)
	e.addGoogle("Old", "Client", "+39 06 9999 0000", "")
	e.sync()
	mine := e.local("Paolo Neri", "+39 333 555 0000")
	rn := e.addGoogle("paolo", "NERI", "+393335550000", "Neri Spa")
	rep := e.sync()
	if rep.Full || rep.Matched != 1 || rep.PulledCreated != 0 || rep.PushedCreated != 0 {
		t.Fatalf("sync = %+v, want incremental, 1 matched, nothing created", rep)
	}
	if got := e.resourceOf(mine.ID); got != rn {
		t.Errorf("linked to %s, want %s", got, rn)
	}
	if c := e.contact(mine.ID); c.Company != "Neri Spa" {
		t.Errorf("company = %q, want Google's", c.Company)
	}
	if e.Stub.Len() != 2 || contactCount(t, e) != 2 {
		t.Errorf("google %d, ringcard %d, want 2 and 2", e.Stub.Len(), contactCount(t, e))
	}
}
