package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Sign-in attempts and the audit log's refused sign-ins go after the
// sign-in retention, the rest of the audit log (successful sign-ins
// included) after the audit's; oldest first, batch rows at a time, each
// set found by an index.
func TestPruneLogs(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := contacts.WithActor(context.Background(), contacts.Actor{Kind: contacts.ActorUser, Name: "anna"})
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	days := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	attempt := func(at time.Time, outcome string) {
		t.Helper()
		if err := db.RecordLoginAttempt(ctx, sqlite.LoginAttempt{At: at, Address: "10.0.0.9", Login: "anna", Outcome: outcome}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		attempt(days(40), sqlite.LoginBadPassword)
		attempt(days(40), sqlite.LoginThrottled)
	}
	attempt(days(40), sqlite.LoginOK)
	attempt(days(10), sqlite.LoginBadPassword)
	attempt(days(10), sqlite.LoginOK)
	for _, n := range []int{400, 380, 100} {
		at := days(n)
		db.Now = func() time.Time { return at }
		if err := db.RecordAudit(ctx, "contact.update", "an old change"); err != nil {
			t.Fatal(err)
		}
	}
	db.Now = func() time.Time { return now }

	r := sqlite.Retention{Audit: 365 * 24 * time.Hour, Signins: 30 * 24 * time.Hour}
	first, err := db.PruneLogs(ctx, now, r, 3)
	if err != nil {
		t.Fatal(err)
	}
	if first != 3+3+2 { // three of each sign-in set (a batch), both audit rows past a year
		t.Errorf("first batch deleted %d rows, want 8", first)
	}
	for n := first; n > 0; {
		if n, err = db.PruneLogs(ctx, now, r, 3); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) int {
		t.Helper()
		n, err := db.CountForTest(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, c := range []struct {
		q    string
		want int
	}{
		{`SELECT COUNT(*) FROM login_attempts`, 2},                                                   // the 10-day-old ones
		{`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'signin.%' AND action <> 'signin.ok'`, 1}, // the 10-day-old refusal
		{`SELECT COUNT(*) FROM audit_log WHERE action = 'signin.ok'`, 2},                             // successful sign-ins stay a year
		{`SELECT COUNT(*) FROM audit_log WHERE action = 'contact.update'`, 1},                        // 100 days old
	} {
		if got := count(c.q); got != c.want {
			t.Errorf("%s = %d, want %d", c.q, got, c.want)
		}
	}

	// Zero keeps for ever.
	if n, err := db.PruneLogs(ctx, now.AddDate(10, 0, 0), sqlite.Retention{}, 100); err != nil || n != 0 {
		t.Errorf("prune with no retention: %d, %v; want nothing deleted", n, err)
	}

	plans, err := db.PrunePlansForTest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if !strings.Contains(p, "USING INDEX") && !strings.Contains(p, "USING COVERING INDEX") {
			t.Errorf("pruning reads without an index: %s", p)
		}
	}
}

// BenchmarkPruneLogs is one call of the tick's pruning with a backlog
// (server.pruneBatch rows): 200 sign-in attempts and 200 refused sign-ins
// in the audit log deleted, each set in its own transaction (run it at
// most 100x: the backlog is 20,000 of each).
func BenchmarkPruneLogs(b *testing.B) {
	db := openStore(b, b.TempDir()+"/ringcard.db")
	ctx := context.Background()
	now := time.Now()
	old := now.AddDate(0, -2, 0)
	for i := 0; i < 20_000; i++ {
		if err := db.RecordLoginAttempt(ctx, sqlite.LoginAttempt{At: old.Add(time.Duration(i) * time.Second), Address: "10.0.0.9", Login: "anna", Outcome: sqlite.LoginBadPassword}); err != nil {
			b.Fatal(err)
		}
	}
	r := sqlite.Retention{Audit: 365 * 24 * time.Hour, Signins: 30 * 24 * time.Hour}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if n, err := db.PruneLogs(ctx, now, r, 200); err != nil || n != 400 {
			b.Fatalf("prune: %d rows, %v; want 400", n, err)
		}
	}
}
