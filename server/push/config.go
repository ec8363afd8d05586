package push

import (
	"log/slog"
	"time"
)

// Clock is the time source of a Dispatcher; tests may supply a fake.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives once d has elapsed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the Clock of package time.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Config configures a Dispatcher. Only Sender is required.
type Config struct {
	// Sender delivers messages; required.
	Sender Sender
	// QueueSize bounds the queued messages, retries included (default 1024).
	QueueSize int
	// Workers is the number of concurrent senders (default 2).
	Workers int
	// MaxAttempts bounds the sends of one message (default 6).
	MaxAttempts int
	// BaseBackoff is the first retry delay when the server gives no
	// Retry-After; it doubles per attempt, with jitter (default 1s).
	BaseBackoff time.Duration
	// MaxBackoff caps the retry delay (default 5m).
	MaxBackoff time.Duration
	// QuotaPause is the minimum pause after QUOTA_EXCEEDED without a
	// Retry-After header (default 60s, as FCM recommends).
	QuotaPause time.Duration
	// SendTimeout bounds one Sender.Send call (default 30s).
	SendTimeout time.Duration
	// TTLs sets how long messages stay worth sending; the Dispatcher gives
	// up after that and sends each attempt with the remaining TTL
	// (default DefaultTTLs()).
	TTLs TTLs
	// OnUnregistered is called once per unregistered token (queued
	// messages for it are dropped); the owner should delete the token.
	OnUnregistered func(token string)
	// OnResult is called with the final outcome of every message that was
	// attempted: nil on success, else the last error (wrapping
	// ErrUnregistered, ErrExpired, ErrPermanent, ...). Useful for device
	// health. Coalesced, dropped and abandoned messages get no call.
	OnResult func(token string, err error)
	// Logger receives diagnostics (default slog.Default()).
	Logger *slog.Logger
	// Clock is the time source (default SystemClock{}).
	Clock Clock
}

func (c Config) withDefaults() Config {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if c.QueueSize <= 0 {
		c.QueueSize = 1024
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 6
	}
	def(&c.BaseBackoff, time.Second)
	def(&c.MaxBackoff, 5*time.Minute)
	def(&c.QuotaPause, time.Minute)
	def(&c.SendTimeout, 30*time.Second)
	if c.OnUnregistered == nil {
		c.OnUnregistered = func(string) {}
	}
	if c.OnResult == nil {
		c.OnResult = func(string, error) {}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	return c
}
