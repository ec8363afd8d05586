//go:build unix

package hub

import (
	"errors"
	"net"
	"syscall"
)

// rawSocket is nc's socket, for writes that must not wait, or nil when nc
// is not a plain socket (TLS).
func rawSocket(nc net.Conn) syscall.RawConn {
	if sc, ok := nc.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			return raw
		}
	}
	return nil
}

// writeNoWait writes b to the socket with one system call that never waits
// for it: n is what the socket took, and a full socket is not an error.
func writeNoWait(raw syscall.RawConn, b []byte) (int, error) {
	var n int
	var werr error
	if err := raw.Write(func(fd uintptr) bool {
		for {
			n, werr = syscall.Write(int(fd), b)
			if werr != syscall.EINTR {
				return true // never wait for the socket
			}
		}
	}); err != nil {
		return 0, err
	}
	if n < 0 {
		n = 0
	}
	if werr != nil && !errors.Is(werr, syscall.EAGAIN) {
		return n, werr
	}
	return n, nil
}
