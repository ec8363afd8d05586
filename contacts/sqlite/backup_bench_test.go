package sqlite_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts/contactstest"
)

// BenchmarkBackup250k backs up a 250,000-contact database with VACUUM INTO
// while 4 readers look cards up at 400 lookups/s in all (the card path's
// reads: the contact by number, then its history; an office's peak is far
// below that) and reports their p50/p99 during the backup next to the same
// readers' figures without a backup.
func BenchmarkBackup250k(b *testing.B) {
	const n = 250_000
	cached, err := contactstest.CachedDB(n)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	path := filepath.Join(dir, "ringcard.db")
	if err := contactstest.CopyDB(cached, path); err != nil {
		b.Fatal(err)
	}
	db := openStore(b, path)
	ctx := context.Background()
	lookups := func(stop *atomic.Bool) []time.Duration {
		var all []time.Duration
		done := make(chan []time.Duration)
		for w := 0; w < 4; w++ {
			go func() {
				var lat []time.Duration
				for !stop.Load() {
					start := time.Now()
					cs, err := db.ContactsByNumber(ctx, contactstest.Number(rand.IntN(n)))
					if err == nil && len(cs) > 0 {
						_, err = db.History(ctx, cs[0].ID, "", 5, "")
					}
					if err != nil {
						b.Error(err)
						break
					}
					lat = append(lat, time.Since(start))
					time.Sleep(10 * time.Millisecond) // pace: ~100 lookups/s per reader
				}
				done <- lat
			}()
		}
		for w := 0; w < 4; w++ {
			all = append(all, <-done...)
		}
		slices.Sort(all)
		return all
	}
	pct := func(l []time.Duration, p float64) float64 {
		if len(l) == 0 {
			return 0
		}
		return float64(l[int(float64(len(l)-1)*p)].Microseconds()) / 1000
	}
	var idle atomic.Bool
	go func() { time.Sleep(2 * time.Second); idle.Store(true) }()
	base := lookups(&idle)
	b.ResetTimer()
	var during []time.Duration
	var size int64
	for i := 0; i < b.N; i++ {
		var stop atomic.Bool
		res := make(chan []time.Duration)
		go func() { res <- lookups(&stop) }()
		info, err := db.Backup(ctx, filepath.Join(dir, "backup-"+itoa(i)+".db"))
		stop.Store(true)
		during = append(during, <-res...)
		if err != nil {
			b.Fatal(err)
		}
		if info.Contacts != n {
			b.Fatalf("backup has %d contacts, want %d", info.Contacts, n)
		}
		size = info.Size
		os.Remove(info.Path)
	}
	b.StopTimer()
	b.ReportMetric(pct(base, 0.5), "idle-p50-ms")
	b.ReportMetric(pct(base, 0.99), "idle-p99-ms")
	slices.Sort(during)
	b.ReportMetric(pct(during, 0.5), "backup-p50-ms")
	b.ReportMetric(pct(during, 0.99), "backup-p99-ms")
	b.ReportMetric(float64(len(during)), "lookups")
	b.ReportMetric(float64(size)/(1<<20), "MB")
}
