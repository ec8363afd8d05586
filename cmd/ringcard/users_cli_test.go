package main_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Setting the password of an account that does not exist says so, before
// asking for a password.
func TestPasswdUnknownUser(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ringcard.db")
	cmd := exec.Command(binary(t), "users", "passwd", "nobody", "--db", db, "--password-stdin")
	cmd.Stdin = strings.NewReader("\n")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), `user "nobody" not found`) {
		t.Errorf("passwd nobody: %v\n%s", err, out)
	}
}

// ringcardIn runs the binary with stdin; it returns the output and whether
// it succeeded.
func ringcardIn(t *testing.T, stdin string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// The first account is an admin, later ones staff unless --role says;
// `users role` changes it; the last active admin can be neither demoted nor
// disabled; `users list` shows roles; `users unlock` forgets failures; the
// audit log has the command line, not a web account, as the actor.
func TestUsersRoles(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ringcard.db")
	must := func(stdin string, want string, args ...string) {
		t.Helper()
		out, ok := ringcardIn(t, stdin, append(args, "--db", db)...)
		if !ok || !strings.Contains(out, want) {
			t.Fatalf("ringcard %s: ok=%v, want %q in\n%s", strings.Join(args, " "), ok, want, out)
		}
	}
	refused := func(want string, args ...string) {
		t.Helper()
		out, ok := ringcardIn(t, "a long password\n", append(args, "--db", db)...)
		if ok || !strings.Contains(out, want) {
			t.Fatalf("ringcard %s: ok=%v, want it refused with %q\n%s", strings.Join(args, " "), ok, want, out)
		}
	}
	pw := "a long password\n"
	must(pw, "boss (boss), admin", "users", "add", "boss", "--password-stdin")
	must(pw, "sam (sam), staff", "users", "add", "sam", "--password-stdin")
	must(pw, "eve (Eve), admin", "users", "add", "eve", "--name", "Eve", "--role", "admin", "--password-stdin")
	refused(`role: admin or staff, not "boss"`, "users", "add", "x", "--role", "boss", "--password-stdin")
	refused(`role: admin or staff, not "root"`, "users", "role", "sam", "root")

	must("", "boss is now staff.", "users", "role", "boss", "staff")
	refused("eve is the last active admin", "users", "role", "eve", "staff")
	refused("eve is the last active admin", "users", "disable", "eve")
	must("", "sam is now admin.", "users", "role", "sam", "admin")
	must("", "eve is now staff.", "users", "role", "eve", "staff")
	must("", "eve disabled.", "users", "disable", "eve")
	must("", "eve enabled.", "users", "disable", "eve", "--enable")

	out, _ := ringcardIn(t, "", "users", "list", "--db", db)
	for _, line := range []string{"boss", "eve", "sam"} {
		want := map[string]string{"boss": "staff", "eve": "staff", "sam": "admin"}[line]
		if !regexp.MustCompile(`(?m)^` + line + `\s+\S+\s+` + want + `\s`).MatchString(out) {
			t.Errorf("users list: want %s as %s:\n%s", line, want, out)
		}
	}
	if !strings.HasPrefix(out, "LOGIN  ") || !strings.Contains(strings.SplitN(out, "\n", 2)[0], "ROLE") {
		t.Errorf("users list header: %s", out)
	}

	store, err := sqlite.Open(context.Background(), db, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	failures := func() int {
		t.Helper()
		acct, _, _, err := store.SigninFailures(context.Background(), "sam", "10.0.0.9", "", time.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return acct.N
	}
	for range 7 {
		if err := store.RecordLoginAttempt(context.Background(), sqlite.LoginAttempt{At: time.Now(), Address: "10.0.0.9", Login: "sam", Outcome: sqlite.LoginBadPassword}); err != nil {
			t.Fatal(err)
		}
	}
	if n := failures(); n != 7 {
		t.Fatalf("failures before unlock = %d, want 7", n)
	}
	must("", "sam unlocked", "users", "unlock", "sam")
	if n := failures(); n != 0 {
		t.Errorf("failures after users unlock = %d, want 0", n)
	}
	refused(`user "nobody" not found`, "users", "unlock", "nobody")
	entries, err := store.Audit(context.Background(), sqlite.AuditFilter{Action: "user.", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 8 {
		t.Fatalf("audit: %d user entries, want every change", len(entries))
	}
	for _, e := range entries {
		if e.Actor.Kind != contacts.ActorCLI || e.Actor.Name != "command line" || e.Actor.ID == "" {
			t.Errorf("audit %s: actor %+v, want the command line with the OS account", e.Action, e.Actor)
		}
	}
}
