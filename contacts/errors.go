package contacts

import (
	"errors"
	"fmt"
)

// Error codes shared by every adapter. They are the protocol's error codes,
// so the HTTP layer maps them to statuses in one table.
const (
	EInvalid       = "invalid_request"
	EInvalidNumber = "invalid_number"
	ENotFound      = "not_found"
	EConflict      = "conflict"
	EUnauthorized  = "unauthorized"
	EForbidden     = "forbidden"
	ERateLimited   = "rate_limited"
	ETooLarge      = "too_large"
	EInternal      = "internal"
)

// Error is a domain error: a stable code a client can branch on and a message
// a person may read. Anything else (driver errors, I/O) is internal and only
// logged.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns a domain error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first domain error in err's chain, or
// EInternal when there is none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err: the domain error's
// message, or a generic text for internal errors (details are never shown).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
