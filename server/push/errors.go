package push

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"firebase.google.com/go/v4/errorutils"
	"firebase.google.com/go/v4/messaging"
)

// ErrUnregistered means the token is no longer valid; the owner should
// drop it. Errors for which errors.Is(err, ErrUnregistered) holds are never
// retried.
var ErrUnregistered = errors.New("push: token unregistered")

// ErrPermanent is wrapped by failures that retrying cannot fix, such as an
// invalid argument or a sender id mismatch.
var ErrPermanent = errors.New("push: permanent failure")

// ErrSenderIDMismatch means the token belongs to another Firebase project.
// It wraps ErrPermanent; the token is not dropped because the cause may be
// this server's configuration rather than the device.
var ErrSenderIDMismatch = fmt.Errorf("%w: sender id mismatch", ErrPermanent)

// RetryableError is a transient failure: quota exceeded, FCM unavailable or
// internal, a timeout or a network error.
type RetryableError struct {
	// RetryAfter is the server's requested wait, zero when it gave none
	// (the Dispatcher then backs off exponentially).
	RetryAfter time.Duration
	// Quota is set for QUOTA_EXCEEDED; the whole project is throttled, so
	// the Dispatcher pauses all sending, not just this message.
	Quota bool
	// Err is the underlying error.
	Err error
}

// Error implements error.
func (e *RetryableError) Error() string {
	s := "push: retryable"
	if e.Quota {
		s += " (quota exceeded)"
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" after %s", e.RetryAfter)
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *RetryableError) Unwrap() error { return e.Err }

// IsRetryable reports whether err is, or wraps, a *RetryableError.
func IsRetryable(err error) bool {
	var re *RetryableError
	return errors.As(err, &re)
}

// classify maps an error returned by messaging.Client.Send to the typed
// errors of this package. It must see the SDK's error unwrapped: the
// messaging.IsX helpers use a plain type assertion.
func classify(err error, now time.Time) error {
	switch {
	case err == nil:
		return nil
	case messaging.IsUnregistered(err):
		return fmt.Errorf("%w: %w", ErrUnregistered, err)
	case messaging.IsSenderIDMismatch(err):
		return fmt.Errorf("%w: %w", ErrSenderIDMismatch, err)
	case messaging.IsQuotaExceeded(err), errorutils.IsResourceExhausted(err):
		return &RetryableError{Quota: true, RetryAfter: retryAfter(err, now), Err: err}
	case messaging.IsUnavailable(err), messaging.IsInternal(err),
		errorutils.IsUnavailable(err), errorutils.IsInternal(err),
		errorutils.IsDeadlineExceeded(err), errorutils.IsUnknown(err),
		errors.Is(err, context.DeadlineExceeded):
		// Unknown covers network errors and unmapped statuses such as 502.
		return &RetryableError{RetryAfter: retryAfter(err, now), Err: err}
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("push: send canceled: %w", err)
	default:
		return fmt.Errorf("%w: %w", ErrPermanent, err)
	}
}

// retryAfter reads the Retry-After header (seconds or HTTP date) of the
// response behind err, or returns 0.
func retryAfter(err error, now time.Time) time.Duration {
	resp := errorutils.HTTPResponse(err)
	if resp == nil {
		return 0
	}
	return parseRetryAfter(resp.Header.Get("Retry-After"), now)
}

// parseRetryAfter parses a Retry-After value: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
