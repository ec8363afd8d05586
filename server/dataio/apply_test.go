package dataio

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// An import in the server gives way to phones' writes: its transactions
// end early while one waits, and every row still lands once, with its
// contact ID, in order.
func TestApplyGivesWayToForegroundWrites(t *testing.T) {
	db := openDB(t)
	const n = 3000
	var csv strings.Builder
	csv.WriteString("Name,Phone\n")
	for i := range n {
		fmt.Fprintf(&csv, "Cliente Prova %04d,+39 333 500 %04d\n", i, i)
	}
	src, err := Read("clients.csv", []byte(csv.String()), ReadOptions{Region: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := PlanImport(cliCtx(), db, src)
	if err != nil || plan.Created != n {
		t.Fatalf("plan: %d to create, %v", plan.Created, err)
	}

	// Phones keep writing (call records) while the import runs.
	stop := make(chan struct{})
	var calls atomic.Int64
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			norm := db.Normalizer()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				num, _ := norm.Parse(fmt.Sprintf("+39 06 %d%06d", w, i), "")
				c := &contacts.Call{ID: contacts.NewID(), Number: num, Direction: contacts.Incoming, StartedAt: time.Now(), DeviceID: "d1", By: "Luca"}
				if _, err := db.StartCall(context.Background(), c); err != nil {
					t.Error(err)
					return
				}
				calls.Add(1)
				time.Sleep(2 * time.Millisecond) // a busy office: hundreds of calls a second
			}
		}()
	}
	var batches int
	last := 0
	err = plan.Apply(cliCtx(), db, func(done, total int) {
		if done <= last || total != n {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last = done
		batches++
	})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if batches <= (n+BatchSize-1)/BatchSize {
		t.Errorf("%d transactions for %d contacts with %d calls written meanwhile: the import never gave way", batches, n, calls.Load())
	}
	if got := count(t, db); got != n {
		t.Errorf("%d contacts stored, want %d", got, n)
	}
	for _, r := range plan.Rows {
		c, err := db.Contact(context.Background(), r.ContactID)
		if err != nil || c.Name() != r.Name {
			t.Fatalf("row %d (%s): contact %q is %v %v", r.Row, r.Name, r.ContactID, c, err)
		}
	}
}
