package tlsconf_test

import (
	"crypto/tls"
	"net"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ringcard/ringcard/server/tlsconf"
)

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReconnectHandshake: what a phone's reconnect costs in TLS,
// client and server together, over loopback with ringcard's own ECDSA
// P-256 certificate: a full handshake (no session cache) against a resumed
// one (the client's session cache, as mobile-protocol/client keeps it).
// Each op is a TCP connect, the handshake and one byte each way (which
// also takes in the server's session tickets).
func BenchmarkReconnectHandshake(b *testing.B) {
	tr, err := tlsconf.Setup(tlsconf.Config{Mode: "self-signed"}, tlsconf.Options{Addr: "127.0.0.1:0", DB: filepath.Join(b.TempDir(), "r.db"), Log: quiet})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				tc := tls.Server(c, tr.TLS)
				_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
				buf := make([]byte, 1)
				if _, err := tc.Read(buf); err == nil {
					_, _ = tc.Write(buf)
				}
			}()
		}
	}()
	for _, tc := range []struct {
		name  string
		cache tls.ClientSessionCache
	}{{"full", nil}, {"resumed", tls.NewLRUClientSessionCache(8)}} {
		b.Run(tc.name, func(b *testing.B) {
			cfg := &tls.Config{InsecureSkipVerify: true, ClientSessionCache: tc.cache}
			resumed := 0
			var cpu0 time.Duration
			for i := 0; i < b.N+1; i++ {
				if i == 1 {
					b.ResetTimer() // the first connection fills the cache
					cpu0 = cpuTime(b)
				}
				c, err := tls.Dial("tcp", ln.Addr().String(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				buf := []byte{1}
				if _, err := c.Write(buf); err != nil {
					b.Fatal(err)
				}
				if _, err := c.Read(buf); err != nil {
					b.Fatal(err)
				}
				if i > 0 && c.ConnectionState().DidResume {
					resumed++
				}
				c.Close()
			}
			b.ReportMetric(float64(resumed)/float64(b.N), "resumed/op")
			// CPU time (client and server, this process) per reconnect: less
			// disturbed than wall time when other work shares the machine.
			b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}
