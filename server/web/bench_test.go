package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard"
	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/contactstest"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server/config"
)

// bigOffice loads the demo contacts, then enough copies of them (new IDs,
// names and numbers) to reach n contacts.
func bigOffice(b *testing.B, e *env, n int) {
	b.Helper()
	seed, err := contacts.ParseSeed(ringcard.DemoData)
	if err != nil {
		b.Fatal(err)
	}
	var batch []contacts.SeedContact
	have, _ := e.DB.ContactCount(context.Background())
	for i := have; i < n; i++ {
		src := seed.Contacts[i%len(seed.Contacts)]
		c := src.Contact
		c.ID = fmt.Sprintf("bench-%06d", i)
		c.DisplayName = fmt.Sprintf("%s %d", src.DisplayName, i)
		c.Numbers = []contacts.Number{{Raw: fmt.Sprintf("+39 02 %04d %04d", i/10000, i%10000), Type: "work"}}
		c.ResourceName = ""
		batch = append(batch, contacts.SeedContact{Contact: c, History: src.History})
	}
	if err := e.DB.ImportSeed(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
}

// sessionCookie signs in over the real listener and returns the cookie
// header for handler-level requests.
func sessionCookie(b *testing.B, e *env) string {
	c := httpClient(b)
	if st, _ := signIn(b, c, e.URL, testLogin, testPassword); st != http.StatusSeeOther {
		b.Fatalf("sign in: %d", st)
	}
	u, _ := url.Parse(e.URL)
	var parts []string
	for _, ck := range c.Jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; ")
}

// serverTimes runs GET path on the handler (no network: server time) and
// reports p50 and p99.
func serverTimes(b *testing.B, h http.Handler, cookie string, paths []string) {
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		times = append(times, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: status %d", paths[i%len(paths)], rec.Code)
		}
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	pct := func(p float64) float64 { return float64(times[int(p*float64(len(times)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkSearch25k: search-as-you-type over 25,000 contacts, a mix of
// names (Latin, Cyrillic, prefixes of 1-3 letters), numbers in several
// formats, companies, e-mails and note words.
func BenchmarkSearch25k(b *testing.B) {
	e := newEnv(b)
	bigOffice(b, e, 25_000)
	cookie := sessionCookie(b, e)
	queries := []string{"s", "sa", "sal", "salv", "salvatore fab", "семенов", "Семёнова 1", "ros", "rossi", "caff", "vending sole",
		"380 296 0981", "+39 380 296 0981", "0039 380 2960981", "02 0012", "0212", "@vendingsole", "preventivo", "tazzine logo", "zzzz"}
	var paths []string
	for _, q := range queries {
		paths = append(paths, "/api/v1/office/search?q="+url.QueryEscape(q))
	}
	serverTimes(b, e.Srv.Handler(), cookie, paths)
}

// BenchmarkClientPage1000: the client page of a contact with 1,000 history
// entries.
func BenchmarkClientPage1000(b *testing.B) {
	e := newEnv(b)
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	var hist []contacts.SeedEntry
	for i := 0; i < 1000; i++ {
		at := start.Add(time.Duration(i) * 3 * time.Hour)
		switch i % 3 {
		case 0:
			hist = append(hist, contacts.SeedEntry{Kind: "call", At: at, By: "Marco", Direction: "incoming", Outcome: "answered", DurationS: 95, SIMSlot: 1})
		case 1:
			hist = append(hist, contacts.SeedEntry{Kind: "note", At: at, By: "Anna", Text: fmt.Sprintf("Note %d: confirmed the order, delivery next week.", i)})
		default:
			hist = append(hist, contacts.SeedEntry{Kind: "stage", At: at, By: "Luca", Stage: []string{"quoted", "ordered", "paid"}[i%3]})
		}
	}
	c := contacts.Contact{ID: "busy-client", DisplayName: "Busy Client", Company: "Busy srl", Groups: []string{"Wholesale"},
		Numbers: []contacts.Number{{Raw: "+39 06 5555 0001", Type: "work"}}, Note: "Calls every day."}
	if err := e.DB.ImportSeed(context.Background(), []contacts.SeedContact{{Contact: c, History: hist}}); err != nil {
		b.Fatal(err)
	}
	cookie := sessionCookie(b, e)
	serverTimes(b, e.Srv.Handler(), cookie, []string{"/contacts/busy-client"})
}

var _ = config.Default

// BenchmarkStartPage25k: the start page (search box, follow-ups due, missed
// calls not returned, calls in progress, clients touched last) of an office
// with 25,000 contacts, a year of history (12 entries each: 100,000 calls,
// 100,000 notes, 100,000 stage changes) and 2,000 open follow-ups.
func BenchmarkStartPage25k(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	now := time.Now()
	seed := contactstest.SyntheticYear(25_000, 12, now)
	for i := 0; i < len(seed); i += 5_000 {
		if err := e.DB.ImportSeed(ctx, seed[i:min(i+5_000, len(seed))]); err != nil {
			b.Fatal(err)
		}
	}
	staff := []string{"Anna Bianchi", "Giulia", "Marco", "Luca"}
	for i := 0; i < 2_000; i++ {
		f := &sqlite.Followup{ID: contacts.NewID(), ContactID: seed[i*7].Contact.ID, Assignee: staff[i%len(staff)],
			Text: "Call back about the quote", Due: now.Add(time.Duration(i-1_000) * 37 * time.Minute)}
		if _, err := e.DB.AddFollowup(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
	cookie := sessionCookie(b, e)
	serverTimes(b, e.Srv.Handler(), cookie, []string{"/"})
}
