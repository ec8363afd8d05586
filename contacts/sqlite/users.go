package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// User is a staff account of the office web view. PasswordHash is a slow
// hash (bcrypt); the password itself is never stored.
type User struct {
	ID           string
	Login        string // what they sign in with, unique regardless of case
	Name         string // shown in history and the audit log
	PasswordHash string
	Lang         string // "" follows the browser
	CreatedAt    time.Time
	PasswordAt   time.Time
	DisabledAt   time.Time // zero while the account may sign in
	Role         string    // RoleAdmin or RoleStaff
	// CredGen goes up when the password is set, the role changes or the
	// account is disabled: device cookies signed under an older one are
	// no longer honoured (server/web/throttle.go).
	CredGen int64
}

// Roles of an account: staff do the daily work, admins also manage the
// office's accounts, phones, templates, stages, sync, data and settings.
const (
	RoleAdmin = "admin"
	RoleStaff = "staff"
)

// Roles lists the roles, most powerful first.
var Roles = []string{RoleAdmin, RoleStaff}

// Disabled reports whether the account may no longer sign in.
func (u *User) Disabled() bool { return !u.DisabledAt.IsZero() }

// IsAdmin reports whether the account has the admin role.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

const userColumns = `id, login, name, password_hash, lang, created_ms, password_ms, disabled_ms, role, cred_gen`

func scanUser(s scanner) (*User, error) {
	var u User
	var created, pw, disabled int64
	if err := s.Scan(&u.ID, &u.Login, &u.Name, &u.PasswordHash, &u.Lang, &created, &pw, &disabled, &u.Role, &u.CredGen); err != nil {
		return nil, err
	}
	u.CreatedAt, u.PasswordAt, u.DisabledAt = fromMS(created), fromMS(pw), fromMS(disabled)
	return &u, nil
}

func checkRole(role string) error {
	if role != RoleAdmin && role != RoleStaff {
		return contacts.Errorf(contacts.EInvalid, "role: admin or staff, not %q", role)
	}
	return nil
}

// AddUser stores a new account. A login already taken is a conflict. With
// no Role the first account is an admin (someone must be able to manage the
// others) and every later one staff; u.Role tells which it became.
func (db *DB) AddUser(ctx context.Context, u *User) error {
	u.Login = strings.TrimSpace(u.Login)
	u.Name = strings.TrimSpace(u.Name)
	switch {
	case u.Login == "" || len(u.Login) > 100 || strings.ContainsAny(u.Login, " \t\r\n"):
		return contacts.Errorf(contacts.EInvalid, "login: required, at most 100 bytes, no spaces")
	case u.PasswordHash == "":
		return contacts.Errorf(contacts.EInvalid, "password: required")
	case len(u.Name) > 100:
		return contacts.Errorf(contacts.EInvalid, "name: at most 100 bytes")
	case u.Role != "":
		if err := checkRole(u.Role); err != nil {
			return err
		}
	}
	if u.Name == "" {
		u.Name = u.Login
	}
	u.ID = contacts.NewID()
	u.CreatedAt, u.PasswordAt = db.Now(), db.Now()
	role := u.Role
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		u.Role = role
		if u.Role == "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
				return fmt.Errorf("count users: %w", err)
			}
			u.Role = RoleStaff
			if n == 0 {
				u.Role = RoleAdmin
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, login, name, password_hash, lang, created_ms, password_ms, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Login, u.Name, u.PasswordHash, u.Lang, ms(u.CreatedAt), ms(u.PasswordAt), u.Role)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return contacts.Errorf(contacts.EConflict, "login: %q is already taken", u.Login)
			}
			return fmt.Errorf("insert user: %w", err)
		}
		return audit(ctx, tx, u.CreatedAt, "user.add", "", u.Login+" ("+u.Name+"), "+u.Role)
	})
	if err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	return nil
}

