package contactsync_test

import (
	"slices"
	"strings"
	"testing"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
)

// mergeEnv is two Google contacts of one client, synced into ringcard:
// keep (a mobile) and gone (an office number, a company).
type mergeEnv struct {
	*env
	keepRN, goneRN string
	keepID, goneID string
}

func newMergeEnv(t *testing.T) *mergeEnv {
	e := newEnv(t)
	m := &mergeEnv{env: e}
	m.keepRN = e.addGoogle("Giulia", "Bianchi", "+39 333 111 2222", "")
	m.goneRN = e.addGoogle("Giulia", "Bianchi Studio", "+39 06 5555 0000", "Studio Bianchi")
	e.sync()
	m.keepID, m.goneID = e.byResource(m.keepRN).ID, e.byResource(m.goneRN).ID
	return m
}

// merge merges gone into keep as the office does (duplicates --merge and
// the web merge both call the store's MergeContacts).
func (m *mergeEnv) merge() int64 {
	m.t.Helper()
	id, err := m.DB.MergeContacts(userCtx(m.ctx), m.keepID, m.goneID)
	if err != nil {
		m.t.Fatalf("merge: %v", err)
	}
	return id
}

// googleNumbers lists a Google contact's phone numbers, digits only.
func googleNumbers(p *people.Person) []string {
	var out []string
	for _, n := range p.PhoneNumbers {
		out = append(out, strings.Map(func(r rune) rune {
			if r < '0' || r > '9' {
				return -1
			}
			return r
		}, n.Value))
	}
	slices.Sort(out)
	return out
}

// checkOneEach fails unless Google has each live ringcard contact exactly
// once and nothing else: no duplicate and no left-over.
func (m *mergeEnv) checkOneEach(want ...string) {
	m.t.Helper()
	got := m.googleNames()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		m.t.Errorf("google contacts = %q, want %q", got, want)
	}
	n, err := m.DB.ContactCount(m.ctx)
	if err != nil {
		m.t.Fatal(err)
	}
	if n != len(want) {
		m.t.Errorf("ringcard has %d live contacts, want %d", n, len(want))
	}
}

func TestMergeReachesGoogleAndUndoBringsItBack(t *testing.T) {
	m := newMergeEnv(t)
	mergeID := m.merge()
	rep := m.sync()
	if rep.PushedUpdated != 1 || rep.PushedDeleted != 1 {
		t.Errorf("report %+v, want the kept contact updated and the other deleted", rep)
	}
	if _, ok := m.Stub.Person(m.goneRN); ok {
		t.Errorf("the merged-away contact %s is still in Google", m.goneRN)
	}
	kept := m.person(m.keepRN)
	if got := googleNumbers(kept); !slices.Equal(got, []string{"390655550000", "393331112222"}) || org(kept) != "Studio Bianchi" {
		t.Errorf("kept contact in Google: numbers %v company %q; want both numbers and the company", got, org(kept))
	}
	m.checkOneEach("Giulia Bianchi")
	// Nothing comes back at the next cycles (the delete seen by the pull).
	m.sync()
	m.checkOneEach("Giulia Bianchi")

	if err := m.DB.UndoMerge(userCtx(m.ctx), mergeID); err != nil {
		t.Fatal(err)
	}
	m.sync()
	m.sync() // and the pull of what the push did changes nothing
	newRN := m.resourceOf(m.goneID)
	if newRN == m.goneRN {
		t.Fatalf("the undone contact kept its deleted resource name %s", newRN)
	}
	back := m.person(newRN)
	if got := googleNumbers(back); !slices.Equal(got, []string{"390655550000"}) || org(back) != "Studio Bianchi" {
		t.Errorf("undone contact in Google: numbers %v company %q", got, org(back))
	}
	if c := m.contact(m.goneID); c.ResourceName != newRN {
		t.Errorf("ringcard's contact has resource name %q, want the new %q", c.ResourceName, newRN)
	}
	if got := googleNumbers(m.person(m.keepRN)); !slices.Equal(got, []string{"393331112222"}) {
		t.Errorf("kept contact in Google after undo: numbers %v, want its own only", got)
	}
	m.checkOneEach("Giulia Bianchi", "Giulia Bianchi Studio")
}

