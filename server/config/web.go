package config

import (
	"fmt"
	"time"
)

// Web configures the office web view.
type Web struct {
	SecureCookies   string   `json:"secure_cookies"`   // auto (Secure when the request came over HTTPS), always, never (plain-HTTP office LAN)
	SessionLifetime Duration `json:"session_lifetime"` // how long a sign-in lasts
	LockoutAttempts int      `json:"lockout_attempts"` // failed sign-ins (per address, per account) before each attempt must wait...
	LockoutDelay    Duration `json:"lockout_delay"`    // ...this long, doubled with each further failure...
	LockoutWindow   Duration `json:"lockout_window"`   // ...up to this long (the longest wait; the name is kept from the old hard lock)
	BoardPoll       Duration `json:"board_poll"`       // how often the live board refreshes
	MinPassword     int      `json:"min_password"`     // shortest staff password accepted
	ActiveCallAge   Duration `json:"active_call_age"`  // optional: an unfinished call older than this leaves the live board sooner than calls.open_limit
}

// defaultWeb is filled in for every field left at zero.
var defaultWeb = Web{
	SecureCookies:   "auto",
	SessionLifetime: Duration(12 * time.Hour),
	LockoutAttempts: 5,
	LockoutDelay:    Duration(time.Second),
	LockoutWindow:   Duration(30 * time.Minute),
	BoardPoll:       Duration(500 * time.Millisecond),
	MinPassword:     8,
}

// Validate fills defaults and rejects bad web settings. Config.Validate
// calls it; the server calls it too, for a config that was not validated
// (tests).
func (c *Web) Validate() error {
	d := defaultWeb
	if c.SecureCookies == "" {
		c.SecureCookies = d.SecureCookies
	}
	if c.SessionLifetime == 0 {
		c.SessionLifetime = d.SessionLifetime
	}
	if c.LockoutAttempts == 0 {
		c.LockoutAttempts = d.LockoutAttempts
	}
	if c.LockoutDelay == 0 {
		c.LockoutDelay = d.LockoutDelay
	}
	if c.LockoutWindow == 0 {
		c.LockoutWindow = d.LockoutWindow
	}
	if c.BoardPoll == 0 {
		c.BoardPoll = d.BoardPoll
	}
	if c.MinPassword == 0 {
		c.MinPassword = d.MinPassword
	}
	switch {
	case c.SecureCookies != "auto" && c.SecureCookies != "always" && c.SecureCookies != "never":
		return fmt.Errorf("web.secure_cookies %q: auto, always or never", c.SecureCookies)
	case c.SessionLifetime.D() < time.Minute:
		return fmt.Errorf("web.session_lifetime %s: at least 1m", c.SessionLifetime)
	case c.LockoutAttempts < 1:
		return fmt.Errorf("web.lockout_attempts %d: at least 1", c.LockoutAttempts)
	case c.LockoutDelay.D() < time.Millisecond:
		return fmt.Errorf("web.lockout_delay %s: at least 1ms", c.LockoutDelay)
	case c.LockoutWindow.D() < c.LockoutDelay.D():
		return fmt.Errorf("web.lockout_window %s: at least web.lockout_delay (%s)", c.LockoutWindow, c.LockoutDelay)
	case c.BoardPoll.D() < 100*time.Millisecond:
		return fmt.Errorf("web.board_poll %s: at least 100ms", c.BoardPoll)
	case c.MinPassword < 1 || c.MinPassword > 72:
		return fmt.Errorf("web.min_password %d: between 1 and 72", c.MinPassword)
	}
	return nil
}
