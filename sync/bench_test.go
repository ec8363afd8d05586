package contactsync_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	people "google.golang.org/api/people/v1"

	"github.com/ringcard/ringcard/contacts"
)

// timedPeople measures the time spent waiting for Google (the stand-in).
type timedPeople struct {
	hooked
	mu   sync.Mutex
	list time.Duration
	n    int
}

func (p *timedPeople) ListConnections(ctx context.Context, page, tok string) (*people.ListConnectionsResponse, error) {
	start := time.Now()
	resp, err := p.hooked.ListConnections(ctx, page, tok)
	p.mu.Lock()
	p.list += time.Since(start)
	p.n++
	p.mu.Unlock()
	return resp, err
}

// BenchmarkFullSync25k: the first sync of an account at Google's 25,000
// contact limit. Reports where the time goes: waiting for the People API
// (listing, JSON decoding in the client) and applying pages to SQLite.
func BenchmarkFullSync25k(b *testing.B) {
	for range b.N {
		b.StopTimer()
		e := newEnv(b)
		if _, err := e.Stub.Seed(25000); err != nil {
			b.Fatal(err)
		}
		tp := &timedPeople{hooked: e.hooked()}
		eng := e.engineWith(tp)
		b.StartTimer()
		start := time.Now()
		rep, err := eng.RunOnce(e.ctx)
		took := time.Since(start)
		b.StopTimer()
		if err != nil || rep.PulledCreated != 25000 {
			b.Fatalf("full sync: %v, %+v", err, rep)
		}
		b.ReportMetric(took.Seconds(), "s/sync")
		b.ReportMetric(tp.list.Seconds(), "s-api")
		b.ReportMetric((took - tp.list).Seconds(), "s-apply")
		b.ReportMetric(float64(tp.n), "pages")
	}
}

// BenchmarkIncremental100: 100 contacts edited in Google, then an
// incremental sync; and 100 edited in ringcard, then a sync that pushes
// them. The account holds 5,000 contacts.
func BenchmarkIncremental100(b *testing.B) {
	for _, side := range []string{"from-google", "to-google"} {
		b.Run(side, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				e := newEnv(b)
				rns, err := e.Stub.Seed(5000)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Engine.RunOnce(e.ctx); err != nil {
					b.Fatal(err)
				}
				for i, rn := range rns[:100] {
					if side == "from-google" {
						if err := e.Stub.EditAsOtherClient(rn, func(p *people.Person) {
							p.Organizations = []*people.Organization{{Name: fmt.Sprint("Co ", i)}}
						}); err != nil {
							b.Fatal(err)
						}
						continue
					}
					c := e.byResource(rn)
					c.Company = fmt.Sprint("Co ", i)
					if err := e.DB.UpdateContact(userCtx(e.ctx), c); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				start := time.Now()
				rep, err := e.Engine.RunOnce(e.ctx)
				took := time.Since(start)
				b.StopTimer()
				if err != nil || rep.PulledUpdated+rep.PushedUpdated != 100 {
					b.Fatalf("incremental sync: %v, %+v", err, rep)
				}
				b.ReportMetric(took.Seconds(), "s/sync")
			}
		})
	}
}

// BenchmarkCardPathDuringFullSync: the store work of answering a call
// (look up the number, read history and last call, record the call),
// idle and while a full sync of 25,000 contacts runs.
func BenchmarkCardPathDuringFullSync(b *testing.B) {
	for range b.N {
		b.StopTimer()
		e := newEnv(b)
		for i := range 300 {
			c := &contacts.Contact{DisplayName: fmt.Sprint("Caller ", i), Numbers: []contacts.Number{{Raw: fmt.Sprintf("+39 333 200 %04d", i)}}}
			if _, err := e.DB.CreateContact(e.ctx, c, ""); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := e.Stub.Seed(25000 - 300); err != nil {
			b.Fatal(err)
		}
		idle := cardPath(b, e, 1000, nil)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, err := e.Engine.RunOnce(e.ctx); err != nil {
				b.Error(err)
			}
		}()
		busy := cardPath(b, e, 300, done)
		<-done
		b.ReportMetric(float64(p99(idle).Microseconds())/1000, "ms-p99-idle")
		b.ReportMetric(float64(p99(busy).Microseconds())/1000, "ms-p99-syncing")
		b.ReportMetric(float64(len(busy)), "calls-during-sync")
	}
}

func cardPath(b *testing.B, e *env, n int, until <-chan struct{}) []time.Duration {
	var out []time.Duration
	norm := e.DB.Normalizer()
	for i := 0; ; i++ {
		if until == nil && i == n {
			return out
		}
		if until != nil {
			select {
			case <-until:
				return out
			default:
			}
		}
		p, _ := norm.Parse(fmt.Sprintf("+39 333 200 %04d", i%300), "")
		start := time.Now()
		ms, err := e.DB.ContactsByNumber(e.ctx, p.Key)
		if err != nil || len(ms) == 0 {
			b.Fatalf("lookup: %v %d", err, len(ms))
		}
		if _, err := e.DB.History(e.ctx, ms[0].ID, p.Key, 10, ""); err != nil {
			b.Fatal(err)
		}
		call := &contacts.Call{ID: contacts.NewID(), Number: p, Direction: contacts.Incoming, StartedAt: time.Now(), DeviceID: "d1", By: "Luca"}
		if _, err := e.DB.StartCall(e.ctx, call); err != nil {
			b.Fatal(err)
		}
		out = append(out, time.Since(start))
		time.Sleep(5 * time.Millisecond) // about the pace of a busy office's phones, idle or not
	}
}

func p99(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)*99/100]
}
