package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	contactsync "github.com/ringcard/ringcard/sync"
)

// `ringcard google status` says what waits for Google in each lane and
// about when it will be done, in text and JSON.
func TestGoogleStatusShowsTheQueue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ringcard.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSyncEnabled(ctx, true); err != nil {
		t.Fatal(err)
	}
	var ops []sqlite.ImportOp
	for i := range 3 {
		ops = append(ops, sqlite.ImportOp{Contact: &contacts.Contact{DisplayName: fmt.Sprint("Imported ", i)}, Source: fmt.Sprint("row ", i)})
	}
	if _, err := db.ApplyImport(ctx, ops); err != nil {
		t.Fatal(err)
	}
	staff := contacts.WithActor(ctx, contacts.Actor{Kind: contacts.ActorUser, Name: "Anna"})
	if _, err := db.CreateContact(staff, &contacts.Contact{DisplayName: "By hand"}, ""); err != nil {
		t.Fatal(err)
	}
	db.Close()
	run := func(args ...string) string {
		cmd := exec.Command(binary(t), append([]string{"google", "status", "--db", path}, args...)...)
		cmd.Env = append(os.Environ(), "RINGCARD_GOOGLE_ENDPOINT=http://127.0.0.1:9", "RINGCARD_GOOGLE_NO_AUTH=true")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("google status %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	out := run()
	if !strings.Contains(out, "queued changes:  4 (contacts: 1 changed by staff, 3 from imports)") || !strings.Contains(out, "done about:") {
		t.Errorf("google status =\n%s", out)
	}
	var st contactsync.Status
	if err := json.Unmarshal([]byte(run("--json")), &st); err != nil {
		t.Fatal(err)
	}
	if st.Waiting.Staff != 1 || st.Waiting.Bulk != 3 || st.DoneAbout.IsZero() {
		t.Errorf("status JSON: waiting %+v, done about %v", st.Waiting, st.DoneAbout)
	}
}
