package fcmstub

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// ErrorKind names an FCM HTTP v1 failure the stub can inject. The value is
// the FcmError errorCode FCM reports in the error details.
type ErrorKind string

// Error kinds with the HTTP status and google.rpc status FCM pairs them with.
const (
	// Unregistered is 404 NOT_FOUND: the token is no longer valid.
	Unregistered ErrorKind = "UNREGISTERED"
	// QuotaExceeded is 429 RESOURCE_EXHAUSTED, usually with Retry-After.
	QuotaExceeded ErrorKind = "QUOTA_EXCEEDED"
	// Unavailable is 503 UNAVAILABLE: FCM is overloaded.
	Unavailable ErrorKind = "UNAVAILABLE"
	// Internal is 500 INTERNAL: an unknown FCM server error.
	Internal ErrorKind = "INTERNAL"
	// InvalidArgument is 400 INVALID_ARGUMENT: the request was malformed.
	InvalidArgument ErrorKind = "INVALID_ARGUMENT"
	// SenderIDMismatch is 403 PERMISSION_DENIED: the token belongs to
	// another sender.
	SenderIDMismatch ErrorKind = "SENDER_ID_MISMATCH"
)

const fcmErrorType = "type.googleapis.com/google.firebase.fcm.v1.FcmError"

type errorShape struct {
	code    int
	status  string
	message string
}

// shapeOf returns the HTTP code, status and message FCM sends for kind.
func shapeOf(kind ErrorKind) (errorShape, bool) {
	switch kind {
	case Unregistered:
		return errorShape{http.StatusNotFound, "NOT_FOUND", "Requested entity was not found."}, true
	case QuotaExceeded:
		return errorShape{http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Send requests' and limit 'Send requests per minute'."}, true
	case Unavailable:
		return errorShape{http.StatusServiceUnavailable, "UNAVAILABLE", "The service is currently unavailable."}, true
	case Internal:
		return errorShape{http.StatusInternalServerError, "INTERNAL", "Internal error encountered."}, true
	case InvalidArgument:
		return errorShape{http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument."}, true
	case SenderIDMismatch:
		return errorShape{http.StatusForbidden, "PERMISSION_DENIED", "SenderId mismatch"}, true
	}
	return errorShape{}, false
}

// Known reports whether the stub can produce errors of kind k.
func (k ErrorKind) Known() bool {
	_, ok := shapeOf(k)
	return ok
}

type errDetail struct {
	Type            string           `json:"@type"`
	ErrorCode       string           `json:"errorCode,omitempty"`
	FieldViolations []fieldViolation `json:"fieldViolations,omitempty"`
}

type fieldViolation struct {
	Field       string `json:"field"`
	Description string `json:"description"`
}

type errBody struct {
	Error struct {
		Code    int         `json:"code"`
		Message string      `json:"message"`
		Status  string      `json:"status"`
		Details []errDetail `json:"details,omitempty"`
	} `json:"error"`
}

// writeKind writes FCM's error body for kind, with a Retry-After header
// (whole seconds, rounded up) when retryAfter is positive.
func writeKind(w http.ResponseWriter, kind ErrorKind, retryAfter time.Duration) {
	s, _ := shapeOf(kind)
	var b errBody
	b.Error.Code, b.Error.Status, b.Error.Message = s.code, s.status, s.message
	b.Error.Details = []errDetail{{Type: fcmErrorType, ErrorCode: string(kind)}}
	if retryAfter > 0 {
		secs := (retryAfter + time.Second - 1) / time.Second
		w.Header().Set("Retry-After", strconv.FormatInt(int64(secs), 10))
	}
	writeJSON(w, s.code, b)
}

// writeBadRequest writes a 400 INVALID_ARGUMENT naming the offending field,
// shaped like FCM's google.rpc.BadRequest answers.
func writeBadRequest(w http.ResponseWriter, field, description string) {
	var b errBody
	b.Error.Code, b.Error.Status, b.Error.Message = http.StatusBadRequest, "INVALID_ARGUMENT", description
	b.Error.Details = []errDetail{
		{Type: "type.googleapis.com/google.rpc.BadRequest", FieldViolations: []fieldViolation{{Field: field, Description: description}}},
		{Type: fcmErrorType, ErrorCode: string(InvalidArgument)},
	}
	writeJSON(w, http.StatusBadRequest, b)
}

// writeStatus writes a plain google.rpc error without FCM details, as the
// front end does for unknown paths or methods.
func writeStatus(w http.ResponseWriter, code int, status, message string) {
	var b errBody
	b.Error.Code, b.Error.Status, b.Error.Message = code, status, message
	writeJSON(w, code, b)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
