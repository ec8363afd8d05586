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
}

// Disabled reports whether the account may no longer sign in.
func (u *User) Disabled() bool { return !u.DisabledAt.IsZero() }

const userColumns = `id, login, name, password_hash, lang, created_ms, password_ms, disabled_ms`

func scanUser(s scanner) (*User, error) {
	var u User
	var created, pw, disabled int64
	if err := s.Scan(&u.ID, &u.Login, &u.Name, &u.PasswordHash, &u.Lang, &created, &pw, &disabled); err != nil {
		return nil, err
	}
	u.CreatedAt, u.PasswordAt, u.DisabledAt = fromMS(created), fromMS(pw), fromMS(disabled)
	return &u, nil
}

// AddUser stores a new account. A login already taken is a conflict.
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
	}
	if u.Name == "" {
		u.Name = u.Login
	}
	u.ID = contacts.NewID()
	u.CreatedAt, u.PasswordAt = db.Now(), db.Now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, login, name, password_hash, lang, created_ms, password_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Login, u.Name, u.PasswordHash, u.Lang, ms(u.CreatedAt), ms(u.PasswordAt))
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return contacts.Errorf(contacts.EConflict, "login: %q is already taken", u.Login)
			}
			return fmt.Errorf("insert user: %w", err)
		}
		return audit(ctx, tx, u.CreatedAt, "user.add", "", u.Login+" ("+u.Name+")")
	})
	if err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	return nil
}

// UserByLogin returns an account by its login, disabled or not.
func (db *DB) UserByLogin(ctx context.Context, login string) (*User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE login = ?`, strings.TrimSpace(login)))
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
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY login COLLATE NOCASE`)
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

// SetUserPassword replaces an account's password hash and ends its sessions.
func (db *DB) SetUserPassword(ctx context.Context, login, hash string) error {
	return db.updateUser(ctx, login, "user.password", `UPDATE users SET password_hash = ?, password_ms = ? WHERE login = ?`, hash, ms(db.Now()), login)
}

// SetUserDisabled disables (ending its sessions) or re-enables an account.
func (db *DB) SetUserDisabled(ctx context.Context, login string, disabled bool) error {
	at, action := int64(0), "user.enable"
	if disabled {
		at, action = ms(db.Now()), "user.disable"
	}
	return db.updateUser(ctx, login, action, `UPDATE users SET disabled_ms = ? WHERE login = ?`, at, login)
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

func (db *DB) updateUser(ctx context.Context, login, action, q string, args ...any) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return contacts.Errorf(contacts.ENotFound, "user %q not found", login)
		}
		if action != "user.enable" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE user_id = (SELECT id FROM users WHERE login = ?)`, login); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		return audit(ctx, tx, db.Now(), action, "", login)
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, login, err)
	}
	return nil
}
