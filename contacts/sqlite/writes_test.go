package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Writes leave the full-text indexes unmerged (FTS5's automerge is off, so
// no write pays for a merge); the background merge then folds the
// segments together, and search finds the same contacts before and after.
func TestSearchIndexMergedInTheBackground(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	if v, err := db.CountForTest(ctx, `SELECT v FROM contact_search_config WHERE k = 'automerge'`); err != nil || v != 0 {
		t.Fatalf("contact_search automerge = %d %v, want 0", v, err)
	}
	// One write transaction each: one new index segment each (fewer than
	// the 16 at which FTS5 merges inside a write anyway).
	for i := range 12 {
		addContact(t, db, fmt.Sprintf("Zanetti Cliente %02d", i), fmt.Sprintf("+39 333 400 %04d", i))
	}
	find := func() int {
		hits, err := db.Search(ctx, sqlite.SearchQuery{Text: "zanetti", Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		return len(hits)
	}
	leaves := func() int {
		n, err := db.CountForTest(ctx, `SELECT count(*) FROM contact_search_data`)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := leaves()
	if got := find(); got != 12 {
		t.Fatalf("before merging: found %d of 12", got)
	}
	if err := db.MergeIndexesForTest(ctx); err != nil {
		t.Fatal(err)
	}
	after := leaves()
	if after > before/2 {
		t.Errorf("index rows %d before the merge, %d after: want the segments merged", before, after)
	}
	if got := find(); got != 12 {
		t.Errorf("after merging: found %d of 12", got)
	}
}

// A background transaction (the sync's) lets a foreground writer that is
// already waiting (a phone's call) have the write connection first.
func TestBackgroundWritesLetForegroundGoFirst(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	// The bound on yielding exists so a background job is never starved; on
	// a loaded machine the released call may take longer than it to run, so
	// the test lifts it: what it checks is the order, not the bound.
	sqlite.SetMaxYieldForTest(t, time.Minute)
	for round := range 20 {
		var mu sync.Mutex
		var order []string
		note := func(s string) func() error {
			return func() error { mu.Lock(); order = append(order, s); mu.Unlock(); return nil }
		}
		release := make(chan struct{})
		holding := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(3)
		go func() { // someone holds the write connection
			defer wg.Done()
			_ = db.ForegroundTxForTest(ctx, func() error { close(holding); <-release; return nil })
		}()
		<-holding
		go func() { defer wg.Done(); _ = db.ForegroundTxForTest(ctx, note("call")) }()
		for !db.WriteWantedForTest() { // the call is queued
			time.Sleep(100 * time.Microsecond)
		}
		go func() { defer wg.Done(); _ = db.BackgroundTxForTest(ctx, note("sync")) }()
		time.Sleep(5 * time.Millisecond) // the sync gets to its turn too
		close(release)
		wg.Wait()
		if len(order) != 2 || order[0] != "call" {
			t.Fatalf("round %d: writes ran in order %v, want the call first", round, order)
		}
	}
}
