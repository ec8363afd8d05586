package peoplestub

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	people "google.golang.org/api/people/v1"
)

// fakeClock is a manually advanced clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// setup starts a stub behind httptest and returns it with an official client.
func setup(t *testing.T, opts Options) (*Server, *people.Service, string) {
	t.Helper()
	stub := New(opts)
	hs := httptest.NewServer(stub)
	t.Cleanup(hs.Close)
	svc, err := people.NewService(context.Background(),
		option.WithEndpoint(hs.URL+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	return stub, svc, hs.URL
}

// apiErr asserts err is a *googleapi.Error with the given code.
func apiErr(t *testing.T, err error, code int) *googleapi.Error {
	t.Helper()
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		t.Fatalf("want *googleapi.Error %d, got %T %v", code, err, err)
	}
	if gerr.Code != code {
		t.Fatalf("code = %d, want %d (%v)", gerr.Code, code, gerr)
	}
	return gerr
}

// hasReason reports whether a googleapi.Error carries an ErrorInfo reason.
func hasReason(e *googleapi.Error, reason string) bool {
	for _, d := range e.Details {
		if m, ok := d.(map[string]any); ok && m["reason"] == reason {
			return true
		}
	}
	return false
}

// listAll pages through connections.list, returning every person, the
// sync token and the number of pages.
func listAll(t *testing.T, svc *people.Service, size int64, fields, syncTok string) ([]*people.Person, string, int) {
	t.Helper()
	var out []*people.Person
	tok, pages := "", 0
	for {
		call := svc.People.Connections.List("people/me").PersonFields(fields).PageSize(size).RequestSyncToken(true)
		if syncTok != "" {
			call = call.SyncToken(syncTok)
		}
		if tok != "" {
			call = call.PageToken(tok)
		}
		resp, err := call.Do()
		if err != nil {
			t.Fatalf("list page %d: %v", pages+1, err)
		}
		pages++
		out = append(out, resp.Connections...)
		if resp.NextPageToken == "" {
			return out, resp.NextSyncToken, pages
		}
		if resp.NextSyncToken != "" {
			t.Fatalf("nextSyncToken on a non-last page %d", pages)
		}
		tok = resp.NextPageToken
	}
}
