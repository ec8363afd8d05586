package contactsync_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
	people "google.golang.org/api/people/v1"

	contactsync "github.com/ringcard/ringcard/sync"
	"github.com/ringcard/ringcard/sync/peoplestub"
)

// TestBatchCreateOneBadContact: Google refuses a batch of 250 because one
// contact is invalid, naming it; the 249 others are in Google at once and
// the bad one stays queued with Google's reason.
func TestBatchCreateOneBadContact(t *testing.T) {
	e := newEnv(t)
	e.sync()
	e.Stub.RejectContacts(func(p *people.Person) string {
		if len(p.Names) > 0 && p.Names[0].GivenName == "Cliente 00117" {
			return "Invalid phone number."
		}
		return ""
	})
	e.importRows(0, 250)
	rep := e.sync()
	if rep.PushedCreated != 249 {
		t.Errorf("pushed %d, want 249", rep.PushedCreated)
	}
	if n := e.Stub.Len(); n != 249 {
		t.Errorf("google has %d contacts, want 249", n)
	}
	entries, err := e.DB.NextOutbox(e.ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !strings.Contains(entries[0].LastError, "Invalid phone number") || entries[0].Attempts != 1 {
		t.Fatalf("outbox = %+v, want the bad contact with Google's reason", entries)
	}
	if c := e.contact(entries[0].ContactID); c.GivenName != "Cliente 00117" {
		t.Errorf("queued contact = %q, want Cliente 00117", c.GivenName)
	}
	// 250 creates: the refused batch of 200, the same without the bad one,
	// and the last 50.
	if n := e.Stub.RequestCount("people.batchCreateContacts"); n != 3 {
		t.Errorf("batchCreateContacts requests = %d, want 3", n)
	}
	e.Stub.RejectContacts(nil)
	e.sync()
	if n := e.Stub.Len(); n != 250 {
		t.Errorf("after the fix google has %d contacts, want 250", n)
	}
	e.checkImported(0, 250, e.groupRN("Clienti"))
}

// TestBatchUpdateStaleEtag: three contacts change in ringcard; one of them
// changes in Google too before the batch reaches it. Google refuses the
// batch naming that one; the two others go again at once, the stale one is
// fetched (batchGet), merged three-way and sent again: every change of both
// sides survives.
func TestBatchUpdateStaleEtag(t *testing.T) {
	e := newEnv(t)
	rns := []string{
		e.addGoogle("Anna", "Blu", "+39 06 1111 0001", "Blu Srl"),
		e.addGoogle("Bruno", "Verdi", "+39 06 1111 0002", "Verdi Srl"),
		e.addGoogle("Carla", "Gialli", "+39 06 1111 0003", "Gialli Srl"),
	}
	e.sync()
	for i, rn := range rns {
		c := e.byResource(rn)
		c.JobTitle = fmt.Sprint("title ", i)
		if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
			t.Fatal(err)
		}
	}
	e.Stub.ResetLog()
	e.editGoogleOnFirstUpdate(rns[1], func(p *people.Person) { p.Nicknames = []*people.Nickname{{Value: "Bru"}} })
	rep := e.sync()
	if rep.PushedUpdated != 3 || rep.EtagRetries != 1 {
		t.Errorf("report = %+v, want 3 updates and 1 etag retry", rep)
	}
	for i, rn := range rns {
		p := e.person(rn)
		if got := p.Organizations[0].Title; got != fmt.Sprint("title ", i) {
			t.Errorf("%s title = %q", rn, got)
		}
	}
	if p := e.person(rns[1]); len(p.Nicknames) == 0 || p.Nicknames[0].Value != "Bru" {
		t.Errorf("google's nickname was lost: %+v", p.Nicknames)
	}
	if c := e.byResource(rns[1]); c.Nickname != "Bru" || c.JobTitle != "title 1" {
		t.Errorf("ringcard = nickname %q title %q, want both changes", c.Nickname, c.JobTitle)
	}
	reqs := e.Stub.Requests("people.batchUpdateContacts")
	if len(reqs) != 3 || reqs[0].Status != 400 || reqs[1].Status != 200 || reqs[2].Status != 200 {
		t.Fatalf("batchUpdateContacts = %d requests, want refused (400), the two good ones, the merged one", len(reqs))
	}
	if n := len(batchUpdateBody(t, reqs[1]).Contacts); n != 2 {
		t.Errorf("second batch holds %d contacts, want the 2 Google did not name", n)
	}
	if n := e.Stub.RequestCount("people.getBatchGet"); n != 1 {
		t.Errorf("getBatchGet requests = %d, want 1", n)
	}
}

