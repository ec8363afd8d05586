package contactsync_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	contactsync "github.com/ringcard/ringcard/sync"
	"github.com/ringcard/ringcard/sync/peoplestub"
)

// googleQuota is the stand-in's quota in these tests: Google's default
// per-user limit.
const googleQuota = 90

// imported is row i of an office's workbook, every field ringcard sends
// to Google filled in.
func imported(i int) *contacts.Contact {
	return &contacts.Contact{
		DisplayName: fmt.Sprintf("Cliente %05d Rossi", i), GivenName: fmt.Sprintf("Cliente %05d", i), FamilyName: "Rossi",
		Nickname: fmt.Sprintf("c%d", i), Company: fmt.Sprintf("Ditta %d Srl", i), JobTitle: "Titolare", Department: "Acquisti",
		Numbers:   []contacts.Number{{Raw: fmt.Sprintf("+39 347 %07d", i), Type: "mobile"}},
		Emails:    []contacts.Email{{Address: fmt.Sprintf("cliente%d@example.it", i), Type: "work"}},
		Addresses: []contacts.Address{{Formatted: fmt.Sprintf("Via Roma %d, 00100 Roma", i), Type: "work"}},
		Websites:  []string{fmt.Sprintf("https://ditta%d.example.it", i)},
		Birthday:  fmt.Sprintf("1970-%02d-%02d", i%12+1, i%28+1),
		Groups:    []string{"Clienti"},
		Note:      fmt.Sprintf("imported row %d", i),
		Custom:    []contacts.CustomField{{Key: "P.IVA", Value: fmt.Sprintf("IT%011d", i)}},
		Stage:     "lead",
	}
}

// importRows writes rows [from, to) as the import page does: in the bulk
// lane, about 500 a call.
func (e *env) importRows(from, to int) {
	e.t.Helper()
	var ops []sqlite.ImportOp
	for i := from; i < to; i++ {
		ops = append(ops, sqlite.ImportOp{Contact: imported(i), Source: fmt.Sprintf("clienti.xlsx row %d", i+2)})
	}
	for len(ops) > 0 {
		res, err := e.DB.ApplyImport(userCtx(e.ctx), ops[:min(500, len(ops))])
		if err != nil {
			e.t.Fatalf("import: %v", err)
		}
		ops = ops[len(res):]
	}
}

// checkImported checks, field by field, that Google holds rows [from, to)
// exactly once and as imported.
func (e *env) checkImported(from, to int, clienti string) {
	e.t.Helper()
	byName := map[string][]*people.Person{}
	for _, rn := range e.Stub.ResourceNames() {
		p := e.person(rn)
		if len(p.Names) > 0 {
			byName[p.Names[0].GivenName] = append(byName[p.Names[0].GivenName], p)
		}
	}
	lost := 0
	for i := from; i < to; i++ {
		want := imported(i)
		ps := byName[want.GivenName]
		if len(ps) != 1 {
			e.t.Errorf("row %d is %d times in Google, want once", i, len(ps))
			continue
		}
		p := ps[0]
		ud := map[string]string{}
		for _, u := range p.UserDefined {
			ud[u.Key] = u.Value
		}
		groups := map[string]bool{}
		for _, m := range p.Memberships {
			groups[m.ContactGroupMembership.ContactGroupResourceName] = true
		}
		got := []string{p.Names[0].FamilyName, p.Nicknames[0].Value, org(p), p.Organizations[0].Title, p.Organizations[0].Department,
			p.PhoneNumbers[0].Value, p.PhoneNumbers[0].Type, p.EmailAddresses[0].Value, p.EmailAddresses[0].Type,
			p.Addresses[0].FormattedValue, p.Addresses[0].Type, p.Urls[0].Value,
			fmt.Sprintf("%04d-%02d-%02d", p.Birthdays[0].Date.Year, p.Birthdays[0].Date.Month, p.Birthdays[0].Date.Day),
			fmt.Sprint(groups[clienti]), strings.SplitN(bio(p), "\n", 2)[0], ud["P.IVA"], ud[contactsync.StageKey]}
		exp := []string{want.FamilyName, want.Nickname, want.Company, want.JobTitle, want.Department,
			want.Numbers[0].Raw, want.Numbers[0].Type, want.Emails[0].Address, want.Emails[0].Type,
			want.Addresses[0].Formatted, want.Addresses[0].Type, want.Websites[0], want.Birthday,
			"true", want.Note, want.Custom[0].Value, want.Stage}
		for k := range exp {
			if got[k] != exp[k] {
				lost++
				if lost < 10 {
					e.t.Errorf("row %d field %d in Google = %q, want %q", i, k, got[k], exp[k])
				}
			}
		}
	}
	if lost > 0 {
		e.t.Errorf("%d fields lost or changed", lost)
	}
}

// groupRN is the resource name of a user group in Google.
func (e *env) groupRN(name string) string {
	e.t.Helper()
	g, err := contactsync.NewGoogle(e.ctx, e.URL, nil, true)
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := g.ListGroups(e.ctx, "", "")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, cg := range resp.ContactGroups {
		if cg.Name == name {
			return cg.ResourceName
		}
	}
	e.t.Fatalf("no group %q in Google", name)
	return ""
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// running starts the engine's background loop as the server does, at the
// default pace, and waits for its first sync.
func (e *env) running(opts ...func(*contactsync.Options)) *contactsync.Engine {
	e.t.Helper()
	o := append([]func(*contactsync.Options){func(o *contactsync.Options) {
		o.RequestsPerMinute = contactsync.DefaultRequestsPerMinute
		o.FlushEvery = 100 * time.Millisecond
	}}, opts...)
	eng := e.engine(o...)
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		eng.Run(ctx)
	}()
	e.t.Cleanup(func() {
		cancel()
		<-done
	})
	waitFor(e.t, 30*time.Second, "first sync", func() bool {
		st, err := contactsync.ReadStatus(e.ctx, e.DB)
		return err == nil && !st.LastSuccess.IsZero()
	})
	return eng
}