// UserByLogin returns an account by its login, disabled or not.
func (db *DB) UserByLogin(ctx context.Context, login string) (*User, error) {
	u, err := scanUser(db.reader(ctx).QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE login = ?`, strings.TrimSpace(login)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contacts.Errorf(contacts.ENotFound, "user %q not found", login)
	}
	if err != nil {
		return nil, fmt.Errorf("get user: %w", err)
	}
	return u, nil
}

// Users lists every account, by login.
func (db *DB) Users(ctx context.Context) ([]*User, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY login COLLATE NOCASE`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetUserPassword replaces an account's password hash, ends its sessions
// but keepSession (the token hash of the session setting it, when the
// account sets its own; "" ends them all), moves its credential generation
// on (its browsers' device cookies no longer count) and clears its failed
// sign-ins (see UnlockUser).
func (db *DB) SetUserPassword(ctx context.Context, login, hash, keepSession string) error {
	return db.updateUser(ctx, login, "user.password", keepSession,
		`UPDATE users SET password_hash = ?, password_ms = ?, cred_gen = cred_gen + 1 WHERE login = ?`, hash, ms(db.Now()), login)
}

// SetUserDisabled disables (ending its sessions and moving its credential
// generation on) or re-enables an account. The last active admin cannot be
// disabled.
func (db *DB) SetUserDisabled(ctx context.Context, login string, disabled bool) error {
	if !disabled {
		return db.updateUser(ctx, login, "user.enable", "", `UPDATE users SET disabled_ms = 0 WHERE login = ?`, login)
	}
	return db.updateUser(ctx, login, "user.disable", "", `UPDATE users SET disabled_ms = ?, cred_gen = cred_gen + 1 WHERE login = ?`, ms(db.Now()), login)
}

// SetUserRole makes an account an admin or staff (ending its sessions, so
// that its pages and rights change at once, and moving its credential
// generation on). The last active admin cannot be made staff.
func (db *DB) SetUserRole(ctx context.Context, login, role string) error {
	if err := checkRole(role); err != nil {
		return err
	}
	return db.updateUser(ctx, login, "user.role."+role, "", `UPDATE users SET role = ?, cred_gen = cred_gen + 1 WHERE login = ?`, role, login)
}

// UnlockUser forgets the failed sign-ins made on an account (from any
// address or browser), so that nobody waits any longer to sign in to it.
// It leaves the account's sessions and device cookies alone: an admin
// unlocking their own account during an attack, from the PC that signed in
// before, keeps that PC's way in.
func (db *DB) UnlockUser(ctx context.Context, login string) error {
	return db.updateUser(ctx, login, "user.unlock", "", `UPDATE users SET login = login WHERE login = ?`, login)
}

// SetUserLang sets the language an account sees ("" follows the browser).
func (db *DB) SetUserLang(ctx context.Context, login, lang string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET lang = ? WHERE login = ?`, lang, login); err != nil {
			return fmt.Errorf("set language: %w", err)
		}
		return nil
	})
}

// updateUser runs q on an account, checks an active admin is left, ends
// the account's sessions but keepSession (not on enable or unlock), and
// audits it.
func (db *DB) updateUser(ctx context.Context, login, action, keepSession, q string, args ...any) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return contacts.Errorf(contacts.ENotFound, "user %q not found", login)
		}
		var admins int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_ms = 0`).Scan(&admins); err != nil {
			return fmt.Errorf("count admins: %w", err)
		}
		if admins == 0 && (action == "user.disable" || action == "user.role.staff") { // checked after the change, in its transaction: two admins demoting each other can't both pass
			return contacts.Errorf(contacts.EConflict, "%s is the last active admin: make another account admin first", login)
		}
		switch action {
		case "user.enable", "user.unlock":
		default:
			if _, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE user_id = (SELECT id FROM users WHERE login = ?) AND token_hash <> ?`, login, keepSession); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		if action == "user.password" || action == "user.unlock" {
			if err := resetFailures(ctx, tx, login, db.Now()); err != nil {
				return err
			}
		}
		return audit(ctx, tx, db.Now(), action, "", login)
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, login, err)
	}
	return nil
}
