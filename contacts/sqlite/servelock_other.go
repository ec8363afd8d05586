//go:build !unix

package sqlite

// LockPath is the file a running server holds locked: "<db>.lock".
func LockPath(dbPath string) string { return dbPath + ".lock" }

// LockServe is a no-op where flock does not exist: restore then relies on
// the address probe alone.
func LockServe(dbPath string) (unlock func(), err error) { return func() {}, nil }

// ServeLocked always reports false where flock does not exist.
func ServeLocked(dbPath string) bool { return false }
