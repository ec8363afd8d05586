package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
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
	row := db.reader(ctx).QueryRowContext(ctx, `SELECT s.token_hash, s.csrf, s.address, s.user_agent, s.created_ms, s.expires_ms, `+cols+`
		FROM web_sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_ms > ? AND u.disabled_ms = 0`, tokenHash, ms(db.Now()))
	var s Session
	var created, expires int64
	var u User
	var uc, upw, ud int64
	err := row.Scan(&s.TokenHash, &s.CSRF, &s.Address, &s.UserAgent, &created, &expires,
		&u.ID, &u.Login, &u.Name, &u.PasswordHash, &u.Lang, &uc, &upw, &ud, &u.Role, &u.CredGen)
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
	// LoginThrottled is an attempt refused unchecked because its address,
	// its account or its browser must wait after failed ones.
	LoginThrottled = "throttled"
	// LoginLocked was the outcome of the hard lock before 0008; kept so that
	// old rows read back.
	LoginLocked = "locked"
	// loginReset marks where an account's failures were forgiven (password
	// set, unlock): failures before it no longer count.
	loginReset = "reset"
)

// LoginAttempt is one recorded sign-in attempt.
type LoginAttempt struct {
	At      time.Time
	Address string
	Login   string
	Outcome string
	// Device is the hash of the device cookie of this login the browser
	// carried, "" for none: a browser that signed in to this account before.
	Device string
}

// RecordLoginAttempt records a sign-in attempt, and puts it in the audit
// log with its address; logins are kept lower-cased.
func (db *DB) RecordLoginAttempt(ctx context.Context, a LoginAttempt) error {
	login := strings.ToLower(contacts.Truncate(a.Login, 100))
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (at_ms, address, login, outcome, device) VALUES (?, ?, ?, ?, ?)`,
			ms(a.At), a.Address, login, a.Outcome, a.Device)
		if err != nil {
			return fmt.Errorf("record sign-in attempt: %w", err)
		}
		detail := "login " + strconv.Quote(login)
		if a.Device != "" {
			detail += " from a browser that signed in to it before"
		}
		actx := contacts.WithActor(ctx, contacts.Actor{Kind: contacts.ActorUser, ID: login, Name: login, Address: a.Address})
		return audit(actx, tx, a.At, "signin."+a.Outcome, "", detail)
	})
}

// resetFailures forgives the failed sign-ins made on login so far.
func resetFailures(ctx context.Context, tx *sql.Tx, login string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (at_ms, address, login, outcome) VALUES (?, '', ?, ?)`,
		ms(now), strings.ToLower(login), loginReset)
	if err != nil {
		return fmt.Errorf("reset failed sign-ins: %w", err)
	}
	return nil
}

// Failures is how many failed sign-ins count against a key (an address,
// an account, a browser) and when the last one was.
type Failures struct {
	N    int
	Last time.Time
}

// SigninFailures counts the failed sign-ins since `since` that slow down the
// next attempt on login from address, by a browser carrying device ("" for
// none):
//   - account: failures on login from browsers without its device cookie,
//     after its last such success and its last reset;
//   - address: failures from address without a device cookie, after its
//     last such success, leaving out those on an account reset since;
//   - device: failures with that device cookie, after its last success and
//     the account's last reset.
//
// Attempts refused unchecked (throttled) are not failures: waiting out a
// delay is never made longer by trying early.
func (db *DB) SigninFailures(ctx context.Context, login, address, device string, since time.Time) (account, addr, dev Failures, err error) {
	login = strings.ToLower(login)
	const fails = `outcome IN ('bad_password', 'unknown_user', 'disabled')`
	q := func(where string, args ...any) (Failures, error) {
		var f Failures
		var last sql.NullInt64
		row := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*), MAX(at_ms) FROM login_attempts f WHERE `+fails+` AND at_ms >= ? AND `+where,
			append([]any{ms(since)}, args...)...)
		if err := row.Scan(&f.N, &last); err != nil {
			return f, fmt.Errorf("count failed sign-ins: %w", err)
		}
		if last.Valid {
			f.Last = fromMS(last.Int64)
		}
		return f, nil
	}
	const noReset = `NOT EXISTS (SELECT 1 FROM login_attempts r WHERE r.login = f.login AND r.outcome = 'reset' AND r.at_ms >= f.at_ms)`
	if account, err = q(`login = ? AND device = '' AND `+noReset+`
		AND at_ms > COALESCE((SELECT MAX(at_ms) FROM login_attempts WHERE login = ? AND device = '' AND outcome = 'ok'), 0)`, login, login); err != nil {
		return
	}
	if addr, err = q(`address = ? AND device = '' AND `+noReset+`
		AND at_ms > COALESCE((SELECT MAX(at_ms) FROM login_attempts WHERE address = ? AND device = '' AND outcome = 'ok'), 0)`, address, address); err != nil {
		return
	}
	if device != "" {
		if dev, err = q(`device = ? AND `+noReset+`
			AND at_ms > COALESCE((SELECT MAX(at_ms) FROM login_attempts WHERE device = ? AND outcome = 'ok'), 0)`, device, device); err != nil {
			return
		}
	}
	return account, addr, dev, nil
}

// LoginAttempts returns the latest sign-in attempts, newest first.
func (db *DB) LoginAttempts(ctx context.Context, limit int) ([]LoginAttempt, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT at_ms, address, login, outcome, device FROM login_attempts WHERE outcome <> 'reset' ORDER BY at_ms DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list sign-in attempts: %w", err)
	}
	defer rows.Close()
	var out []LoginAttempt
	for rows.Next() {
		var a LoginAttempt
		var at int64
		if err := rows.Scan(&at, &a.Address, &a.Login, &a.Outcome, &a.Device); err != nil {
			return nil, fmt.Errorf("list sign-in attempts: %w", err)
		}
		a.At = fromMS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