// Undone before the merge reached Google: nothing is deleted there.
func TestMergeUndoneBeforeSync(t *testing.T) {
	m := newMergeEnv(t)
	if err := m.DB.UndoMerge(userCtx(m.ctx), m.merge()); err != nil {
		t.Fatal(err)
	}
	m.sync()
	m.sync()
	if m.resourceOf(m.goneID) != m.goneRN {
		t.Errorf("the contact was relinked to %s, want its own %s", m.resourceOf(m.goneID), m.goneRN)
	}
	m.checkOneEach("Giulia Bianchi", "Giulia Bianchi Studio")
}

func TestGoogleEditRacingMerge(t *testing.T) {
	tests := []struct {
		name string
		// race edits Google's copy of the merged-away contact: before the
		// cycle's pull, or after it, just before the push reaches Google.
		afterPull bool
	}{
		{"edit seen by the pull", false},
		{"edit made between the pull and the delete", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newMergeEnv(t)
			m.merge()
			// The office renames the company on the kept contact; in
			// Google, on the merged-away one, someone adds an e-mail,
			// changes the job title and renames the company too.
			keep := m.contact(m.keepID)
			keep.Company = "Bianchi & Co"
			if err := m.DB.UpdateContact(userCtx(m.ctx), keep); err != nil {
				t.Fatal(err)
			}
			edit := func(p *people.Person) {
				p.EmailAddresses = []*people.EmailAddress{{Value: "giulia@studio.it"}}
				p.Organizations[0].Title = "Architect"
				p.Organizations[0].Name = "Studio Bianchi Srl"
			}
			if tc.afterPull {
				m.editGoogleOnFirstUpdate(m.goneRN, edit)
			} else {
				m.editGoogle(m.goneRN, edit)
			}
			rep := m.sync()
			if _, ok := m.Stub.Person(m.goneRN); ok {
				t.Errorf("the merged-away contact is still in Google")
			}
			m.sync()
			got := m.contact(m.keepID)
			p := m.person(m.keepRN)
			for _, side := range []struct {
				name, email, title, company, googleCompany string
			}{
				{"ringcard", firstEmail(got.Emails), got.JobTitle, got.Company, customValue(got.Custom, "Google company")},
				{"google", googleEmail(p), p.Organizations[0].Title, org(p), userDefined(p, "Google company")},
			} {
				if side.email != "giulia@studio.it" || side.title != "Architect" {
					t.Errorf("%s: e-mail %q, title %q: Google's edit of the merged-away contact was lost", side.name, side.email, side.title)
				}
				if side.company != "Bianchi & Co" || side.googleCompany != "Studio Bianchi Srl" {
					t.Errorf("%s: company %q, Google's %q; want the office's in place and Google's beside it", side.name, side.company, side.googleCompany)
				}
			}
			ks, err := m.DB.SyncConflicts(m.ctx, true, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(ks) != 1 || ks[0].ContactID != m.keepID || ks[0].Field != "company" || ks[0].Local != "Bianchi & Co" || !strings.HasPrefix(ks[0].Google, "Studio Bianchi Srl") {
				t.Errorf("conflicts = %+v, want one on the kept contact's company", ks)
			}
			if rep.Conflicts != 1 {
				t.Errorf("report conflicts = %d, want 1", rep.Conflicts)
			}
			m.checkOneEach("Giulia Bianchi")
		})
	}
}

func firstEmail(es []contacts.Email) string {
	if len(es) == 0 {
		return ""
	}
	return es[0].Address
}

func googleEmail(p *people.Person) string {
	if len(p.EmailAddresses) == 0 {
		return ""
	}
	return p.EmailAddresses[0].Value
}
