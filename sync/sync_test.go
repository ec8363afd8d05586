package contactsync_test

import (
	"strings"
	"testing"
	"time"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	contactsync "github.com/ringcard/ringcard/sync"
)

func TestFirstSyncBothWays(t *testing.T) {
	e := newEnv(t)
	rn := e.addGoogle("Mario", "Rossi", "+39 06 1234 5678", "Rossi Srl")
	mine := e.local("Giulia Bianchi", "+39 333 111 2222")

	rep := e.sync()
	if !rep.Full || rep.PulledCreated != 1 || rep.PushedCreated != 1 {
		t.Fatalf("first sync = %+v, want full, 1 pulled, 1 pushed", rep)
	}
	got := e.byResource(rn)
	if got.Company != "Rossi Srl" || got.DisplayName != "Mario Rossi" || len(got.Numbers) != 1 || got.Numbers[0].Key != "+390612345678" {
		t.Errorf("pulled contact = %+v", got)
	}
	p := e.person(e.resourceOf(mine.ID))
	if p.Names[0].UnstructuredName != "Giulia Bianchi" || p.PhoneNumbers[0].Value != "+39 333 111 2222" {
		t.Errorf("pushed person = names %+v phones %+v", p.Names[0], p.PhoneNumbers[0])
	}
	if len(p.ClientData) != 1 || p.ClientData[0].Value != mine.ID {
		t.Errorf("pushed person clientData = %+v, want ringcard id %s", p.ClientData, mine.ID)
	}
	rep = e.sync()
	if rep.Full || rep.Counts != (contactsync.Counts{}) {
		t.Errorf("second sync = %+v, want an incremental sync with nothing to do", rep)
	}
	if n := e.Stub.Len(); n != 2 {
		t.Errorf("google has %d contacts, want 2", n)
	}
	if n, _ := e.DB.ContactCount(e.ctx); n != 2 {
		t.Errorf("ringcard has %d contacts, want 2", n)
	}
}

func TestIncrementalBothWays(t *testing.T) {
	e := newEnv(t)
	rn := e.addGoogle("Mario", "Rossi", "+39 06 1234 5678", "Rossi Srl")
	gone := e.addGoogle("Old", "Client", "+39 06 9999 0000", "")
	e.sync()
	id := e.byResource(rn).ID
	goneID := e.byResource(gone).ID

	t.Run("google to ringcard", func(t *testing.T) {
		e.editGoogle(rn, func(p *people.Person) {
			p.Organizations[0].Name = "Rossi & Figli Srl"
			p.EmailAddresses = append(p.EmailAddresses, &people.EmailAddress{Value: "mario@rossi.it", Type: "work"})
		})
		if err := e.Stub.DeleteAsOtherClient(gone); err != nil {
			t.Fatal(err)
		}
		newRN := e.addGoogle("Nuovo", "Cliente", "+39 02 5555 1234", "")
		rep := e.sync()
		if rep.Full || rep.PulledUpdated != 1 || rep.PulledDeleted != 1 || rep.PulledCreated != 1 {
			t.Fatalf("report = %+v", rep)
		}
		c := e.contact(id)
		if c.Company != "Rossi & Figli Srl" || len(c.Emails) != 1 || c.Emails[0].Address != "mario@rossi.it" {
			t.Errorf("contact = company %q emails %+v", c.Company, c.Emails)
		}
		if _, err := e.DB.Contact(e.ctx, goneID); contacts.ErrorCode(err) != contacts.ENotFound {
			t.Errorf("contact deleted in google: err = %v, want not found", err)
		}
		if e.byResource(newRN).DisplayName != "Nuovo Cliente" {
			t.Errorf("new google contact not pulled")
		}
		if n, _ := e.DB.OutboxLen(e.ctx); n != 0 {
			t.Errorf("outbox = %d after pulling, want 0 (no echo)", n)
		}
	})

	t.Run("ringcard to google", func(t *testing.T) {
		c := e.contact(id)
		c.JobTitle = "CEO"
		c.Stage = "quote sent"
		c.Custom = append(c.Custom, contacts.CustomField{Key: "VAT", Value: "IT0123"})
		if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
			t.Fatal(err)
		}
		if n, _ := e.DB.OutboxLen(e.ctx); n != 1 {
			t.Fatalf("outbox = %d, want 1", n)
		}
		before := e.person(rn).Etag
		rep := e.sync()
		if rep.PushedUpdated != 1 {
			t.Fatalf("report = %+v", rep)
		}
		p := e.person(rn)
		if p.Organizations[0].Title != "CEO" || p.Organizations[0].Name != "Rossi & Figli Srl" {
			t.Errorf("organizations = %+v", p.Organizations[0])
		}
		ud := map[string]string{}
		for _, u := range p.UserDefined {
			ud[u.Key] = u.Value
		}
		if ud["ringcard stage"] != "quote sent" || ud["VAT"] != "IT0123" {
			t.Errorf("userDefined = %v", ud)
		}
		req, _ := e.Stub.LastRequest("people.batchUpdateContacts")
		if f := batchUpdateBody(t, req).UpdateMask; f != "organizations,userDefined" {
			t.Errorf("updateMask = %q, want organizations,userDefined", f)
		}
		if p.Etag == before {
			t.Errorf("etag did not change")
		}
		if n, _ := e.DB.OutboxLen(e.ctx); n != 0 {
			t.Errorf("outbox = %d, want 0", n)
		}
		if rep := e.sync(); rep.Counts != (contactsync.Counts{}) {
			t.Errorf("next sync = %+v, want nothing (own write must not come back as a change)", rep)
		}
	})

	t.Run("deleted in ringcard", func(t *testing.T) {
		if err := e.DB.DeleteContact(userCtx(e.ctx), id); err != nil {
			t.Fatal(err)
		}
		rep := e.sync()
		if rep.PushedDeleted != 1 {
			t.Fatalf("report = %+v", rep)
		}
		if _, ok := e.Stub.Person(rn); ok {
			t.Errorf("google still has %s", rn)
		}
	})
}