// drainResult is what importing n contacts while the sync runs took.
type drainResult struct {
	drain    time.Duration // from the import's start to all in Google
	note     time.Duration // from a note taken mid-drain to it in Google
	requests int           // requests to Google while draining
	refused  int           // of them answered 429
}

// importUnderQuota imports n contacts while the sync runs at the default
// pace against a stand-in enforcing Google's 90 requests a minute; when
// half are in Google, staff take a note on another contact. It checks
// that all arrive within limit, once each, every field as imported.
func importUnderQuota(t testing.TB, n int, limit time.Duration) drainResult {
	so := peoplestub.Options{QuotaPerMinute: googleQuota}
	if n+1 > peoplestub.DefaultMaxContacts {
		so.MaxContacts = n + 1 // the note's contact on top of a full account
	}
	e := newEnvStub(t, so)
	known := e.addGoogle("Marta", "Neri", "+39 06 5555 0001", "Neri Spa")
	e.running()
	markLocal := e.byResource(known)
	e.Stub.ResetLog()

	noteTook := make(chan time.Duration, 1)
	noteErr := make(chan error, 1)
	stop := make(chan struct{}) // the test ended (failed early): the watcher goes too
	watcher := make(chan struct{})
	t.Cleanup(func() {
		close(stop)
		<-watcher
	})
	go func() {
		defer close(watcher)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for e.Stub.Len() < 1+n/2 {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
		note := &contacts.Note{ContactID: markLocal.ID, Text: "call back about the order", Author: "Luca", At: time.Now()}
		if _, err := e.DB.AddNote(userCtx(e.ctx), note); err != nil {
			noteErr <- err
			return
		}
		at := time.Now()
		for {
			if p, _ := e.Stub.Person(known); p != nil && strings.Contains(bio(p), "call back about the order") {
				noteTook <- time.Since(at)
				return
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	e.importRows(0, n)
	waitFor(t, limit-time.Since(start), fmt.Sprintf("%d imported contacts in Google", n), func() bool {
		left, _ := e.DB.OutboxLen(e.ctx)
		return left == 0 && e.Stub.Len() == n+1
	})
	res := drainResult{drain: time.Since(start), requests: e.Stub.RequestCount(""), refused: refused(e.Stub)}
	select {
	case res.note = <-noteTook:
	case err := <-noteErr:
		t.Fatalf("take a note mid-drain: %v", err)
	case <-time.After(time.Minute):
		t.Fatalf("the note taken mid-drain is not in Google after a minute")
	}
	if res.refused > 0 {
		t.Errorf("%d requests refused with 429: the pace should stay under the quota", res.refused)
	}
	if want := (n + contactsync.BatchCreateMax - 1) / contactsync.BatchCreateMax; e.Stub.RequestCount("people.batchCreateContacts") != want {
		t.Errorf("batchCreateContacts requests = %d, want %d", e.Stub.RequestCount("people.batchCreateContacts"), want)
	}
	if c := e.Stub.RequestCount("people.createContact"); c != 0 {
		t.Errorf("createContact requests = %d, want 0", c)
	}
	e.checkImported(0, n, e.groupRN("Clienti"))
	return res
}

// TestImportWhileSyncingUnderQuota: Google enforces 90 requests a minute;
// 400 contacts imported while the sync runs are all in Google within 60 s,
// once each with every field, a note taken meanwhile gets there within a
// minute, and Google never has to refuse a request.
func TestImportWhileSyncingUnderQuota(t *testing.T) {
	r := importUnderQuota(t, 400, 60*time.Second)
	t.Logf("400 contacts in Google %s after the import began, the note %s after it was taken; %d requests",
		r.drain.Round(time.Millisecond), r.note.Round(time.Millisecond), r.requests)
}

// TestImport5000WhileSyncingUnderQuota: the same for an office's old
// workbook of 5,000 clients, within 5 minutes.
func TestImport5000WhileSyncingUnderQuota(t *testing.T) {
	if testing.Short() {
		t.Skip("a minute of real time (the pace is real)")
	}
	r := importUnderQuota(t, 5000, 5*time.Minute)
	t.Logf("5,000 contacts in Google %s after the import began, the note %s after it was taken; %d requests",
		r.drain.Round(time.Millisecond), r.note.Round(time.Millisecond), r.requests)
}

// BenchmarkImportUnderQuota: requests sent and time to drain for imports
// of 400, 5,000 and 25,000 contacts while the sync runs, against a
// stand-in enforcing 90 requests a minute, at the default pace (60). Real
// time: the pace is what is measured.
func BenchmarkImportUnderQuota(b *testing.B) {
	for _, n := range []int{400, 5000, 25000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for range b.N {
				r := importUnderQuota(b, n, 30*time.Minute)
				b.ReportMetric(r.drain.Seconds(), "s-drain")
				b.ReportMetric(float64(r.requests), "requests")
				b.ReportMetric(float64(r.refused), "429s")
				b.ReportMetric(r.note.Seconds(), "s-note")
			}
		})
	}
}

// refused counts the requests the stand-in answered 429.
func refused(s *peoplestub.Server) int {
	n := 0
	for _, r := range s.Requests("") {
		if r.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}
