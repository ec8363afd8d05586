package contactsync

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"google.golang.org/api/googleapi"
)

// apiError returns the Google error in err's chain, if any.
func apiError(err error) *googleapi.Error {
	var g *googleapi.Error
	if errors.As(err, &g) {
		return g
	}
	return nil
}

// hasReason reports whether a Google error carries an ErrorInfo reason.
func hasReason(g *googleapi.Error, reason string) bool {
	for _, d := range g.Details {
		if m, ok := d.(map[string]any); ok && m["reason"] == reason {
			return true
		}
	}
	return strings.Contains(g.Body, `"`+reason+`"`)
}

// isExpiredSyncToken: 400 FAILED_PRECONDITION with reason
// EXPIRED_SYNC_TOKEN (older documentation says 410 Gone).
func isExpiredSyncToken(err error) bool {
	g := apiError(err)
	if g == nil {
		return false
	}
	return g.Code == http.StatusGone || (g.Code == http.StatusBadRequest && hasReason(g, "EXPIRED_SYNC_TOKEN"))
}

// isStaleEtag: 400 FAILED_PRECONDITION because someone changed the contact
// since the etag sent.
func isStaleEtag(err error) bool {
	g := apiError(err)
	return g != nil && g.Code == http.StatusBadRequest && strings.Contains(g.Body, "FAILED_PRECONDITION") &&
		strings.Contains(strings.ToLower(g.Message), "etag")
}

func isNotFound(err error) bool {
	g := apiError(err)
	return g != nil && g.Code == http.StatusNotFound
}

func isAlreadyExists(err error) bool {
	g := apiError(err)
	return g != nil && g.Code == http.StatusConflict
}

// retryable reports whether a request may be sent again: quota (429),
// Google's 5xx, and a network that did not answer.
func retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var r rejectedContact
	if errors.As(err, &r) {
		return false
	}
	if g := apiError(err); g != nil {
		return g.Code == http.StatusTooManyRequests || g.Code >= 500
	}
	return true // transport errors: connection refused, reset, EOF
}

// retryAfter reads the Retry-After header (seconds or an HTTP date).
func retryAfter(err error, now time.Time) time.Duration {
	g := apiError(err)
	if g == nil || g.Header == nil {
		return 0
	}
	v := strings.TrimSpace(g.Header.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// backoff is the wait before attempt n+1 (n >= 1): exponential from base,
// capped, with jitter in [d/2, d), and never shorter than Retry-After.
func backoff(n int, base, max time.Duration, jitter float64, after time.Duration) time.Duration {
	d := time.Duration(float64(base) * math.Pow(2, float64(n-1)))
	if d > max || d <= 0 {
		d = max
	}
	d = d/2 + time.Duration(jitter*float64(d/2))
	if after > d {
		d = after
	}
	return d
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// contactError is Google's status for one contact of a refused batch.
type contactError struct {
	Code    int    `json:"code"` // google.rpc.Code: 3 invalid, 5 not found, 9 failed precondition
	Message string `json:"message"`
}

// gRPC codes Google uses in a batch's per-contact statuses.
const (
	rpcNotFound           = 5
	rpcFailedPrecondition = 9
)

// rejectedContact is the error of one contact Google named in a refused
// batch, or refused in its answer: that contact stays queued, the others
// go on.
type rejectedContact struct {
	what string // "create contact", "update contact"
	contactError
}

func (r rejectedContact) Error() string {
	return fmt.Sprintf("%s: Google refused it (%d): %s", r.what, r.Code, r.Message)
}

// stale reports a per-contact stale etag.
func (c contactError) stale() bool {
	return c.Code == rpcFailedPrecondition && strings.Contains(strings.ToLower(c.Message), "etag")
}

// batchErrors reads the contacts Google names when it refuses a whole
// batch: google.people.v1.BatchCreateContactsErrorDetails (keyed by the
// contact's index in the request) or BatchUpdateContactsErrorDetails
// (keyed by resource name). A contact not named would have succeeded.
func batchErrors(err error) map[string]contactError {
	g := apiError(err)
	if g == nil {
		return nil
	}
	out := map[string]contactError{}
	for _, d := range g.Details {
		m, ok := d.(map[string]any)
		if !ok {
			continue
		}
		t, _ := m["@type"].(string)
		if !strings.HasSuffix(t, "BatchCreateContactsErrorDetails") && !strings.HasSuffix(t, "BatchUpdateContactsErrorDetails") {
			continue
		}
		errs, _ := m["contactErrors"].(map[string]any)
		for k, v := range errs {
			st, _ := v.(map[string]any)
			code, _ := st["code"].(float64)
			msg, _ := st["message"].(string)
			out[k] = contactError{Code: int(code), Message: msg}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// isQuota reports a 429: Google's per-minute quota (or its extra quota
// for a full sync's first page) is spent.
func isQuota(err error) bool {
	g := apiError(err)
	return g != nil && g.Code == http.StatusTooManyRequests
}

// isUserQuota reports a 429 for the account's per-minute request quota
// (Google names it "Critical read requests ... per minute per user", or a
// critical write quota), as opposed to the extra quota of a full sync's
// first page.
func isUserQuota(err error) bool {
	g := apiError(err)
	return g != nil && g.Code == http.StatusTooManyRequests && strings.Contains(g.Message, "Critical ")
}
