package sqlite_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// The first account is an admin, later ones staff; two admins demoting
// each other at the same moment can't both succeed: the check that an
// active admin is left runs in the change's own transaction.
func TestLastAdminStays(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	for _, login := range []string{"ada", "bob"} {
		u := &sqlite.User{Login: login, PasswordHash: "x"}
		if err := db.AddUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if want := map[string]string{"ada": sqlite.RoleAdmin, "bob": sqlite.RoleStaff}[login]; u.Role != want {
			t.Errorf("%s became %s, want %s", login, u.Role, want)
		}
	}
	if err := db.SetUserRole(ctx, "ada", sqlite.RoleStaff); contacts.ErrorCode(err) != contacts.EConflict {
		t.Fatalf("demote the only admin: %v, want a conflict", err)
	}
	if err := db.SetUserDisabled(ctx, "ada", true); contacts.ErrorCode(err) != contacts.EConflict {
		t.Fatalf("disable the only admin: %v, want a conflict", err)
	}
	if err := db.SetUserRole(ctx, "bob", sqlite.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 20; round++ {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, login := range []string{"ada", "bob"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if round%2 == 0 {
					errs[i] = db.SetUserRole(ctx, login, sqlite.RoleStaff)
				} else {
					errs[i] = db.SetUserDisabled(ctx, login, true)
				}
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: both or neither demoted: %v, %v", round, errs[0], errs[1])
		}
		users, _ := db.Users(ctx)
		admins := 0
		for _, u := range users {
			if u.IsAdmin() && !u.Disabled() {
				admins++
			}
		}
		if admins != 1 {
			t.Fatalf("round %d: %d active admins", round, admins)
		}
		// Back to two admins for the next round.
		for _, login := range []string{"ada", "bob"} {
			if err := db.SetUserDisabled(ctx, login, false); err != nil {
				t.Fatal(err)
			}
			if err := db.SetUserRole(ctx, login, sqlite.RoleAdmin); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Accounts that existed before roles all become admins (before, every
// account could do everything): an upgrade locks nobody out.
func TestMigrationMakesExistingAccountsAdmins(t *testing.T) {
	path := t.TempDir() + "/ringcard.db"
	db := openStore(t, path)
	ctx := context.Background()
	for _, login := range []string{"ada", "bob"} {
		if err := db.AddUser(ctx, &sqlite.User{Login: login, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	closeStore(db)
	// Back to the schema before 0008.
	conn, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DELETE FROM schema_migrations WHERE version = 8`,
		`DROP INDEX login_attempts_device`,
		`ALTER TABLE login_attempts DROP COLUMN device`,
		`ALTER TABLE audit_log DROP COLUMN address`,
		`ALTER TABLE users DROP COLUMN role`,
	} {
		if _, err := conn.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn.Close()
	db = openStore(t, path)
	users, err := db.Users(ctx)
	if err != nil || len(users) != 2 {
		t.Fatalf("users: %v %d", err, len(users))
	}
	for _, u := range users {
		if !u.IsAdmin() {
			t.Errorf("%s is %s after the migration, want admin", u.Login, u.Role)
		}
	}
	u := &sqlite.User{Login: "cy", PasswordHash: "x"}
	if err := db.AddUser(ctx, u); err != nil || u.Role != sqlite.RoleStaff {
		t.Errorf("a new account after the migration: %v, role %s, want staff", err, u.Role)
	}
}

// An account's credential generation moves on with a new password, a role
// change and disabling (its browsers' device cookies stop counting), not
// with unlock or enable; a new password ends every session of the account
// but the one kept.
func TestCredentialGeneration(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	for _, login := range []string{"ada", "bob"} {
		if err := db.AddUser(ctx, &sqlite.User{Login: login, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	u, _ := db.UserByLogin(ctx, "bob")
	var sessions []string
	for _, tok := range []string{"one", "two", "three"} {
		s := &sqlite.Session{TokenHash: sqlite.HashSecret(tok), CSRF: "c", User: u, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, s.TokenHash)
	}
	gen := func() int64 {
		t.Helper()
		u, err := db.UserByLogin(ctx, "bob")
		if err != nil {
			t.Fatal(err)
		}
		return u.CredGen
	}
	steps := []struct {
		name string
		do   func() error
		up   bool
	}{
		{"new password", func() error { return db.SetUserPassword(ctx, "bob", "y", sessions[1]) }, true},
		{"unlock", func() error { return db.UnlockUser(ctx, "bob") }, false},
		{"role", func() error { return db.SetUserRole(ctx, "bob", sqlite.RoleAdmin) }, true},
		{"disable", func() error { return db.SetUserDisabled(ctx, "bob", true) }, true},
		{"enable", func() error { return db.SetUserDisabled(ctx, "bob", false) }, false},
	}
	before := gen()
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		after := gen()
		if (after > before) != st.up {
			t.Errorf("%s: generation %d -> %d, want it moved: %v", st.name, before, after, st.up)
		}
		before = after
		if i == 0 {
			for j, h := range sessions {
				_, err := db.SessionByToken(ctx, h)
				if alive := err == nil; alive != (j == 1) {
					t.Errorf("session %d alive after a new password: %v (err %v); want only the kept one", j, alive, err)
				}
			}
		}
	}
}
