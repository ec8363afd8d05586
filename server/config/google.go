package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"time"

	contactsync "github.com/ringcard/ringcard/sync"
)

// Google configures the two-way sync with the office's Google
// Contacts account. Nothing syncs until `ringcard google connect` stored a
// token (or no_auth points the sync at a stand-in).
type Google struct {
	Endpoint     string   `json:"endpoint"`       // People API base URL; "" is Google's (https://people.googleapis.com/); a stand-in's URL for demos and tests
	TokenFile    string   `json:"token_file"`     // where the OAuth token (with its refresh token) is kept, mode 0600
	ClientID     string   `json:"client_id"`      // OAuth client ID (a "Desktop app" client in Google Cloud)
	ClientSecret string   `json:"client_secret"`  // its secret (RINGCARD_GOOGLE_CLIENT_SECRET_FILE reads it from a file)
	AuthURL      string   `json:"auth_url"`       // OAuth endpoints; "" is Google's
	TokenURL     string   `json:"token_url"`      //
	NoAuth       bool     `json:"no_auth"`        // send no credentials: only for a stand-in at endpoint
	Interval     Duration `json:"interval"`       // between incremental syncs (local changes go out within seconds anyway)
	NoteLogLimit int      `json:"note_log_limit"` // characters of the Google note: staff's text plus ringcard's call-note log
	NotesInLog   int      `json:"notes_in_log"`   // at most this many latest call notes in that log
	// RequestsPerMinute is the sync's budget of requests to Google a
	// minute. Google allows each user 90 a minute by default (the
	// "Critical read requests" quota, which writes spend too); the default
	// 60 leaves room for the account's other clients. Raise it only with a
	// higher quota granted in the Google Cloud console.
	RequestsPerMinute int `json:"requests_per_minute"`
}

// defaultGoogle is filled in for every field left at zero.
var defaultGoogle = Google{
	TokenFile:    "google-token.json",
	Interval:     Duration(5 * time.Minute),
	NoteLogLimit: 1024,
	NotesInLog:   20,

	RequestsPerMinute: contactsync.DefaultRequestsPerMinute,
}

// validate fills defaults and rejects bad google settings.
func (c *Google) validate() error {
	d := defaultGoogle
	if c.TokenFile == "" {
		c.TokenFile = d.TokenFile
	}
	if c.Interval == 0 {
		c.Interval = d.Interval
	}
	if c.NoteLogLimit == 0 {
		c.NoteLogLimit = d.NoteLogLimit
	}
	if c.NotesInLog == 0 {
		c.NotesInLog = d.NotesInLog
	}
	if c.RequestsPerMinute == 0 {
		c.RequestsPerMinute = d.RequestsPerMinute
	}
	for key, v := range map[string]string{"endpoint": c.Endpoint, "auth_url": c.AuthURL, "token_url": c.TokenURL} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("google.%s %q: want an http(s) URL", key, v)
		}
	}
	if c.Interval.D() < 10*time.Second {
		return fmt.Errorf("google.interval %s: at least 10s", c.Interval)
	}
	if c.NoteLogLimit < 100 {
		return fmt.Errorf("google.note_log_limit %d: at least 100 characters", c.NoteLogLimit)
	}
	if c.NotesInLog < 1 {
		return fmt.Errorf("google.notes_in_log %d: at least 1", c.NotesInLog)
	}
	if c.RequestsPerMinute < 1 || c.RequestsPerMinute > 100000 {
		return fmt.Errorf("google.requests_per_minute %d: between 1 and 100000", c.RequestsPerMinute)
	}
	if c.NoAuth && c.Endpoint == "" {
		return fmt.Errorf("google.no_auth is only for a stand-in: set google.endpoint too")
	}
	return nil
}

// Pace is the sync's request budget a minute (requests_per_minute), the
// default when the config was not validated (tests).
func (c *Google) Pace() int {
	if c.RequestsPerMinute > 0 {
		return c.RequestsPerMinute
	}
	return contactsync.DefaultRequestsPerMinute
}

// Connected reports whether the sync can reach an account: a stand-in
// that wants no credentials, or a stored OAuth token.
func (c *Google) Connected() bool {
	if c.NoAuth {
		return true
	}
	return fileExists(c.TokenFile)
}

// fileExists reports whether something is at path; an error other than
// "not there" (a permission denied) counts as there, so a token that
// cannot be read is reported when the sync opens it, not taken as absent.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}
