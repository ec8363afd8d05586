package hub

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestCorkedTextFrames: messages put straight into a corked connection
// (every length encoding: 7-bit, 16-bit and 64-bit, and larger than the
// cork) reach a real websocket client whole and in order, between messages
// the library writes itself, in one read per corked burst where they fit.
func TestCorkedTextFrames(t *testing.T) {
	sizes := []int{0, 1, 125, 126, 4000, 65535, 65536, 200_000}
	msg := func(n int) []byte { return bytes.Repeat([]byte{'a' + byte(n%26)}, n) }
	c, done := corkServer(t, func(cw *corkWriter, ws *websocket.Conn) error {
		if err := ws.WriteMessage(websocket.TextMessage, []byte("before")); err != nil {
			return err
		}
		cw.conn.cork(time.Now().Add(10 * time.Second))
		for _, n := range sizes {
			cw.conn.startText(n)
			m := msg(n)
			cw.conn.put(m[:n/2]) // a message may be put in parts
			cw.conn.put(m[n/2:])
			if err := cw.conn.endText(); err != nil {
				return err
			}
		}
		if err := cw.conn.uncork(); err != nil {
			return err
		}
		return ws.WriteMessage(websocket.TextMessage, []byte("after"))
	})
	c.SetReadLimit(1 << 20)
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	want := [][]byte{[]byte("before")}
	for _, n := range sizes {
		want = append(want, msg(n))
	}
	want = append(want, []byte("after"))
	for i, w := range want {
		typ, got, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if typ != websocket.TextMessage || !bytes.Equal(got, w) {
			t.Fatalf("message %d: type %d, %d bytes, want text of %d bytes", i, typ, len(got), len(w))
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestCorkNowPartialWrite: a write that must not wait goes out although an
// earlier deadline has passed (an idle phone's); when the socket takes only
// part of it (the phone is not reading), it reports so without waiting, and
// the next write sends the rest first, so the phone reads every message
// whole and in order.
func TestCorkNowPartialWrite(t *testing.T) {
	partial := make(chan struct{})
	c, done := corkServer(t, func(cw *corkWriter, ws *websocket.Conn) error {
		cn := cw.conn
		if !cn.canWriteNow() {
			return fmt.Errorf("a plain TCP connection must take writes that do not wait")
		}
		_ = cn.SetWriteDeadline(time.Now().Add(-time.Second)) // passed while idle
		for i := 0; ; i++ {
			if i == 10_000 {
				return fmt.Errorf("the socket never filled up")
			}
			cn.corkNow()
			cn.startText(32 << 10)
			cn.put(bytes.Repeat([]byte{'a' + byte(i%26)}, 32<<10))
			if err := cn.endText(); err != nil {
				return err
			}
			start := time.Now()
			all, err := cn.uncorkNow()
			if err != nil {
				return fmt.Errorf("message %d: %w", i, err)
			}
			if d := time.Since(start); d > time.Second {
				return fmt.Errorf("message %d: the write waited %v", i, d)
			}
			if !all {
				break // the rest is in the cork
			}
		}
		close(partial)
		_ = ws.SetWriteDeadline(time.Now().Add(30 * time.Second))
		return ws.WriteMessage(websocket.TextMessage, []byte("after")) // writes the rest first
	})
	// Not reading until the server's socket is full: wait for a write that
	// could not go whole.
	select {
	case <-partial:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(30 * time.Second):
		t.Fatal("the socket never took only part of a write")
	}
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	n := 0
	for {
		_, m, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("after %d messages: %v", n, err)
		}
		if string(m) == "after" {
			break
		}
		if len(m) != 32<<10 || m[0] != 'a'+byte(n%26) || m[len(m)-1] != m[0] {
			t.Fatalf("message %d: %d bytes starting %q, want %d bytes of %q", n, len(m), m[0], 32<<10, 'a'+byte(n%26))
		}
		n++
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n < 2 {
		t.Fatalf("only %d messages before the socket filled", n)
	}
}

// TestCorkDeadlines: the corkConn skips setting a write deadline the socket
// already has, and only that: a deadline set before it wrapped the socket
// (the HTTP server's) is cleared when asked, a passed deadline stops
// writes, and a write that must not wait clears it first.
func TestCorkDeadlines(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- nc
	}()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	nc := <-accepted
	if nc == nil {
		t.Fatal("accept failed")
	}
	defer nc.Close()
	passed := time.Now().Add(-time.Second)

	_ = nc.SetWriteDeadline(passed) // as the HTTP server may have, before the upgrade
	c := newCorkConn(nc)
	if err := c.SetDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte("a")); err != nil {
		t.Fatalf("the deadline set before wrapping was not cleared: %v", err)
	}
	for i := 0; i < 2; i++ { // the second time, the corkConn has that deadline already
		_ = c.SetWriteDeadline(passed)
		if _, err := c.Write([]byte("x")); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("round %d: a write after a passed deadline: err = %v, want a timeout", i, err)
		}
	}
	c.corkNow()
	_, _ = c.Write([]byte("b"))
	if all, err := c.uncorkNow(); err != nil || !all {
		t.Fatalf("a write that must not wait, after a passed deadline: all = %v, err = %v", all, err)
	}
	_ = c.SetWriteDeadline(passed)
	if _, err := c.Write([]byte("x")); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("after uncorkNow cleared the deadline, a passed one was not set again: err = %v", err)
	}
	_ = c.SetWriteDeadline(time.Now().Add(time.Minute))
	if _, err := c.Write([]byte("c")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 3)
	_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(client, got); err != nil || string(got) != "abc" {
		t.Fatalf("the phone read %q (%v), want \"abc\"", got, err)
	}
}

// corkServer serves one websocket on a corked connection and dials it:
// serve runs on the server's side with the corkWriter and the upgraded
// socket, and what it returns (nil when it is done) arrives on the channel.
func corkServer(t *testing.T, serve func(cw *corkWriter, ws *websocket.Conn) error) (*websocket.Conn, <-chan error) {
	t.Helper()
	done := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &corkWriter{ResponseWriter: w, hj: w.(http.Hijacker)}
		ws, err := upgrader.Upgrade(cw, r, nil)
		if err != nil {
			done <- err
			return
		}
		defer ws.Close()
		done <- serve(cw, ws)
	}))
	t.Cleanup(srv.Close)
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, done
}
