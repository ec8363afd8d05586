package server_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/tlsconf"
)

func selfSigned(c *config.Config) { c.TLS.Mode = tlsconf.ModeSelfSigned }

// pinnedPhone pairs a phone from a pairing link, as the app does from the
// QR code: server, code and pin all come from the link.
func pinnedPhone(t *testing.T, e *testEnv, name string) *client.Client {
	t.Helper()
	ctx := context.Background()
	to := server.PairTarget{URL: e.URL, Pin: e.Srv.Transport().Pin}
	pc, err := server.CreatePairCodeFor(ctx, e.DB, name, to, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	link, err := protocol.ParsePairLink(pc.URL)
	if err != nil {
		t.Fatalf("parse %s: %v", pc.URL, err)
	}
	if link.Pin == "" || link.Pin != to.Pin || !strings.HasPrefix(link.Server, "https://") {
		t.Fatalf("pairing link %s: want the https server and pin %s", pc.URL, to.Pin)
	}
	c := client.New(link.Server, "", client.WithPin(link.Pin))
	if _, err := c.Pair(ctx, protocol.PairRequest{Code: link.Code, DeviceName: name, Platform: "android"}); err != nil {
		t.Fatalf("pair over https: %v", err)
	}
	return c
}

// A phone pairs over HTTPS with the pin from the code, reports a call over
// REST and over the websocket, and every answer carries HSTS.
func TestTLSPairAndCallWithPin(t *testing.T) {
	e := newEnv(t, true, selfSigned)
	if !strings.HasPrefix(e.URL, "https://") {
		t.Fatalf("URL %s: want https", e.URL)
	}
	c := pinnedPhone(t, e, "Anna")
	ctx := context.Background()
	card, err := c.StartCall(ctx, callReq("+39 02 1234 5678", time.Now()))
	if err != nil {
		t.Fatalf("call over https: %v", err)
	}
	if card.Number == nil {
		t.Errorf("card has no number: %+v", card)
	}
	s, err := c.Connect(ctx)
	if err != nil {
		t.Fatalf("wss: %v", err)
	}
	defer s.Close()
	if tc, ok := s.Conn().UnderlyingConn().(*tls.Conn); !ok || !tc.ConnectionState().HandshakeComplete {
		t.Fatalf("websocket is not over TLS: %T", s.Conn().UnderlyingConn())
	}
	id, err := s.Resume(0)
	if err != nil {
		t.Fatal(err)
	}
	if env, err := s.Await(id, 5*time.Second, nil); err != nil || env.Type != protocol.TypeOK {
		t.Fatalf("resume over wss: %+v %v", env, err)
	}

	req, _ := http.NewRequest(http.MethodGet, e.URL+"/api/v1/device", nil)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Errorf("Strict-Transport-Security = %q, want max-age=31536000", got)
	}
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("answer not over TLS 1.2+: %+v", resp.TLS)
	}
}