// TestBatchDeleteOneGone: ringcard deletes 300 contacts, one of which
// someone deleted in Google already; Google refuses the batch, the sync
// finds the 299 still there and deletes them.
func TestBatchDeleteOneGone(t *testing.T) {
	e := newEnv(t)
	rns, err := e.Stub.Seed(300)
	if err != nil {
		t.Fatal(err)
	}
	e.sync()
	for _, rn := range rns {
		if err := e.DB.DeleteContact(userCtx(e.ctx), e.byResource(rn).ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Stub.DeleteAsOtherClient(rns[42]); err != nil {
		t.Fatal(err)
	}
	e.Stub.ResetLog()
	rep := e.sync()
	if n := e.Stub.Len(); n != 0 {
		t.Errorf("google has %d contacts, want 0", n)
	}
	if n, _ := e.DB.OutboxLen(e.ctx); n != 0 {
		t.Errorf("outbox = %d, want 0", n)
	}
	if rep.PushedDeleted+rep.PulledDeleted != 300 {
		t.Errorf("report = %+v, want 300 deletions in all", rep)
	}
	if n := e.Stub.RequestCount("people.deleteContact"); n != 0 {
		t.Errorf("deleteContact requests = %d, want 0 (batches only)", n)
	}
}

// TestQuota429SlowsThePace: Google answers 429 with Retry-After; the next
// request waits for it (the pace stops), and the sync still completes.
func TestQuota429SlowsThePace(t *testing.T) {
	e := newEnvStub(t, peoplestub.Options{})
	e.sync()
	e.importRows(0, 10)
	e.Stub.InjectFault(peoplestub.Fault{Status: 429, RetryAfter: time.Second, Op: "people.batchCreateContacts"})
	e.Stub.ResetLog()
	eng := e.engine(func(o *contactsync.Options) { o.RequestsPerMinute = 600 })
	if _, err := eng.RunOnce(e.ctx); err != nil {
		t.Fatal(err)
	}
	reqs := e.Stub.Requests("people.batchCreateContacts")
	if len(reqs) != 2 || reqs[0].Status != 429 || reqs[1].Status != 200 {
		t.Fatalf("batchCreateContacts = %+v, want a 429 then a success", reqs)
	}
	if gap := reqs[1].Time.Sub(reqs[0].Time); gap < time.Second {
		t.Errorf("retried %s after the 429, want at least Retry-After (1s)", gap)
	}
	if n := e.Stub.Len(); n != 10 {
		t.Errorf("google has %d contacts, want 10", n)
	}
}

// stubClock is a settable clock for the stand-in's quota window.
type stubClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stubClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stubClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestFullSyncQuotaDoesNotStarveWrites: the first page of a full listing
// has its own small quota at Google. When a full resync meets it, staff's
// change to a linked contact still reaches Google in that cycle, the pace
// of other requests is not cut, and the listing runs once the quota
// allows.
func TestFullSyncQuotaDoesNotStarveWrites(t *testing.T) {
	clock := &stubClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	e := newEnvStub(t, peoplestub.Options{Now: clock.Now, FullSyncQuotaPerMinute: 1},
		func(o *contactsync.Options) { o.RequestsPerMinute = 600 })
	rn := e.addGoogle("Dario", "Rosa", "+39 06 2222 0001", "Rosa Srl")
	e.sync() // the full sync: the quota's one request this minute
	e.Stub.ExpireSyncTokens()
	c := e.byResource(rn)
	c.JobTitle = "Direttore"
	if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
		t.Fatal(err)
	}
	fresh := e.local("Nuovo Cliente", "+39 333 999 0001")
	rep, err := e.Engine.RunOnce(e.ctx)
	if err == nil || !strings.Contains(err.Error(), "Full sync requests") {
		t.Fatalf("sync: %v, want the full-sync quota error", err)
	}
	if got := e.person(rn).Organizations[0].Title; got != "Direttore" || rep.PushedUpdated != 1 {
		t.Errorf("google title = %q (report %+v): staff's change should not wait for the listing", got, rep)
	}
	if n := e.Stub.Len(); n != 1 {
		t.Errorf("google has %d contacts: a new one must wait for the listing (matching)", n)
	}
	st, err := contactsync.ReadStatus(e.ctx, e.DB)
	if err != nil {
		t.Fatal(err)
	}
	if st.Drain == nil || st.Drain.PacePerMinute != 600 || !st.Drain.PausedUntil.IsZero() {
		t.Errorf("drain = %+v: the full-sync quota must not slow the other requests", st.Drain)
	}
	clock.Advance(time.Minute)
	rep = e.sync()
	if !rep.Full || rep.PushedCreated != 1 {
		t.Errorf("report = %+v, want the full listing, then the new contact created", rep)
	}
	if e.resourceOf(fresh.ID) == "" {
		t.Errorf("new contact not linked")
	}
}

// TestQuotaExceededAdaptsDown: another client spent the account's quota,
// so Google refuses ringcard's requests (429, no Retry-After): each
// refusal halves the pace and the next try waits at least one request's
// share of the new pace; the cycle gives up after MaxAttempts, and the
// next one, once the minute has passed, sends the rest.
func TestQuotaExceededAdaptsDown(t *testing.T) {
	clock := &stubClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	e := newEnvStub(t, peoplestub.Options{Now: clock.Now, QuotaPerMinute: 10})
	tc := &timedCreates{hooked: e.hooked()}
	e.Engine = e.engineWith(tc, func(o *contactsync.Options) { o.RequestsPerMinute, o.MaxAttempts = 600, 3 })
	e.sync() // 2 requests
	e.importRows(0, 1200)
	if _, err := e.Engine.RunOnce(e.ctx); err == nil || !strings.Contains(err.Error(), "Quota exceeded") {
		t.Fatalf("sync: %v, want the quota error", err)
	}
	refusedAt := tc.refused
	if len(refusedAt) != 3 {
		t.Fatalf("%d creates refused, want 3 (MaxAttempts)", len(refusedAt))
	}
	for i, least := range []time.Duration{200 * time.Millisecond, 400 * time.Millisecond} { // 60s/300, 60s/150
		if gap := refusedAt[i+1].Sub(refusedAt[i]); gap < least {
			t.Errorf("try %d came %s after a 429, want at least %s", i+2, gap, least)
		}
	}
	st, err := contactsync.ReadStatus(e.ctx, e.DB)
	if err != nil {
		t.Fatal(err)
	}
	if st.Drain == nil || st.Drain.PacePerMinute != 75 || st.Drain.PausedUntil.IsZero() {
		t.Errorf("drain = %+v, want the pace halved three times (75/min) and paused", st.Drain)
	}
	// 10 requests: the first sync's 2, this cycle's pull (2), the group
	// "Clienti" and 5 batches of 200
	if st.Waiting.Bulk != 200 {
		t.Errorf("waiting = %+v, want 200 imported contacts left", st.Waiting)
	}
	clock.Advance(time.Minute)
	e.sync()
	if n := e.Stub.Len(); n != 1200 {
		t.Errorf("google has %d contacts, want 1200", n)
	}
}

// timedCreates records when Google refused a batch create, by the real
// clock (the stand-in's is frozen in these tests).
type timedCreates struct {
	hooked
	refused []time.Time
}

func (c *timedCreates) BatchCreate(ctx context.Context, ps []*people.Person) ([]*people.PersonResponse, error) {
	at := time.Now()
	got, err := c.hooked.BatchCreate(ctx, ps)
	var g *googleapi.Error
	if errors.As(err, &g) && g.Code == 429 {
		c.refused = append(c.refused, at)
	}
	return got, err
}
