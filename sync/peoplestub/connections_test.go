package peoplestub

import (
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	people "google.golang.org/api/people/v1"
)

func TestFullListPagingWithSyncToken(t *testing.T) {
	tests := []struct {
		name      string
		seed      int
		pageSize  int64
		wantPages int
	}{
		{"empty", 0, 100, 1},
		{"one page", 50, 100, 1},
		{"exact pages", 200, 100, 2},
		{"partial last page", 250, 100, 3},
		{"default page size", 150, 0, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stub, svc, _ := setup(t, Options{})
			if _, err := stub.Seed(tc.seed); err != nil {
				t.Fatal(err)
			}
			got, syncTok, pages := listAll(t, svc, tc.pageSize, "names,emailAddresses", "")
			if len(got) != tc.seed || pages != tc.wantPages {
				t.Fatalf("got %d people in %d pages, want %d in %d", len(got), pages, tc.seed, tc.wantPages)
			}
			if syncTok == "" {
				t.Fatal("no nextSyncToken on last page")
			}
			seen := map[string]bool{}
			for _, p := range got {
				if seen[p.ResourceName] || p.Etag == "" || len(p.Names) != 1 || p.PhoneNumbers != nil || p.Metadata != nil {
					t.Fatalf("bad person %+v", p)
				}
				seen[p.ResourceName] = true
			}
			reqs := stub.Requests("people.connections.list")
			for i, r := range reqs {
				q := url.Values{}
				for k, v := range r.Query {
					if k != "pageToken" {
						q[k] = v
					}
				}
				first := url.Values{}
				for k, v := range reqs[0].Query {
					first[k] = v
				}
				if q.Encode() != first.Encode() {
					t.Fatalf("page %d params %v differ from first %v", i+1, q, first)
				}
			}
		})
	}
}

func TestIncrementalSync(t *testing.T) {
	stub, svc, _ := setup(t, Options{})
	names, err := stub.Seed(5)
	if err != nil {
		t.Fatal(err)
	}
	_, tok, _ := listAll(t, svc, 2, "names,metadata", "")

	if err := stub.EditAsOtherClient(names[0], func(p *people.Person) { p.Names[0].GivenName = "Edited" }); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.People.DeleteContact(names[1]).Do(); err != nil {
		t.Fatal(err)
	}
	renamed, err := stub.Rename(names[2])
	if err != nil {
		t.Fatal(err)
	}
	changed, tok2, _ := listAll(t, svc, 2, "names,metadata", tok)
	if len(changed) != 3 {
		t.Fatalf("got %d changes, want 3: %+v", len(changed), changed)
	}
	byName := map[string]*people.Person{}
	for _, p := range changed {
		byName[p.ResourceName] = p
	}
	if p := byName[names[0]]; p == nil || p.Names[0].GivenName != "Edited" || p.Metadata.Deleted {
		t.Fatalf("edited person wrong: %+v", p)
	}
	if p := byName[names[1]]; p == nil || !p.Metadata.Deleted || p.Names != nil || p.Etag == "" {
		t.Fatalf("tombstone wrong: %+v", p)
	}
	if p := byName[renamed]; p == nil || len(p.Metadata.PreviousResourceNames) != 1 || p.Metadata.PreviousResourceNames[0] != names[2] {
		t.Fatalf("renamed person wrong: %+v", p)
	}
	if _, err := svc.People.Get(names[2]).PersonFields("names").Do(); err == nil {
		t.Fatal("old resource name still resolves")
	}
	again, tok3, _ := listAll(t, svc, 2, "names,metadata", tok2)
	if len(again) != 0 || tok3 == "" {
		t.Fatalf("second incremental: %d changes, token %q", len(again), tok3)
	}
	// Params must match the call that requested the token.
	_, err = svc.People.Connections.List("people/me").PersonFields("names").SyncToken(tok3).Do()
	apiErr(t, err, 400)
}

