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

// Session is a signed-in browser. Only the hash of its cookie is stored.
type Session struct {
	TokenHash string
	CSRF      string // the token every form and office API call must carry
	User      *User
	Address   string
	UserAgent string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateSession stores a new session and forgets expired ones.
func (db *DB) CreateSession(ctx context.Context, s *Session) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE expires_ms < ?`, ms(db.Now())); err != nil {
			return fmt.Errorf("forget expired sessions: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO web_sessions (token_hash, user_id, csrf, address, user_agent, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			s.TokenHash, s.User.ID, s.CSRF, s.Address, contacts.Truncate(s.UserAgent, 200), ms(s.CreatedAt), ms(s.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionByToken returns the live session whose cookie hashes to tokenHash,
// with its account; an expired session or a disabled account is
// unauthorized.
func (db *DB) SessionByToken(ctx context.Context, tokenHash string) (*Session, error) {
	cols := strings.ReplaceAll("u."+userColumns, ", ", ", u.")
	row := db.read.QueryRowContext(ctx, `SELECT s.token_hash, s.csrf, s.address, s.user_agent, s.created_ms, s.expires_ms, `+cols+`
		FROM web_sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_ms > ? AND u.disabled_ms = 0`, tokenHash, ms(db.Now()))
	var s Session
	var created, expires int64
	var u User
	var uc, upw, ud int64
	err := row.Scan(&s.TokenHash, &s.CSRF, &s.Address, &s.UserAgent, &created, &expires,
		&u.ID, &u.Login, &u.Name, &u.PasswordHash, &u.Lang, &uc, &upw, &ud)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contacts.Errorf(contacts.EUnauthorized, "not signed in or the session expired")
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt = fromMS(created), fromMS(expires)
	u.CreatedAt, u.PasswordAt, u.DisabledAt = fromMS(uc), fromMS(upw), fromMS(ud)
	s.User = &u
	return &s, nil
}

// DeleteSession ends a session (sign-out).
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE token_hash = ?`, tokenHash); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return nil
	})
}

// Sign-in outcomes recorded for every attempt.
const (
	LoginOK          = "ok"
	LoginBadPassword = "bad_password"
	LoginUnknownUser = "unknown_user"
	LoginDisabled    = "disabled"
	LoginLocked      = "locked"
)

// LoginAttempt is one recorded sign-in attempt.
type LoginAttempt struct {
	At      time.Time
	Address string
	Login   string
	Outcome string
}

// RecordLoginAttempt records a sign-in attempt; logins are kept lower-cased.
func (db *DB) RecordLoginAttempt(ctx context.Context, a LoginAttempt) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (at_ms, address, login, outcome) VALUES (?, ?, ?, ?)`,
			ms(a.At), a.Address, strings.ToLower(contacts.Truncate(a.Login, 100)), a.Outcome)
		if err != nil {
			return fmt.Errorf("record sign-in attempt: %w", err)
		}
		return nil
	})
}

// FailedLogins counts failed sign-ins since `since` for a login and for an
// address, each counted after the last successful sign-in of that login or
// from that address. Attempts refused because of a lock do not count, so a
// lock ends when its window passes.
func (db *DB) FailedLogins(ctx context.Context, login, address string, since time.Time) (byLogin, byAddress int, err error) {
	const q = `SELECT COUNT(*) FROM login_attempts WHERE %[1]s = ?1 AND at_ms >= ?2 AND outcome IN ('bad_password', 'unknown_user', 'disabled')
		AND at_ms > COALESCE((SELECT MAX(at_ms) FROM login_attempts WHERE %[1]s = ?1 AND outcome = 'ok'), 0)`
	if err := db.read.QueryRowContext(ctx, fmt.Sprintf(q, "login"), strings.ToLower(login), ms(since)).Scan(&byLogin); err != nil {
		return 0, 0, fmt.Errorf("count failed sign-ins: %w", err)
	}
	if err := db.read.QueryRowContext(ctx, fmt.Sprintf(q, "address"), address, ms(since)).Scan(&byAddress); err != nil {
		return 0, 0, fmt.Errorf("count failed sign-ins: %w", err)
	}
	return byLogin, byAddress, nil
}

// LoginAttempts returns the latest sign-in attempts, newest first.
func (db *DB) LoginAttempts(ctx context.Context, limit int) ([]LoginAttempt, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT at_ms, address, login, outcome FROM login_attempts ORDER BY at_ms DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list sign-in attempts: %w", err)
	}
	defer rows.Close()
	var out []LoginAttempt
	for rows.Next() {
		var a LoginAttempt
		var at int64
		if err := rows.Scan(&at, &a.Address, &a.Login, &a.Outcome); err != nil {
			return nil, fmt.Errorf("list sign-in attempts: %w", err)
		}
		a.At = fromMS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
