package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

const (
	sessionCookie = "rc_session"
	signinCookie  = "rc_signin" // double-submit token of the sign-in form
	sessionKey    = "ringcard.web.session"
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "csrf"
	maxFormBytes  = 1 << 20
)

// HashPassword hashes a password with bcrypt for storing. It refuses
// passwords shorter than minLen or longer than bcrypt can take.
func HashPassword(pw string, minLen int) (string, error) {
	if len([]rune(pw)) < minLen {
		return "", contacts.Errorf(contacts.EInvalid, "password: at least %d characters", minLen)
	}
	if len(pw) > 72 {
		return "", contacts.Errorf(contacts.EInvalid, "password: at most 72 bytes")
	}
	b, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// dummyHash is compared against when the login is unknown, so an unknown
// login takes as long to refuse as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("ringcard dummy password"), bcrypt.DefaultCost)

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Authenticate admits a request with a live session whose account may do
// what the route needs (admin true: an admin's). A page request without a
// session is sent to sign in; an API request gets 401. A signed-in account
// without the role gets 403 (the protocol's error for JSON, a page saying
// an admin must do it) and the refusal goes in the audit log. Unsafe
// methods must carry the session's CSRF token (form field "csrf" or header
// X-CSRF-Token).
func (h *Handler) Authenticate(c *gin.Context, admin bool) {
	sess, err := h.session(c)
	if err != nil {
		if isAPI(c) || c.Request.Method != http.MethodGet {
			h.refuse(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/signin?next="+urlQueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	u := sess.User
	actor := contacts.Actor{Kind: contacts.ActorUser, ID: u.Login, Name: u.Name, Address: c.ClientIP()}
	c.Request = c.Request.WithContext(contacts.WithActor(c.Request.Context(), actor))
	c.Set(sessionKey, sess)
	if admin && !u.IsAdmin() {
		h.forbid(c)
		return
	}
	if !safeMethod(c.Request.Method) {
		limit := int64(maxFormBytes)
		if c.FullPath() == "/data/import" { // the one form that sends a file
			limit = maxUploadBytes + maxFormBytes
		}
		if c.Request.ContentLength > limit {
			err := contacts.Errorf(contacts.ETooLarge, "the request is larger than %d MB", limit>>20)
			if c.FullPath() == "/data/import" { // say it on the import page, with the form to try another file
				msg := T(h.lang(c), "data.toolarge", maxUploadBytes>>20)
				if rerr := h.render(c, http.StatusRequestEntityTooLarge, "data", dataPage{Error: msg}); rerr != nil {
					h.log.Error("render", "err", rerr)
				}
				c.Abort()
				return
			}
			h.refuse(c, err)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		token := c.GetHeader(csrfHeader)
		if token == "" {
			token = c.PostForm(csrfField)
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) != 1 {
			h.refuse(c, contacts.Errorf(contacts.EForbidden, "the form's security token is missing or stale: reload the page and try again"))
			return
		}
	}
	c.Next()
}

// forbid refuses a signed-in staff member an admin's action, and audits it.
func (h *Handler) forbid(c *gin.Context) {
	what := c.Request.Method + " " + c.Request.URL.Path
	if err := h.b.RecordAudit(c.Request.Context(), "access.denied", what+": needs an admin"); err != nil {
		h.log.Error("audit a refusal", "err", err)
	}
	h.log.Warn("refused: needs an admin", "login", currentSession(c).User.Login, "request", what, "addr", c.ClientIP())
	var err error = adminOnly{localErr(contacts.EForbidden, T(h.lang(c), "error.adminonly"))}
	if isAPI(c) {
		err = contacts.Errorf(contacts.EForbidden, "only an admin may do this: %s", what)
	}
	h.refuse(c, err)
}

// adminOnly is the refusal of an admin's page to staff: its page is
// headed "You don't have access to this page".
type adminOnly struct{ error }

func (e adminOnly) Unwrap() error { return e.error }

func (h *Handler) refuse(c *gin.Context, err error) {
	if isAPI(c) {
		h.fail(c, err)
		return
	}
	h.errorPage(c, err)
	c.Abort()
}

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func (h *Handler) session(c *gin.Context) (*sqlite.Session, error) {
	v, err := c.Cookie(sessionCookie)
	if err != nil || v == "" {
		return nil, contacts.Errorf(contacts.EUnauthorized, "sign in first")
	}
	return h.b.SessionByToken(c.Request.Context(), sqlite.HashSecret(v))
}

func currentSession(c *gin.Context) *sqlite.Session {
	if v, ok := c.Get(sessionKey); ok {
		return v.(*sqlite.Session)
	}
	return nil
}

// secure reports whether cookies get the Secure flag for this request.
func (h *Handler) secure(c *gin.Context) bool {
	switch h.cfg.SecureCookies {
	case "always":
		return true
	case "never":
		return false
	}
	return c.Request.TLS != nil || strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https")
}

func (h *Handler) setCookie(c *gin.Context, name, value string, maxAge time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: h.secure(c), SameSite: http.SameSiteLaxMode})
}

func (h *Handler) clearCookie(c *gin.Context, name string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.secure(c), SameSite: http.SameSiteLaxMode})
}

type signinData struct {
	Login string
	Next  string
	Error string
	Wait  string // set when sign-in must wait: how long, in words
}

func (h *Handler) signinPage(c *gin.Context) error {
	if _, err := h.session(c); err == nil {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return nil
	}
	return h.renderSignin(c, http.StatusOK, signinData{Next: safeNext(c.Query("next"))})
}

func (h *Handler) renderSignin(c *gin.Context, status int, d signinData) error {
	token, err := c.Cookie(signinCookie)
	if err != nil || len(token) < 20 {
		token = randomToken()
		h.setCookie(c, signinCookie, token, time.Hour)
	}
	return h.renderAs(c, status, "signin", "", token, d)
}

// signin checks a login and password, unless the attempt must wait after
// failed ones (see throttle.go). Every attempt is recorded, with its
// address, in the sign-in attempts and the audit log.
func (h *Handler) signin(c *gin.Context) error {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFormBytes)
	ctx := c.Request.Context()
	cookie, _ := c.Cookie(signinCookie)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(c.PostForm(csrfField))) != 1 {
		return contacts.Errorf(contacts.EForbidden, "the form's security token is missing or stale: reload the page and try again")
	}
	login := strings.TrimSpace(c.PostForm("login"))
	pw := c.PostForm("password")
	d := signinData{Login: login, Next: safeNext(c.PostForm("next"))}
	addr, now := c.ClientIP(), h.now()
	key, err := h.deviceKey(ctx)
	if err != nil {
		return err
	}
	// The account is read first: its device cookies are signed with its
	// credential generation (an unknown login has none: generation 0).
	u, uerr := h.b.UserByLogin(ctx, login)
	var gen int64
	if uerr == nil {
		gen = u.CredGen
	}
	device := h.knownDevice(c, key, login, gen)
	// Browsers that signed in before are counted apart from the rest, so
	// they never queue behind a flood of guesses from elsewhere.
	mu := &h.signinMu
	if device != "" {
		mu = &h.knownMu
	}
	mu.Lock()
	defer mu.Unlock()
	record := func(outcome string) error {
		return h.b.RecordLoginAttempt(ctx, sqlite.LoginAttempt{At: now, Address: addr, Login: login, Outcome: outcome, Device: device})
	}
	account, byAddr, byDevice, err := h.b.SigninFailures(ctx, login, addr, device, now.Add(-forgetFailuresAfter))
	if err != nil {
		return err
	}
	wait := h.retryAfter(byDevice, now) // a known browser waits only after its own failures
	if device == "" {
		wait = max(h.retryAfter(account, now), h.retryAfter(byAddr, now))
	}
	if wait > 0 {
		if err := record(sqlite.LoginThrottled); err != nil {
			return err
		}
		h.log.Warn("sign-in refused: must wait", "login", login, "addr", addr, "wait", wait)
		secs := int((wait + time.Second - 1) / time.Second)
		c.Header("Retry-After", strconv.Itoa(secs))
		d.Wait = waitText(h.lang(c), wait)
		return h.renderSignin(c, http.StatusTooManyRequests, d)
	}
	outcome := sqlite.LoginOK
	switch {
	case contacts.ErrorCode(uerr) == contacts.ENotFound:
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		outcome = sqlite.LoginUnknownUser
	case uerr != nil:
		return uerr
	case bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw)) != nil:
		outcome = sqlite.LoginBadPassword
	case u.Disabled():
		outcome = sqlite.LoginDisabled
	}
	if err := record(outcome); err != nil {
		return err
	}
	if outcome != sqlite.LoginOK {
		h.log.Info("sign-in failed", "login", login, "addr", addr, "outcome", outcome)
		d.Error = "signin.wrong"
		return h.renderSignin(c, http.StatusUnauthorized, d)
	}
	token := randomToken()
	sess := &sqlite.Session{TokenHash: sqlite.HashSecret(token), CSRF: randomToken(), User: u, Address: addr,
		UserAgent: c.Request.UserAgent(), CreatedAt: now, ExpiresAt: now.Add(h.cfg.SessionLifetime)}
	if err := h.b.CreateSession(ctx, sess); err != nil {
		return err
	}
	h.setCookie(c, sessionCookie, token, h.cfg.SessionLifetime)
	h.trustDevice(c, key, u, device)
	h.clearCookie(c, signinCookie)
	h.log.Info("signed in", "login", u.Login, "addr", addr)
	c.Redirect(http.StatusSeeOther, d.Next)
	return nil
}

// waitText says a wait in whole minutes, or seconds under one.
func waitText(lang string, d time.Duration) string {
	if d < time.Minute {
		return T(lang, "signin.seconds", int((d+time.Second-1)/time.Second))
	}
	return T(lang, "signin.minutes", int((d+time.Minute-1)/time.Minute))
}

func (h *Handler) signout(c *gin.Context) error {
	if err := h.b.DeleteSession(c.Request.Context(), currentSession(c).TokenHash); err != nil {
		return err
	}
	h.clearCookie(c, sessionCookie)
	c.Redirect(http.StatusSeeOther, "/signin")
	return nil
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/signin") ||
		strings.ContainsAny(next, "\\") || strings.ContainsFunc(next, unicode.IsControl) {
		return "/" // browsers drop tabs and newlines and read \ as /: "/\t/evil" is "//evil"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}