func TestExpiredSyncToken(t *testing.T) {
	const wantBody = `{"error":{"code":400,"message":"Sync token is expired. Clear local cache and retry call without the sync token.","status":"FAILED_PRECONDITION","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"EXPIRED_SYNC_TOKEN","domain":"people.googleapis.com"}]}}`
	tests := []struct {
		name   string
		ttl    time.Duration
		expire func(*Server, *fakeClock)
	}{
		{"explicit", -1, func(s *Server, _ *fakeClock) { s.ExpireSyncTokens() }},
		{"ttl", time.Hour, func(_ *Server, c *fakeClock) { c.Advance(time.Hour + time.Second) }},
		{"default 7 days", 0, func(_ *Server, c *fakeClock) { c.Advance(7*24*time.Hour + time.Second) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			stub, svc, base := setup(t, Options{Now: clock.Now, SyncTokenTTL: tc.ttl})
			if _, err := stub.Seed(3); err != nil {
				t.Fatal(err)
			}
			_, tok, _ := listAll(t, svc, 10, "names", "")
			clock.Advance(time.Minute)
			listAll(t, svc, 10, "names", tok) // using a token does not refresh it
			tc.expire(stub, clock)
			_, err := svc.People.Connections.List("people/me").PersonFields("names").PageSize(10).RequestSyncToken(true).SyncToken(tok).Do()
			gerr := apiErr(t, err, 400)
			if !hasReason(gerr, ReasonExpiredSyncToken) {
				t.Fatalf("reason missing in details %+v", gerr.Details)
			}
			resp, err := http.Get(base + "/v1/people/me/connections?personFields=names&pageSize=10&requestSyncToken=true&syncToken=" + url.QueryEscape(tok))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != wantBody {
				t.Fatalf("body\n%s\nwant\n%s", body, wantBody)
			}
			// A full sync still works and yields a fresh token.
			if _, tok2, _ := listAll(t, svc, 10, "names", ""); tok2 == "" || tok2 == tok {
				t.Fatal("no fresh token")
			}
		})
	}
}

func TestListParamErrors(t *testing.T) {
	stub, svc, _ := setup(t, Options{})
	if _, err := stub.Seed(5); err != nil {
		t.Fatal(err)
	}
	first, err := svc.People.Connections.List("people/me").PersonFields("names").PageSize(2).Do()
	if err != nil || first.NextPageToken == "" {
		t.Fatalf("first page: %v %+v", err, first)
	}
	tests := []struct {
		name string
		call *people.PeopleConnectionsListCall
		code int
	}{
		{"missing personFields", svc.People.Connections.List("people/me"), 400},
		{"bad personFields", svc.People.Connections.List("people/me").PersonFields("names,bogus"), 400},
		{"pageSize too big", svc.People.Connections.List("people/me").PersonFields("names").PageSize(1001), 400},
		{"page 2 other fields", svc.People.Connections.List("people/me").PersonFields("names,emailAddresses").PageSize(2).PageToken(first.NextPageToken), 400},
		{"page 2 other size", svc.People.Connections.List("people/me").PersonFields("names").PageSize(3).PageToken(first.NextPageToken), 400},
		{"page 2 added requestSyncToken", svc.People.Connections.List("people/me").PersonFields("names").PageSize(2).RequestSyncToken(true).PageToken(first.NextPageToken), 400},
		{"unknown page token", svc.People.Connections.List("people/me").PersonFields("names").PageSize(2).PageToken("nope"), 400},
		{"unknown sync token", svc.People.Connections.List("people/me").PersonFields("names").SyncToken("nope"), 400},
		{"page 2 same params", svc.People.Connections.List("people/me").PersonFields("names").PageSize(2).PageToken(first.NextPageToken), 200},
		{"page 2 retried", svc.People.Connections.List("people/me").PersonFields("names").PageSize(2).PageToken(first.NextPageToken), 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.call.Do()
			if tc.code == 200 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			gerr := apiErr(t, err, tc.code)
			if gerr.Message == "" {
				t.Fatal("empty message")
			}
		})
	}
}

func TestTwentyFiveThousand(t *testing.T) {
	stub, svc, _ := setup(t, Options{})
	start := time.Now()
	if _, err := stub.Seed(DefaultMaxContacts); err != nil {
		t.Fatal(err)
	}
	got, tok, pages := listAll(t, svc, 1000, "names,emailAddresses,memberships", "")
	if len(got) != DefaultMaxContacts || pages != 25 || tok == "" {
		t.Fatalf("got %d in %d pages", len(got), pages)
	}
	t.Logf("seed + full list of 25k: %v", time.Since(start))
	_, err := svc.People.CreateContact(&people.Person{Names: []*people.Name{{GivenName: "One too many"}}}).Do()
	gerr := apiErr(t, err, 400)
	if gerr.Message != MsgContactLimit {
		t.Fatalf("message %q", gerr.Message)
	}
}
