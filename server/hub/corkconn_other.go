//go:build !unix

package hub

import (
	"errors"
	"net"
	"syscall"
)

// rawSocket is nil off Unix: every phone is written by its own goroutine
// (canWriteNow is false).
func rawSocket(net.Conn) syscall.RawConn { return nil }

// writeNoWait is never called off Unix (rawSocket gives no socket).
func writeNoWait(syscall.RawConn, []byte) (int, error) {
	return 0, errors.New("writes that do not wait need a Unix socket")
}