func TestNoteLogInGoogle(t *testing.T) {
	e := newEnv(t, func(o *contactsync.Options) { o.NoteLogLimit = 300 })
	rn := e.addGoogle("Anna", "Verdi", "+39 06 1111 2222", "")
	e.editGoogle(rn, func(p *people.Person) {
		p.Biographies = []*people.Biography{{Value: "Prefers calls after 3pm.", ContentType: "TEXT_PLAIN"}}
	})
	e.sync()
	id := e.byResource(rn).ID
	at := time.Date(2026, 11, 20, 14, 2, 0, 0, time.UTC)
	for i, text := range []string{strings.Repeat("long ", 80), "Wants a quote for 40 chairs", "Called back: quote accepted"} {
		n := &contacts.Note{ID: contacts.NewID(), ContactID: id, Text: text, Author: "Luca", At: at.Add(time.Duration(i) * time.Hour)}
		if _, err := e.DB.AddNote(userCtx(e.ctx), n); err != nil {
			t.Fatal(err)
		}
	}
	e.sync()
	b := bio(e.person(rn))
	if !strings.HasPrefix(b, "Prefers calls after 3pm.\n\n") {
		t.Errorf("free text not kept first:\n%s", b)
	}
	for _, want := range []string{"2026-11-20 16:02 (Luca): Called back: quote accepted", "2026-11-20 15:02 (Luca): Wants a quote", "2026-11-20 14:02 (Luca): long long"} {
		if !strings.Contains(b, want) {
			t.Errorf("note missing %q in:\n%s", want, b)
		}
	}
	if n := len([]rune(b)); n > 300 {
		t.Errorf("note is %d characters, limit 300", n)
	}
	if strings.Index(b, "16:02") > strings.Index(b, "15:02") {
		t.Errorf("log not newest first:\n%s", b)
	}
	if c := e.contact(id); c.Note != "Prefers calls after 3pm." {
		t.Errorf("local note = %q, want the free text only", c.Note)
	}

	// Staff edit the free text in Google: ringcard takes it, the log stays.
	e.editGoogle(rn, func(p *people.Person) {
		p.Biographies[0].Value = strings.Replace(p.Biographies[0].Value, "after 3pm", "after 4pm", 1)
	})
	e.sync()
	if c := e.contact(id); c.Note != "Prefers calls after 4pm." {
		t.Errorf("local note = %q after google edit", c.Note)
	}
}
