//go:build unix

package main

import "syscall"

// privateUmask makes every file the process creates readable by its user
// only (the database, its WAL, backups, tokens, keys, exports), whatever
// the shell's umask: they hold every client and the password hashes.
func privateUmask() { syscall.Umask(0o077) }