// A client pinned to another key refuses the server during the handshake:
// the server reads no request, so neither the pairing code nor a token
// ever leaves the phone.
func TestTLSPinMismatchRefusedBeforeAnythingIsSent(t *testing.T) {
	e := newEnv(t, false, selfSigned)
	other := newEnv(t, false, selfSigned) // another database, another key
	if e.Srv.Transport().Pin == other.Srv.Transport().Pin {
		t.Fatal("two servers made the same key")
	}
	// A TLS server with the other key that records every byte of
	// application data it receives.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	received := make(chan string, 4)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				tc := tls.Server(conn, other.Srv.Transport().TLS)
				_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
				b, _ := io.ReadAll(tc)
				received <- string(b)
			}()
		}
	}()
	url := "https://" + ln.Addr().String()
	pc, err := server.CreatePairCodeFor(context.Background(), e.DB, "Bruno", server.PairTarget{URL: url, Pin: e.Srv.Transport().Pin}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	link, _ := protocol.ParsePairLink(pc.URL)
	c := client.New(link.Server, "rct_secret_token_that_must_not_leak", client.WithPin(link.Pin))
	_, err = c.Pair(context.Background(), protocol.PairRequest{Code: link.Code, DeviceName: "x"})
	if !errors.Is(err, client.ErrPinMismatch) {
		t.Fatalf("pair with a foreign key: err = %v, want ErrPinMismatch", err)
	}
	if _, err := c.Connect(context.Background()); !errors.Is(err, client.ErrPinMismatch) {
		t.Fatalf("websocket to a foreign key: err = %v, want ErrPinMismatch", err)
	}
	for i := 0; i < 2; i++ {
		select {
		case got := <-received:
			if got != "" {
				t.Fatalf("the foreign server received %q", got)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the foreign server saw no connection")
		}
	}
	// The code was never used: the right server still takes it.
	right := client.New(e.URL, "", client.WithPin(link.Pin))
	if _, err := right.Pair(context.Background(), protocol.PairRequest{Code: link.Code, DeviceName: "x"}); err != nil {
		t.Fatalf("pair with the right server after the refusal: %v", err)
	}
}

// Plain HTTP to the TLS port gets no data: an API request (even with a
// token) gets 400 https_required without being read, a page GET is sent
// to https.
func TestTLSPlainHTTPGetsNoData(t *testing.T) {
	e := newEnv(t, true, selfSigned)
	c := pinnedPhone(t, e, "Carla")
	addr := strings.TrimPrefix(e.URL, "https://")
	send := func(req string) (*http.Response, string) {
		t.Helper()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(conn, req); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("read answer: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := send("GET /api/v1/cards/lookup?number=%2B390212345678 HTTP/1.1\r\nHost: " + addr + "\r\nAuthorization: Bearer " + c.Token + "\r\n\r\n")
	var er protocol.ErrorResponse
	if resp.StatusCode != http.StatusBadRequest || json.Unmarshal([]byte(body), &er) != nil || er.Error.Code != protocol.CodeHTTPSRequired {
		t.Fatalf("plain API request: %d %s, want 400 https_required", resp.StatusCode, body)
	}
	if err := protocol.ValidateJSON("error", []byte(body)); err != nil {
		t.Errorf("not the protocol's error shape: %v", err)
	}
	if strings.Contains(body, "Anna") || strings.Contains(body, "card") {
		t.Errorf("plain answer carries data: %s", body)
	}
	resp, _ = send("GET /devices?x=1 HTTP/1.1\r\nHost: " + addr + "\r\n\r\n")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "https://"+addr+"/devices?x=1" {
		t.Fatalf("plain page GET: %d Location %q, want 301 to https", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = send("POST /api/v1/pair HTTP/1.1\r\nHost: " + addr + "\r\nContent-Length: 2\r\n\r\n{}")
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("plain POST: %d, want 400", resp.StatusCode)
	}
	// And the TLS side of the same port still works.
	if _, err := c.Lookup(context.Background(), "+390212345678"); err != nil {
		t.Fatalf("lookup over https after plain attempts: %v", err)
	}
}

// On loopback with nothing configured the server stays plain HTTP, with no
// HSTS and no pin: the README's quick start is unchanged.
func TestLoopbackDefaultStaysPlain(t *testing.T) {
	e := newEnv(t, false)
	tr := e.Srv.Transport()
	if tr.Mode != tlsconf.ModePlain || tr.Encrypted() || tr.Pin != "" || !strings.HasPrefix(e.URL, "http://") {
		t.Fatalf("loopback default: mode %s, pin %q, url %s; want plain", tr.Mode, tr.Pin, e.URL)
	}
	resp, err := http.Get(e.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS over plain HTTP")
	}
	if got := e.Cfg.BaseURL(); !strings.HasPrefix(got, "http://127.0.0.1:") {
		t.Errorf("BaseURL = %s, want http://127.0.0.1:...", got)
	}
}

// Behind a proxy, X-Forwarded-Proto is believed from trusted_proxies only:
// HSTS follows it, and a client that claims https itself is not believed.
func TestProxyModeTrustsForwardedProtoFromProxiesOnly(t *testing.T) {
	for _, tc := range []struct {
		name    string
		proxies []string
		hsts    bool
	}{{"trusted", []string{"127.0.0.1"}, true}, {"untrusted", []string{"10.9.9.9"}, false}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, false, func(c *config.Config) {
				c.TLS.Mode, c.PublicURL, c.TrustedProxies = tlsconf.ModeProxy, "https://ringcard.example.com", tc.proxies
			})
			if !strings.HasPrefix(e.URL, "http://") {
				t.Fatalf("proxy mode must listen plain, URL %s", e.URL)
			}
			req, _ := http.NewRequest(http.MethodGet, e.URL+"/healthz", nil)
			req.Header.Set("X-Forwarded-Proto", "https")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Strict-Transport-Security") != ""; got != tc.hsts {
				t.Errorf("HSTS sent = %v, want %v", got, tc.hsts)
			}
		})
	}
}

// A reconnecting phone resumes its TLS session (the client keeps a session
// cache; the server issues tickets), and the pin is still checked on the
// resumed connection.
func TestTLSReconnectResumesSession(t *testing.T) {
	e := newEnv(t, false, selfSigned)
	c := pinnedPhone(t, e, "Dario") // the pairing request leaves a ticket in the cache
	ctx := context.Background()
	var resumed bool
	for i := 0; i < 3 && !resumed; i++ {
		s, err := c.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := s.Resume(0)
		if _, err := s.Await(id, 5*time.Second, nil); err != nil { // reading also takes in the server's tickets
			t.Fatal(err)
		}
		resumed = s.Conn().UnderlyingConn().(*tls.Conn).ConnectionState().DidResume
		s.Close()
	}
	if !resumed {
		t.Fatal("three reconnects, none resumed the TLS session")
	}
	// Another pin is refused (the check is in VerifyConnection, which
	// crypto/tls also runs on resumed sessions).
	other := client.New(e.URL, c.Token, client.WithPin("sha256/"+strings.Repeat("B", 43)+"="))
	if _, err := other.Connect(ctx); !errors.Is(err, client.ErrPinMismatch) {
		t.Fatalf("wrong pin: %v", err)
	}
}
