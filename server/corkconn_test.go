package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
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
	done := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &corkWriter{ResponseWriter: w, hj: w.(http.Hijacker)}
		ws, err := upgrader.Upgrade(cw, r, nil)
		if err != nil {
			done <- err
			return
		}
		defer ws.Close()
		if err := ws.WriteMessage(websocket.TextMessage, []byte("before")); err != nil {
			done <- err
			return
		}
		cw.conn.cork(time.Now().Add(10 * time.Second))
		for _, n := range sizes {
			cw.conn.startText(n)
			m := msg(n)
			cw.conn.put(m[:n/2]) // a message may be put in parts
			cw.conn.put(m[n/2:])
			if err := cw.conn.endText(); err != nil {
				done <- err
				return
			}
		}
		if err := cw.conn.uncork(); err != nil {
			done <- err
			return
		}
		done <- ws.WriteMessage(websocket.TextMessage, []byte("after"))
	}))
	defer srv.Close()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
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
