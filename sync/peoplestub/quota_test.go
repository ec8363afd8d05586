package peoplestub

import (
	"net/http"
	"testing"
	"time"

	people "google.golang.org/api/people/v1"
)

// TestQuotaPerMinute: the 91st request of a minute is answered as Google
// answers it; a batch of 200 counts once; the window slides with the
// (injected) clock.
func TestQuotaPerMinute(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	stub, svc, _ := setup(t, Options{Now: clock.Now, QuotaPerMinute: 90})
	var batch []*people.ContactToCreate
	for i := range 200 {
		batch = append(batch, &people.ContactToCreate{ContactPerson: &people.Person{Names: []*people.Name{{GivenName: "N", FamilyName: string(rune('a' + i%26))}}}})
	}
	if _, err := svc.People.BatchCreateContacts(&people.BatchCreateContactsRequest{Contacts: batch, ReadMask: "names"}).Do(); err != nil {
		t.Fatalf("batch create: %v", err)
	}
	for i := 1; i < 90; i++ {
		clock.Advance(100 * time.Millisecond)
		if _, err := svc.ContactGroups.List().Do(); err != nil {
			t.Fatalf("request %d of the minute: %v", i+1, err)
		}
	}
	_, err := svc.People.Connections.List("people/me").PersonFields("names").Do()
	gerr := apiErr(t, err, http.StatusTooManyRequests)
	if gerr.Message != MsgRateLimit {
		t.Errorf("message = %q, want Google's", gerr.Message)
	}
	if !hasReason(gerr, "RATE_LIMIT_EXCEEDED") {
		t.Errorf("details = %+v, want ErrorInfo RATE_LIMIT_EXCEEDED", gerr.Details)
	}
	info, _ := gerr.Details[0].(map[string]any)
	meta, _ := info["metadata"].(map[string]any)
	if info["@type"] != "type.googleapis.com/google.rpc.ErrorInfo" || info["domain"] != "googleapis.com" ||
		meta["quota_limit_value"] != "90" || meta["service"] != "people.googleapis.com" {
		t.Errorf("ErrorInfo = %+v", info)
	}
	if st := stub.Requests("people.connections.list")[0].Status; st != http.StatusTooManyRequests {
		t.Errorf("logged status %d", st)
	}
	// refused requests do not count: a minute after the first request
	// one more goes through, not before
	clock.Advance(time.Minute - 8900*time.Millisecond)
	if _, err := svc.ContactGroups.List().Do(); err != nil {
		t.Fatalf("a minute after the first request: %v", err)
	}
	if _, err := svc.ContactGroups.List().Do(); err == nil {
		t.Fatalf("a second request went through: only the batch's slot was free")
	}
}

// TestFullSyncQuota: the first page of a full listing has its own quota;
// the pages after it and incremental listings do not spend it.
func TestFullSyncQuota(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	stub, svc, _ := setup(t, Options{Now: clock.Now, FullSyncQuotaPerMinute: 1})
	if _, err := stub.Seed(30); err != nil {
		t.Fatal(err)
	}
	_, tok, pages := listAll(t, svc, 10, "names", "")
	if pages != 3 {
		t.Fatalf("pages = %d", pages)
	}
	listAll(t, svc, 10, "names", tok) // incremental: no full-sync quota
	_, err := svc.People.Connections.List("people/me").PersonFields("names").Do()
	if gerr := apiErr(t, err, http.StatusTooManyRequests); gerr.Message != MsgFullSyncQuota {
		t.Errorf("message = %q", gerr.Message)
	}
	clock.Advance(time.Minute)
	if _, err := svc.People.Connections.List("people/me").PersonFields("names").Do(); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}

// TestBatchErrorsNameTheContacts: Google refuses a whole batch when some
// contacts are bad and names them: by index for creates, by resource name
// (stale etag, gone) for updates. Nothing is written.
func TestBatchErrorsNameTheContacts(t *testing.T) {
	stub, svc, _ := setup(t, Options{})
	stub.RejectContacts(func(p *people.Person) string {
		if len(p.Names) > 0 && p.Names[0].GivenName == "Bad" {
			return "Invalid person."
		}
		return ""
	})
	var batch []*people.ContactToCreate
	for _, n := range []string{"Good", "Bad", "Good"} {
		batch = append(batch, &people.ContactToCreate{ContactPerson: &people.Person{Names: []*people.Name{{GivenName: n}}}})
	}
	_, err := svc.People.BatchCreateContacts(&people.BatchCreateContactsRequest{Contacts: batch, ReadMask: "names"}).Do()
	gerr := apiErr(t, err, http.StatusBadRequest)
	d, _ := gerr.Details[0].(map[string]any)
	errs, _ := d["contactErrors"].(map[string]any)
	if d["@type"] != "type.googleapis.com/google.people.v1.BatchCreateContactsErrorDetails" || len(errs) != 1 || errs["1"] == nil {
		t.Fatalf("details = %+v, want contact 1 named", gerr.Details)
	}
	if stub.Len() != 0 {
		t.Fatalf("a refused batch wrote %d contacts", stub.Len())
	}
	stub.RejectContacts(nil)
	rns, err := stub.Seed(3)
	if err != nil {
		t.Fatal(err)
	}
	cur := map[string]people.Person{}
	for _, rn := range rns {
		p, _ := stub.Person(rn)
		cur[rn] = people.Person{Etag: p.Etag, Nicknames: []*people.Nickname{{Value: "x"}}}
	}
	if err := stub.EditAsOtherClient(rns[1], func(p *people.Person) { p.Nicknames = []*people.Nickname{{Value: "web"}} }); err != nil {
		t.Fatal(err)
	}
	if err := stub.DeleteAsOtherClient(rns[2]); err != nil {
		t.Fatal(err)
	}
	_, err = svc.People.BatchUpdateContacts(&people.BatchUpdateContactsRequest{Contacts: cur, UpdateMask: "nicknames", ReadMask: "nicknames"}).Do()
	gerr = apiErr(t, err, http.StatusBadRequest)
	d, _ = gerr.Details[0].(map[string]any)
	errs, _ = d["contactErrors"].(map[string]any)
	stale, _ := errs[rns[1]].(map[string]any)
	gone, _ := errs[rns[2]].(map[string]any)
	if len(errs) != 2 || stale["code"] != float64(9) || stale["message"] != MsgEtagMismatch || gone["code"] != float64(5) {
		t.Fatalf("contactErrors = %+v, want the stale one (9) and the gone one (5)", errs)
	}
	if p, _ := stub.Person(rns[0]); len(p.Nicknames) != 0 {
		t.Errorf("a refused batch updated %s", rns[0])
	}
}
