package contactsync_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/sync/peoplestub"
)

// buildRingcard builds the real binary once per test.
func buildRingcard(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ringcard")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/ringcard/ringcard/cmd/ringcard").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestKillMidSync runs `ringcard google sync` against the stand-in, kills
// it with SIGKILL in the middle of the pull or of the outbox flush, runs it
// again, and checks that nothing was lost or duplicated on either side.
func TestKillMidSync(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildRingcard(t)
	for _, tc := range []struct {
		name  string
		op    string // kill once the stand-in has served this many requests of op
		after int
	}{
		{"during the pull", "people.connections.list", 2},
		{"during the outbox flush", "people.batchCreateContacts", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			dbPath := filepath.Join(dir, "ringcard.db")
			ctx := context.Background()
			db, err := sqlite.Open(ctx, dbPath, contacts.Normalizer{DefaultRegion: "IT"})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.SetSyncEnabled(ctx, true); err != nil {
				t.Fatal(err)
			}
			const local, remote = 600, 3000
			for i := range local {
				c := &contacts.Contact{DisplayName: fmt.Sprintf("Local %03d", i), Numbers: []contacts.Number{{Raw: fmt.Sprintf("+39 333 100 %04d", i)}}}
				if _, err := db.CreateContact(userCtx(ctx), c, ""); err != nil {
					t.Fatal(err)
				}
			}
			stub := peoplestub.New(peoplestub.Options{})
			if _, err := stub.Seed(remote); err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(stub)
			defer hs.Close()
			stub.SetDelay(5 * time.Millisecond)

			run := func() *exec.Cmd {
				cmd := exec.Command(bin, "google", "sync", "--db", dbPath)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "RINGCARD_GOOGLE_ENDPOINT="+hs.URL, "RINGCARD_GOOGLE_NO_AUTH=true", "RINGCARD_LOG_LEVEL=warn")
				return cmd
			}
			first := run()
			if err := first.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(60 * time.Second)
			for stub.RequestCount(tc.op) < tc.after {
				if time.Now().After(deadline) {
					first.Process.Kill()
					t.Fatalf("no %d %s requests in time", tc.after, tc.op)
				}
				time.Sleep(time.Millisecond)
			}
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = first.Wait()
			t.Logf("killed after %d %s requests; google has %d contacts", stub.RequestCount(tc.op), tc.op, stub.Len())

			stub.SetDelay(0)
			second := run()
			if out, err := second.CombinedOutput(); err != nil {
				t.Fatalf("second run: %v\n%s", err, out)
			}
			if n := stub.Len(); n != local+remote {
				t.Errorf("google has %d contacts, want %d", n, local+remote)
			}
			if n, _ := db.ContactCount(ctx); n != local+remote {
				t.Errorf("ringcard has %d contacts, want %d", n, local+remote)
			}
			if n, _ := db.LinkedCount(ctx); n != local+remote {
				t.Errorf("linked = %d, want %d", n, local+remote)
			}
			if n, _ := db.OutboxLen(ctx); n != 0 {
				t.Errorf("outbox = %d, want 0", n)
			}
			e := &env{t: t, ctx: ctx, URL: hs.URL}
			if d := countDup(e.googleNames()); len(d) > 0 {
				t.Errorf("duplicates in google: %v", d)
			}
		})
	}
}
