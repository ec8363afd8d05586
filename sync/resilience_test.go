package contactsync_test

import (
	"fmt"
	"testing"
	"time"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	contactsync "github.com/ringcard/ringcard/sync"
	"github.com/ringcard/ringcard/sync/peoplestub"
)

func TestExpiredSyncTokenFullResync(t *testing.T) {
	e := newEnv(t)
	var rns []string
	for i := range 5 {
		rns = append(rns, e.addGoogle("Client", fmt.Sprint(i), fmt.Sprintf("+39 06 1000 %04d", i), "Co"))
	}
	mine := e.local("Local Only", "+39 333 000 0001")
	e.sync()

	// Meanwhile: Google edits one, deletes one, adds one; ringcard edits one.
	e.editGoogle(rns[0], func(p *people.Person) { p.Organizations[0].Name = "Google Co" })
	if err := e.Stub.DeleteAsOtherClient(rns[1]); err != nil {
		t.Fatal(err)
	}
	added := e.addGoogle("Added", "InGoogle", "+39 06 2000 0001", "")
	c := e.byResource(rns[2])
	c.JobTitle = "Edited here"
	if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
		t.Fatal(err)
	}
	e.Stub.ExpireSyncTokens()

	rep := e.sync()
	if !rep.Full {
		t.Fatalf("report = %+v, want a full resync", rep)
	}
	if n, _ := e.DB.ContactCount(e.ctx); n != 6 {
		t.Errorf("ringcard has %d contacts, want 6 (5 - 1 deleted + 1 added + local)", n)
	}
	if n := e.Stub.Len(); n != 6 {
		t.Errorf("google has %d contacts, want 6", n)
	}
	if d := countDup(e.googleNames()); len(d) > 0 {
		t.Errorf("duplicates in google: %v", d)
	}
	if e.byResource(rns[0]).Company != "Google Co" {
		t.Errorf("google edit lost in resync")
	}
	if org := e.person(rns[2]).Organizations[0]; org.Title != "Edited here" {
		t.Errorf("local edit lost in resync: %+v", org)
	}
	if e.byResource(added).DisplayName != "Added InGoogle" {
		t.Errorf("added contact missing")
	}
	if e.resourceOf(mine.ID) == "" {
		t.Errorf("local contact unlinked")
	}
	if rep := e.sync(); rep.Full || rep.Counts != (contactsync.Counts{}) {
		t.Errorf("sync after resync = %+v, want incremental and idle", rep)
	}
}

func TestBackoffOnQuotaAndUnavailable(t *testing.T) {
	e := newEnv(t)
	e.addGoogle("A", "B", "+39 06 1234 0000", "")
	e.Stub.InjectFault(peoplestub.Fault{Status: 429, RetryAfter: 7 * time.Second, Count: 2, Op: "people.connections.list"})
	e.Stub.InjectFault(peoplestub.Fault{Status: 503, Count: 2, Op: "people.connections.list"})
	rep := e.sync()
	if rep.PulledCreated != 1 || rep.Retries != 4 {
		t.Fatalf("report = %+v, want the contact after 4 retries", rep)
	}
	w := e.Sleep.Waits()
	if len(w) != 4 {
		t.Fatalf("waits = %v, want 4", w)
	}
	if w[0] < 7*time.Second || w[1] < 7*time.Second {
		t.Errorf("waits %v do not honour Retry-After 7s", w[:2])
	}
	if !(w[3] > w[2]) {
		t.Errorf("waits %v do not grow", w)
	}
}

func TestGoogleDownThenBack(t *testing.T) {
	e := newEnv(t)
	if _, err := e.Stub.Seed(500); err != nil {
		t.Fatal(err)
	}
	e.sync()
	ids := make([]string, 0, 500)
	chs, err := e.DB.Changes(e.ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chs {
		ids = append(ids, c.ID)
	}
	e.Stub.SetDown(peoplestub.DownCloseConn)
	for i, id := range ids { // 500 local edits while Google is unreachable
		c := e.contact(id)
		c.JobTitle = fmt.Sprintf("edit %d", i)
		if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
			t.Fatalf("local edit %d while google is down: %v", i, err)
		}
	}
	if _, err := e.Engine.RunOnce(e.ctx); err == nil {
		t.Fatalf("sync succeeded with google down")
	}
	if n, _ := e.DB.OutboxLen(e.ctx); n != 500 {
		t.Fatalf("outbox = %d, want 500", n)
	}
	e.Stub.SetDown(peoplestub.Up)
	e.Stub.ResetLog()
	rep := e.sync()
	if rep.PushedUpdated != 500 {
		t.Errorf("pushed %d, want 500", rep.PushedUpdated)
	}
	reqs := e.Stub.Requests("people.batchUpdateContacts")
	if len(reqs) != 3 {
		t.Fatalf("batchUpdateContacts requests = %d, want 3 (200 contacts a request)", len(reqs))
	}
	sent := map[string]int{}
	for _, r := range reqs {
		for rn := range batchUpdateBody(t, r).Contacts {
			sent[rn]++
		}
	}
	for i, id := range ids {
		if rn := e.resourceOf(id); sent[rn] != 1 {
			t.Fatalf("edit %d (%s) sent %d times, want once", i, rn, sent[rn])
		}
	}
	for i, id := range ids {
		if got := e.person(e.resourceOf(id)).Organizations[0].Title; got != fmt.Sprintf("edit %d", i) {
			t.Fatalf("contact %d in google has title %q", i, got)
		}
	}
	if n, _ := e.DB.OutboxLen(e.ctx); n != 0 {
		t.Errorf("outbox = %d, want 0", n)
	}
}

func TestCreateInterruptedIsLinkedNotDuplicated(t *testing.T) {
	e := newEnv(t)
	e.sync()
	mine := e.local("Crash Test", "+39 333 999 0000")
	// The create reached Google but ringcard crashed before recording it:
	// Google has the contact with ringcard's ID, the outbox still has the entry.
	rn, err := e.Stub.Add(&people.Person{
		Names:        []*people.Name{{UnstructuredName: "Crash Test"}},
		PhoneNumbers: []*people.PhoneNumber{{Value: "+39 333 999 0000", Type: "mobile"}},
		ClientData:   []*people.ClientData{{Key: "ringcard.id", Value: mine.ID}},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.sync()
	if n := e.Stub.Len(); n != 1 {
		t.Errorf("google has %d contacts, want 1", n)
	}
	if got := e.resourceOf(mine.ID); got != rn {
		t.Errorf("linked to %s, want %s", got, rn)
	}
	if n, _ := e.DB.ContactCount(e.ctx); n != 1 {
		t.Errorf("ringcard has %d contacts, want 1", n)
	}
}

func TestRenamedResource(t *testing.T) {
	e := newEnv(t)
	rn := e.addGoogle("Re", "Named", "+39 06 5555 0000", "")
	e.sync()
	id := e.byResource(rn).ID
	newRN, err := e.Stub.Rename(rn)
	if err != nil {
		t.Fatal(err)
	}
	e.sync()
	if got := e.resourceOf(id); got != newRN {
		t.Errorf("resource = %s, want %s", got, newRN)
	}
	if n, _ := e.DB.ContactCount(e.ctx); n != 1 {
		t.Errorf("ringcard has %d contacts, want 1", n)
	}
	var _ = contacts.ENotFound
}
