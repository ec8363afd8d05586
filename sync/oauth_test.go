package contactsync_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	contactsync "github.com/ringcard/ringcard/sync"
)

// tokenServer is a stand-in for Google's token endpoint.
type tokenServer struct {
	mu        sync.Mutex
	verifiers []string
	refreshes int
}

func (ts *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch r.Form.Get("grant_type") {
	case "authorization_code":
		ts.verifiers = append(ts.verifiers, r.Form.Get("code_verifier"))
		if r.Form.Get("code") != "good-code" || r.Form.Get("code_verifier") == "" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		io.WriteString(w, `{"access_token":"access-1","refresh_token":"refresh-1","expires_in":3600,"token_type":"Bearer"}`)
	case "refresh_token":
		ts.refreshes++
		if r.Form.Get("refresh_token") != "refresh-1" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		io.WriteString(w, `{"access_token":"access-2","expires_in":3600,"token_type":"Bearer"}`)
	}
}

func TestConnectLoopbackAndPaste(t *testing.T) {
	ts := &tokenServer{}
	tsrv := httptest.NewServer(ts)
	defer tsrv.Close()
	o := contactsync.OAuth{ClientID: "cid", ClientSecret: "secret", AuthURL: "https://accounts.example/auth", TokenURL: tsrv.URL}

	checkAuthURL := func(t *testing.T, raw string) url.Values {
		t.Helper()
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		for k, want := range map[string]string{"access_type": "offline", "code_challenge_method": "S256", "scope": contactsync.Scope, "client_id": "cid", "prompt": "consent"} {
			if q.Get(k) != want {
				t.Errorf("auth URL %s = %q, want %q", k, q.Get(k), want)
			}
		}
		if q.Get("code_challenge") == "" || !strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:") {
			t.Errorf("auth URL lacks PKCE challenge or loopback redirect: %s", raw)
		}
		return q
	}

	t.Run("loopback", func(t *testing.T) {
		tf := contactsync.TokenFile{Path: filepath.Join(t.TempDir(), "token.json")}
		browser := func(authURL string) { // the browser follows Google's redirect
			q := checkAuthURL(t, authURL)
			go func() {
				resp, err := http.Get(q.Get("redirect_uri") + "?state=" + q.Get("state") + "&code=good-code")
				if err == nil {
					resp.Body.Close()
				}
			}()
		}
		tok, err := o.Connect(context.Background(), tf, contactsync.ConnectIO{Out: io.Discard, OpenBrowser: browser})
		if err != nil {
			t.Fatal(err)
		}
		if tok.RefreshToken != "refresh-1" {
			t.Errorf("token = %+v", tok)
		}
		checkTokenFile(t, tf.Path, "access-1", "refresh-1")
	})

	t.Run("paste", func(t *testing.T) {
		tf := contactsync.TokenFile{Path: filepath.Join(t.TempDir(), "token.json")}
		pr, pw := io.Pipe()
		browser := func(authURL string) { // elsewhere; the person pastes the address the browser ended on
			q := checkAuthURL(t, authURL)
			go io.WriteString(pw, "\n"+q.Get("redirect_uri")+"?state="+q.Get("state")+"&code=good-code&scope=x\n")
		}
		if _, err := o.Connect(context.Background(), tf, contactsync.ConnectIO{Out: io.Discard, In: pr, OpenBrowser: browser}); err != nil {
			t.Fatal(err)
		}
		checkTokenFile(t, tf.Path, "access-1", "refresh-1")
	})

	t.Run("wrong state", func(t *testing.T) {
		tf := contactsync.TokenFile{Path: filepath.Join(t.TempDir(), "token.json")}
		pr, pw := io.Pipe()
		browser := func(authURL string) {
			q := checkAuthURL(t, authURL)
			go io.WriteString(pw, q.Get("redirect_uri")+"?state=forged&code=good-code\n")
		}
		if _, err := o.Connect(context.Background(), tf, contactsync.ConnectIO{Out: io.Discard, In: pr, OpenBrowser: browser}); err == nil {
			t.Fatal("connect accepted a forged state")
		}
		if _, err := os.Stat(tf.Path); err == nil {
			t.Error("token saved after a failed connect")
		}
	})
}

func TestRefreshedTokenIsSaved(t *testing.T) {
	ts := &tokenServer{}
	tsrv := httptest.NewServer(ts)
	defer tsrv.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Header.Get("Authorization"))
	}))
	defer api.Close()
	tf := contactsync.TokenFile{Path: filepath.Join(t.TempDir(), "token.json")}
	if err := tf.Save(&oauth2.Token{AccessToken: "access-1", RefreshToken: "refresh-1", TokenType: "Bearer", Expiry: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	o := contactsync.OAuth{ClientID: "cid", ClientSecret: "secret", TokenURL: tsrv.URL}
	c, err := o.HTTPClient(context.Background(), tf)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		resp, err := c.Get(api.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "Bearer access-2" {
			t.Fatalf("Authorization = %q, want the refreshed token", b)
		}
	}
	if ts.refreshes != 1 {
		t.Errorf("refreshes = %d, want 1", ts.refreshes)
	}
	checkTokenFile(t, tf.Path, "access-2", "refresh-1")
}

func checkTokenFile(t *testing.T, path, access, refresh string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode = %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	var tok oauth2.Token
	if err := json.Unmarshal(b, &tok); err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != access || tok.RefreshToken != refresh {
		t.Errorf("stored token = %q/%q, want %q/%q", tok.AccessToken, tok.RefreshToken, access, refresh)
	}
}
