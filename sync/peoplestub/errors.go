package peoplestub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Messages and values Google's People API uses on the wire.
const (
	// MsgNotFound is the message of Google's 404 NOT_FOUND body.
	MsgNotFound = "Requested entity was not found."
	// MsgInvalidArgument is Google's generic INVALID_ARGUMENT message.
	MsgInvalidArgument = "Request contains an invalid argument."
	// MsgExpiredSyncToken is the message of the expired-sync-token error.
	MsgExpiredSyncToken = "Sync token is expired. Clear local cache and retry call without the sync token."
	// MsgEtagMismatch is the message of a stale-etag updateContact.
	MsgEtagMismatch = "Request person.etag is different than the current person.etag. Clear local cache and get the latest person."
	// MsgContactLimit is the message used when the 25,000 contact limit
	// is reached. The real wording could not be confirmed from public
	// sources; the status (400 FAILED_PRECONDITION) is the stub's choice.
	MsgContactLimit = "Contact limit exceeded: an account may hold at most 25000 contacts."
	// MsgRateLimit is the message of the 429 RESOURCE_EXHAUSTED body when
	// the per-minute quota is spent, as Google words it.
	MsgRateLimit = "Quota exceeded for quota metric 'Critical read requests (Contact and Profile Reads)' and limit 'Critical read requests (Contact and Profile Reads) per minute per user' of service 'people.googleapis.com' for consumer 'project_number:0'."
	// MsgFullSyncQuota is the message of the 429 for the extra quota of a
	// full sync's first page. Google documents that quota (fixed, cannot
	// be increased) but not its wording: this is the stub's, in Google's
	// usual form.
	MsgFullSyncQuota = "Quota exceeded for quota metric 'Full sync requests' and limit 'Full sync requests per minute per user' of service 'people.googleapis.com' for consumer 'project_number:0'."
	// ReasonExpiredSyncToken is the google.rpc.ErrorInfo reason of an
	// expired sync token.
	ReasonExpiredSyncToken = "EXPIRED_SYNC_TOKEN"
)

// errorInfo is a google.rpc.ErrorInfo detail entry.
type errorInfo struct {
	Type     string            `json:"@type"`
	Reason   string            `json:"reason"`
	Domain   string            `json:"domain"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// helpLinks is a google.rpc.Help detail entry.
type helpLinks struct {
	Type  string `json:"@type"`
	Links []link `json:"links"`
}

type link struct {
	Description string `json:"description"`
	URL         string `json:"url"`
}

// rpcStatus is a google.rpc.Status: one contact's error in a refused batch.
type rpcStatus struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// batchErrorDetails is google.people.v1.BatchCreateContactsErrorDetails
// (keys: the contact's index in the request) or
// BatchUpdateContactsErrorDetails (keys: resource names): the contacts
// that made Google refuse a whole batch. A contact not named would have
// succeeded.
type batchErrorDetails struct {
	Type          string               `json:"@type"`
	ContactErrors map[string]rpcStatus `json:"contactErrors"`
}

// apiError is a Google JSON error, written as {"error":{...}}.
type apiError struct {
	Code       int    `json:"code"`
	Message    string `json:"message"`
	Status     string `json:"status"`
	Details    []any  `json:"details,omitempty"`
	retryAfter time.Duration
}

func (e *apiError) Error() string {
	return fmt.Sprintf("peoplestub: %d %s: %s", e.Code, e.Status, e.Message)
}

func newErr(code int, status, msg string) *apiError {
	return &apiError{Code: code, Status: status, Message: msg}
}

func errNotFound() *apiError { return newErr(http.StatusNotFound, "NOT_FOUND", MsgNotFound) }

func errInvalid(msg string) *apiError {
	if msg == "" {
		msg = MsgInvalidArgument
	}
	return newErr(http.StatusBadRequest, "INVALID_ARGUMENT", msg)
}

func errPrecondition(msg string) *apiError {
	return newErr(http.StatusBadRequest, "FAILED_PRECONDITION", msg)
}

func errExpiredSyncToken() *apiError {
	e := errPrecondition(MsgExpiredSyncToken)
	e.Details = []any{errorInfo{
		Type:   "type.googleapis.com/google.rpc.ErrorInfo",
		Reason: ReasonExpiredSyncToken,
		Domain: "people.googleapis.com",
	}}
	return e
}

// statusError builds the body Google sends for an injected failure status.
func statusError(code int, retryAfter time.Duration) *apiError {
	var e *apiError
	switch code {
	case http.StatusTooManyRequests:
		e = errQuota(quotaCritical, 90)
	case http.StatusInternalServerError:
		e = newErr(code, "INTERNAL", "Internal error encountered.")
	case http.StatusServiceUnavailable:
		e = newErr(code, "UNAVAILABLE", "The service is currently unavailable.")
	case http.StatusBadGateway:
		e = newErr(code, "UNAVAILABLE", "Bad Gateway")
	case http.StatusGatewayTimeout:
		e = newErr(code, "DEADLINE_EXCEEDED", "The request timed out.")
	case http.StatusUnauthorized:
		e = newErr(code, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
	case http.StatusForbidden:
		e = newErr(code, "PERMISSION_DENIED", "The caller does not have permission")
	default:
		e = newErr(code, "UNKNOWN", http.StatusText(code))
	}
	e.retryAfter = retryAfter
	return e
}

// quota names one of the per-minute quotas the stub enforces.
type quota struct {
	msg    string // Google's message
	metric string // ErrorInfo metadata quota_metric
	limit  string // ErrorInfo metadata quota_limit
}

var (
	// quotaCritical is the per-user quota people meet in practice; writes
	// (which read the contact back) spend it too.
	quotaCritical = quota{MsgRateLimit, "people.googleapis.com/critical_read_requests", "CriticalReadRequestsPerMinutePerUser"}
	quotaFullSync = quota{MsgFullSyncQuota, "people.googleapis.com/full_sync_requests", "FullSyncRequestsPerMinutePerUser"}
)

// errQuota is Google's 429 RESOURCE_EXHAUSTED for a spent quota: an
// ErrorInfo with reason RATE_LIMIT_EXCEEDED and the quota's metadata, and
// a Help link (the shape every Google API answers quota errors with; the
// metric and limit ids are the stub's best reading of the console names).
func errQuota(q quota, perMinute int) *apiError {
	e := newErr(http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", q.msg)
	e.Details = []any{
		errorInfo{
			Type: "type.googleapis.com/google.rpc.ErrorInfo", Reason: "RATE_LIMIT_EXCEEDED", Domain: "googleapis.com",
			Metadata: map[string]string{
				"quota_location": "global", "quota_metric": q.metric, "quota_limit": q.limit,
				"quota_limit_value": strconv.Itoa(perMinute), "consumer": "projects/0", "service": "people.googleapis.com",
			},
		},
		helpLinks{Type: "type.googleapis.com/google.rpc.Help", Links: []link{{
			Description: "Request a higher quota limit.",
			URL:         "https://cloud.google.com/docs/quotas/help/request_increase",
		}}},
	}
	return e
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b = []byte(`{"error":{"code":500,"message":"Internal error encountered.","status":"INTERNAL"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.retryAfter > 0 {
		secs := int((e.retryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	writeJSON(w, e.Code, struct {
		Error *apiError `json:"error"`
	}{e})
}
