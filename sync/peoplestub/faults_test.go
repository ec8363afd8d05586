package peoplestub

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
	people "google.golang.org/api/people/v1"
)

func TestInjectedFaults(t *testing.T) {
	tests := []struct {
		name       string
		fault      Fault
		wantCode   int
		wantRetry  string
		wantReason string
	}{
		{"429 with Retry-After", Fault{Status: 429, RetryAfter: 30 * time.Second}, 429, "30", "RATE_LIMIT_EXCEEDED"},
		{"429 for list only", Fault{Status: 429, RetryAfter: 1500 * time.Millisecond, Op: "people.connections.list"}, 429, "2", "RATE_LIMIT_EXCEEDED"},
		{"500", Fault{Status: 500}, 500, "", ""},
		{"503 by path prefix", Fault{Status: 503, PathPrefix: "/v1/people/me"}, 503, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stub, svc, _ := setup(t, Options{})
			stub.Seed(2)
			tc.fault.Count = 2
			stub.InjectFault(tc.fault)
			// A non-matching request is not consumed by filtered faults.
			if tc.fault.Op != "" || tc.fault.PathPrefix != "" {
				if _, err := svc.ContactGroups.List().Do(); err != nil {
					t.Fatalf("unfiltered request failed: %v", err)
				}
			}
			for i := 0; i < 2; i++ {
				_, err := svc.People.Connections.List("people/me").PersonFields("names").Do()
				gerr := apiErr(t, err, tc.wantCode)
				if got := gerr.Header.Get("Retry-After"); got != tc.wantRetry {
					t.Fatalf("Retry-After %q want %q", got, tc.wantRetry)
				}
				if tc.wantReason != "" && !hasReason(gerr, tc.wantReason) {
					t.Fatalf("reason missing: %+v", gerr.Details)
				}
			}
			if stub.PendingFaults() != 0 {
				t.Fatalf("pending %d", stub.PendingFaults())
			}
			if _, err := svc.People.Connections.List("people/me").PersonFields("names").Do(); err != nil {
				t.Fatalf("after faults: %v", err)
			}
			if n := stub.RequestCount("people.connections.list"); n != 3 {
				t.Fatalf("list requests %d", n)
			}
		})
	}
}

func TestDownModes(t *testing.T) {
	stub, svc, _ := setup(t, Options{})
	stub.SetDown(Down503)
	_, err := svc.ContactGroups.List().Do()
	apiErr(t, err, 503)

	stub.SetDown(DownCloseConn)
	_, err = svc.ContactGroups.List().Do()
	var gerr *googleapi.Error
	if err == nil || errors.As(err, &gerr) {
		t.Fatalf("want transport error, got %v", err)
	}
	if r, ok := stub.LastRequest(""); !ok || r.Status != 0 {
		t.Fatalf("closed request logged as %+v", r)
	}
	stub.SetDown(Up)
	if _, err := svc.ContactGroups.List().Do(); err != nil {
		t.Fatal(err)
	}
}

func TestDelay(t *testing.T) {
	stub, svc, _ := setup(t, Options{})
	stub.SetDelay(50 * time.Millisecond)
	start := time.Now()
	if _, err := svc.ContactGroups.List().Do(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("request took %v", d)
	}
	stub.ClearFaults()
}

func TestConcurrentUse(t *testing.T) {
	stub, svc, _ := setup(t, Options{})
	names, _ := stub.Seed(20)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				n := names[(i+j)%len(names)]
				_ = stub.EditAsOtherClient(n, func(p *people.Person) { p.Nicknames = []*people.Nickname{{Value: "x"}} })
				stub.InjectFault(Fault{Status: http.StatusInternalServerError, Op: "people.get"})
				_, _ = svc.People.Get(n).PersonFields("names").Do()
				_, _ = svc.People.Connections.List("people/me").PersonFields("names").PageSize(5).Do()
			}
		}(i)
	}
	wg.Wait()
	if stub.RequestCount("") != 160 {
		t.Fatalf("requests %d", stub.RequestCount(""))
	}
}
