package contactsync

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"golang.org/x/oauth2"

	"github.com/ringcard/ringcard/internal/fsperm"
)

// Scope is the one OAuth scope the sync needs: read and write contacts.
const Scope = "https://www.googleapis.com/auth/contacts"

// Google's OAuth endpoints for installed apps.
const (
	GoogleAuthURL  = "https://accounts.google.com/o/oauth2/auth"
	GoogleTokenURL = "https://oauth2.googleapis.com/token"
)

// OAuth is the installed-app OAuth client ("Desktop app" in Google Cloud).
type OAuth struct {
	ClientID     string
	ClientSecret string
	AuthURL      string // "" is Google's
	TokenURL     string // "" is Google's
}

func (o OAuth) config(redirect string) *oauth2.Config {
	ep := oauth2.Endpoint{AuthURL: o.AuthURL, TokenURL: o.TokenURL}
	if ep.AuthURL == "" {
		ep.AuthURL = GoogleAuthURL
	}
	if ep.TokenURL == "" {
		ep.TokenURL = GoogleTokenURL
	}
	return &oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, Endpoint: ep, RedirectURL: redirect, Scopes: []string{Scope}}
}

// TokenFile keeps the OAuth token (with its refresh token) in a file only
// its owner can read (mode 0600), replaced atomically on every save.
type TokenFile struct {
	Path string
}

// Load reads the token; a missing file is an error wrapping fs.ErrNotExist.
func (f TokenFile) Load() (*oauth2.Token, error) {
	if err := fsperm.Tighten(slog.Default(), f.Path); err != nil {
		return nil, fmt.Errorf("read google token: %w", err)
	}
	b, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, fmt.Errorf("read google token: %w", err)
	}
	t := &oauth2.Token{}
	if err := json.Unmarshal(b, t); err != nil {
		return nil, fmt.Errorf("read google token %s: %w", f.Path, err)
	}
	return t, nil
}

// Save writes the token with mode 0600.
func (f TokenFile) Save(t *oauth2.Token) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("encode google token: %w", err)
	}
	if err := fsperm.WriteFile(f.Path, b, fsperm.File); err != nil {
		return fmt.Errorf("save google token: %w", err)
	}
	return nil
}

// Remove forgets the token (no error if there was none).
func (f TokenFile) Remove() error {
	if err := os.Remove(f.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove google token: %w", err)
	}
	return nil
}

// HTTPClient returns a client that authorizes with the stored token,
// refreshes it when it expires and saves every refreshed token.
func (o OAuth) HTTPClient(ctx context.Context, f TokenFile) (*http.Client, error) {
	tok, err := f.Load()
	if err != nil {
		return nil, err
	}
	if tok.RefreshToken == "" {
		return nil, fmt.Errorf("google token %s has no refresh token: run `ringcard google connect` again", f.Path)
	}
	src := &savingSource{src: o.config("").TokenSource(ctx, tok), file: f, last: tok}
	return oauth2.NewClient(ctx, oauth2.ReuseTokenSource(tok, src)), nil
}

// savingSource saves each new token its source hands out.
type savingSource struct {
	src  oauth2.TokenSource
	file TokenFile
	mu   sync.Mutex
	last *oauth2.Token
}

func (s *savingSource) Token() (*oauth2.Token, error) {
	t, err := s.src.Token()
	if err != nil {
		return nil, fmt.Errorf("refresh google token: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.AccessToken != s.last.AccessToken {
		if t.RefreshToken == "" {
			t.RefreshToken = s.last.RefreshToken
		}
		if err := s.file.Save(t); err != nil {
			return nil, err
		}
		s.last = t
	}
	return t, nil
}

// ConnectIO is how Connect talks to the person connecting.
type ConnectIO struct {
	Out         io.Writer                    // instructions
	In          io.Reader                    // where a pasted code or redirect URL is read (nil: loopback only)
	OpenBrowser func(authURL string)         // opens the consent page (nil: the person opens the printed URL)
	Listen      func() (net.Listener, error) // the loopback listener; nil is 127.0.0.1 on a free port
}

// Connect runs the installed-app flow with PKCE: the consent page
// redirects to a loopback address ringcard listens on; on a server with no
// browser the person opens the URL elsewhere and pastes back the address
// the browser ends on (or just its code). It asks for offline access, so
// Google returns a refresh token, and saves the token to f.
func (o OAuth) Connect(ctx context.Context, f TokenFile, cio ConnectIO) (*oauth2.Token, error) {
	listen := cio.Listen
	if listen == nil {
		listen = func() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
	}
	ln, err := listen()
	if err != nil {
		return nil, fmt.Errorf("listen for the google redirect: %w", err)
	}
	defer ln.Close()
	cfg := o.config("http://" + ln.Addr().String() + "/")
	verifier, state := oauth2.GenerateVerifier(), randomState()
	authURL := cfg.AuthCodeURL(state, oauth2.AccessTypeOffline, oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("prompt", "consent"))

	codes := make(chan string, 2)
	errs := make(chan error, 2)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, err := codeFrom(r.URL.Query(), state)
		if err != nil {
			http.Error(w, "ringcard: "+err.Error(), http.StatusBadRequest)
			errs <- err
			return
		}
		fmt.Fprintln(w, "ringcard is connected to Google Contacts. You can close this tab.")
		codes <- code
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	fmt.Fprintf(cio.Out, "Open this address in a browser and allow ringcard to manage the office's contacts:\n\n%s\n\n", authURL)
	fmt.Fprintf(cio.Out, "Waiting for Google to send the browser back to %s ...\n", cfg.RedirectURL)
	if cio.In != nil {
		fmt.Fprintln(cio.Out, "No browser on this machine? Open the address elsewhere; when the browser ends on a page that does not load, paste that page's address (or its code) here and press Enter:")
		go readPasted(cio.In, state, codes, errs)
	}
	if cio.OpenBrowser != nil {
		cio.OpenBrowser(authURL)
	}
	var code string
	select {
	case code = <-codes:
	case err := <-errs:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange the google code: %w", err)
	}
	if tok.RefreshToken == "" {
		return nil, errors.New("google sent no refresh token: remove ringcard at https://myaccount.google.com/permissions and connect again")
	}
	if err := f.Save(tok); err != nil {
		return nil, err
	}
	return tok, nil
}

// codeFrom reads the code of a redirect, checking its state.
func codeFrom(q url.Values, state string) (string, error) {
	if e := q.Get("error"); e != "" {
		return "", fmt.Errorf("google said %q", e)
	}
	if q.Get("state") != state {
		return "", errors.New("the answer does not belong to this connect attempt (state differs)")
	}
	if q.Get("code") == "" {
		return "", errors.New("the answer has no code")
	}
	return q.Get("code"), nil
}

// readPasted reads a pasted redirect URL or bare code.
func readPasted(in io.Reader, state string, codes chan<- string, errs chan<- error) {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if u, err := url.Parse(line); err == nil && u.RawQuery != "" {
			code, err := codeFrom(u.Query(), state)
			if err != nil {
				errs <- err
				return
			}
			codes <- code
			return
		}
		codes <- line
		return
	}
}

func randomState() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
