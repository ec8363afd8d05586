package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Sign-in protection (OWASP's "slow down online guessing attacks with
// device cookies"): failed sign-ins are counted per address and per
// account; after LockoutAttempts failures each further attempt from that
// address, or on that account, must wait LockoutDelay, doubled with every
// further failure up to LockoutMaxDelay. Nothing is ever locked for good.
// A browser that signed in to an account before carries a device cookie for
// it: it is not slowed by failures made elsewhere, only by its own. The
// cookie is signed with the account's credential generation
// (sqlite.User.CredGen): a new password, a role change or disabling the
// account leaves every cookie given before it worthless.

// forgetFailuresAfter is how long a failed sign-in counts.
const forgetFailuresAfter = 24 * time.Hour

// deviceCookieLifetime is how long a browser stays known after a sign-in.
const deviceCookieLifetime = 365 * 24 * time.Hour

// deviceKeySetting is where the key that signs device cookies is kept.
const deviceKeySetting = "web_device_cookie_key"

// Policy is the sign-in delay policy.
type Policy struct {
	Free     int           // failures before delays start
	Delay    time.Duration // the first delay
	MaxDelay time.Duration // the longest
}

// Wait is how long after its last failure a key with f failures must wait.
func (p Policy) Wait(n int) time.Duration {
	if n < p.Free {
		return 0
	}
	d := p.Delay
	for i := p.Free; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// GuessesIn is how many passwords one key (an address, or an account from
// every address) can try in d under the policy, starting with no failures.
func (p Policy) GuessesIn(d time.Duration) int {
	n := 0
	var at time.Duration
	for {
		at += p.Wait(n)
		if at >= d {
			return n
		}
		n++
	}
}

func (h *Handler) policy() Policy {
	return Policy{Free: h.cfg.LockoutAttempts, Delay: h.cfg.LockoutDelay, MaxDelay: h.cfg.LockoutMaxDelay}
}

// retryAfter is how long an attempt must still wait (0: go ahead).
func (h *Handler) retryAfter(f sqlite.Failures, now time.Time) time.Duration {
	return max(f.Last.Add(h.policy().Wait(f.N)).Sub(now), 0)
}

// deviceKey is the key that signs device cookies, made on first use and
// kept in the store.
func (h *Handler) deviceKey(ctx context.Context) ([]byte, error) {
	h.keyMu.Lock()
	defer h.keyMu.Unlock()
	if h.devKey != nil {
		return h.devKey, nil
	}
	var enc string
	ok, err := h.b.Setting(ctx, deviceKeySetting, &enc)
	if err != nil {
		return nil, err
	}
	key, _ := base64.StdEncoding.DecodeString(enc)
	if !ok || len(key) < 32 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
		if err := h.b.SetSetting(ctx, deviceKeySetting, base64.StdEncoding.EncodeToString(key)); err != nil {
			return nil, fmt.Errorf("store the device cookie key: %w", err)
		}
	}
	h.devKey = key
	return key, nil
}

func deviceCookieName(login string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(login)))
	return "rc_device_" + hex.EncodeToString(sum[:8])
}

// deviceMAC signs a device cookie's nonce for login under the account's
// credential generation gen. Generation 0 (an account whose credentials
// never changed since cookies were first given) signs as cookies did
// before generations existed, so those stay valid.
func deviceMAC(key []byte, login, nonce string, gen int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("ringcard device cookie v1\x00" + strings.ToLower(login) + "\x00" + nonce))
	if gen != 0 {
		m.Write([]byte("\x00" + strconv.FormatInt(gen, 10)))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// knownDevice returns the id (a hash, as stored with attempts) of the
// valid device cookie for login, at credential generation gen, that the
// browser carries, or "".
func (h *Handler) knownDevice(c *gin.Context, key []byte, login string, gen int64) string {
	v, err := c.Cookie(deviceCookieName(login))
	if err != nil {
		return ""
	}
	nonce, mac, ok := strings.Cut(v, ".")
	if !ok || len(nonce) < 20 || !hmac.Equal([]byte(mac), []byte(deviceMAC(key, login, nonce, gen))) {
		return ""
	}
	return sqlite.HashSecret(nonce)
}

// trustDevice gives the browser a device cookie for u (a new one unless it
// has a valid one already).
func (h *Handler) trustDevice(c *gin.Context, key []byte, u *sqlite.User, known string) {
	if known != "" {
		return
	}
	nonce := randomToken()
	h.setCookie(c, deviceCookieName(u.Login), nonce+"."+deviceMAC(key, u.Login, nonce, u.CredGen), deviceCookieLifetime)
}

// trustThisBrowser gives the signed-in browser a device cookie for its
// account as it is now (after its credentials changed).
func (h *Handler) trustThisBrowser(c *gin.Context, login string) error {
	key, err := h.deviceKey(c.Request.Context())
	if err != nil {
		return err
	}
	u, err := h.b.UserByLogin(c.Request.Context(), login)
	if err != nil {
		return err
	}
	h.trustDevice(c, key, u, "")
	return nil
}
