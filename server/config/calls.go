package config

import (
	"fmt"
	"time"
)

// Calls bounds how long a call whose end the phone never reports
// stays "in progress" on the live board, the cards and the history.
type Calls struct {
	// OpenLimit closes a call still open this long after it started, said
	// as "end not reported" in the history (default 90m). Sales calls are
	// minutes long; one past an hour and a half is almost surely a phone
	// that crashed, lost its network or was switched off mid-call, and a
	// real marathon call keeps its true end when the phone reports it.
	OpenLimit Duration `json:"open_limit"`
	// GoneAfter is how long a phone whose websocket went away during a call
	// may stay unheard of (no socket, no request) before its open calls
	// are closed (default 10m). A socket closing is not proof the call
	// ended: networks hand over, and on 2G/3G without VoLTE data stops for
	// the length of a voice call. Phones that never open a socket (REST
	// only) are not judged by this at all.
	GoneAfter Duration `json:"gone_after"`
}

// Defaults of Calls.
const (
	defaultOpenLimit = 90 * time.Minute
	defaultGoneAfter = 10 * time.Minute
)

// validate rejects bounds that would close live calls at once or leave
// dead ones for most of a day.
func (c *Calls) validate() error {
	if c.OpenLimit == 0 {
		c.OpenLimit = Duration(defaultOpenLimit)
	}
	if c.GoneAfter == 0 {
		c.GoneAfter = Duration(defaultGoneAfter)
	}
	switch {
	case c.OpenLimit.D() < 5*time.Minute || c.OpenLimit.D() > 12*time.Hour:
		return fmt.Errorf("calls.open_limit %s: between 5m and 12h", c.OpenLimit)
	case c.GoneAfter.D() < time.Minute || c.GoneAfter.D() > c.OpenLimit.D():
		return fmt.Errorf("calls.gone_after %s: between 1m and calls.open_limit (%s)", c.GoneAfter, c.OpenLimit)
	}
	return nil
}

// EffectiveOpenLimit is OpenLimit or, in a config that was not validated
// (tests), its default: the age past which an open call is closed.
func (c Calls) EffectiveOpenLimit() time.Duration {
	if c.OpenLimit > 0 {
		return c.OpenLimit.D()
	}
	return defaultOpenLimit
}

// EffectiveGoneAfter is GoneAfter or, in a config that was not validated
// (tests), its default: how long a phone gone mid-call may stay unheard of.
func (c Calls) EffectiveGoneAfter() time.Duration {
	if c.GoneAfter > 0 {
		return c.GoneAfter.D()
	}
	return defaultGoneAfter
}
