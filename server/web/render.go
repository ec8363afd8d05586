package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/app.css
var appCSS []byte

//go:embed static/app.js
var appJS []byte

// Langs are the languages the catalogue has, the first the fallback.
var Langs = []string{"en", "ru", "it"}

var langMatcher = language.NewMatcher([]language.Tag{language.English, language.Russian, language.Italian})

type pageTemplate struct{ t *template.Template }

// partials are parsed into every page.
var partials = []string{"templates/layout.html", "templates/card.html", "templates/dial.html", "templates/followup_rows.html", "templates/callrow.html", "templates/stageoffer.html"}

// parsePages parses every page once per language, with t bound to it.
func parsePages() (map[string]map[string]*pageTemplate, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	out := map[string]map[string]*pageTemplate{}
	for _, lang := range Langs {
		out[lang] = map[string]*pageTemplate{}
		base, err := template.New("").Funcs(funcs(lang)).ParseFS(templateFS, partials...)
		if err != nil {
			return nil, fmt.Errorf("parse templates: %w", err)
		}
		for _, f := range files {
			if slices.Contains(partials, f) {
				continue
			}
			t, err := template.Must(base.Clone()).ParseFS(templateFS, f)
			if err != nil {
				return nil, fmt.Errorf("parse %s: %w", f, err)
			}
			name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
			out[lang][name] = &pageTemplate{t: t}
		}
	}
	return out, nil
}

// page is what every template gets; Data is the page's own.
type page struct {
	Name      string
	User      *sqlite.User
	CSRF      string
	Lang      string
	Data      any
	Assets    string // the static files' version, in their URLs so a new build is never served from a stale cache
	BoardPoll int64
}

// lang is the user's language, else the browser's best match.
func (h *Handler) lang(c *gin.Context) string {
	if s := currentSession(c); s != nil && s.User.Lang != "" {
		return s.User.Lang
	}
	tags, _, _ := language.ParseAcceptLanguage(c.GetHeader("Accept-Language"))
	_, i, conf := langMatcher.Match(tags...)
	if conf == language.No {
		return Langs[0]
	}
	return Langs[i]
}

func (h *Handler) render(c *gin.Context, status int, name string, data any) error {
	csrf := ""
	if s := currentSession(c); s != nil {
		csrf = s.CSRF
	}
	return h.renderAs(c, status, name, h.lang(c), csrf, data)
}

func (h *Handler) renderAs(c *gin.Context, status int, name, lang, csrf string, data any) error {
	if lang == "" {
		lang = h.lang(c)
	}
	pt, ok := h.pages[lang][name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	p := page{Name: name, CSRF: csrf, Lang: lang, Data: data, Assets: assetsVersion, BoardPoll: h.cfg.BoardPoll.Milliseconds()}
	if s := currentSession(c); s != nil {
		p.User = s.User
	}
	var buf bytes.Buffer
	if err := pt.t.ExecuteTemplate(&buf, name, p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// renderFragment renders one named template (no layout), e.g. a card.
func (h *Handler) renderFragment(c *gin.Context, name string, data any) (string, error) {
	var buf bytes.Buffer
	if err := h.pages[h.lang(c)]["search"].t.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return buf.String(), nil
}

func (h *Handler) handle(fn func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			h.errorPage(c, err)
		}
	}
}

func (h *Handler) api(fn func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			h.fail(c, err)
		}
	}
}

type errorData struct {
	Status  int
	Title   string // the heading's catalogue key
	Message string // what went wrong, in the user's language
	Detail  string // the domain error's own words, when they say which input is wrong
}

// errorPage shows an error: the domain message when there is one; internal
// details only go to the log.
func (h *Handler) errorPage(c *gin.Context, err error) {
	status := h.status(err)
	if status >= 500 {
		h.log.Error("page failed", "path", c.Request.URL.Path, "err", err)
	}
	// The code's words in the user's language; a code without them (a
	// forbidden page, whose message the access check words itself) shows
	// the error's own message.
	lang, code := h.lang(c), contacts.ErrorCode(err)
	d := errorData{Status: status, Title: "error.title", Message: wordOr(lang, "error.code."+code, errText(lang, err))}
	if errors.As(err, new(adminOnly)) {
		d.Title = "error.title.403"
	} else if code == contacts.ENotFound {
		d.Title = "error.title.404"
	}
	switch code {
	case contacts.EInvalid, contacts.EInvalidNumber, contacts.EConflict, contacts.ETooLarge:
		d.Detail, _ = errDetail(lang, err) // names the field or value at fault
	}
	if rerr := h.render(c, status, "error", d); rerr != nil {
		h.log.Error("render error page", "err", rerr)
		c.String(status, "%s", d.Message)
	}
	c.Abort()
}

// NotFoundPage answers a browser's GET of a path nothing serves with the
// page headed "Page not found" (signed in or not), instead of the JSON
// error API clients get.
func (h *Handler) NotFoundPage(c *gin.Context) {
	if sess, err := h.session(c); err == nil {
		c.Set(sessionKey, sess) // the menu and the user's language
	}
	h.errorPage(c, contacts.Errorf(contacts.ENotFound, "no page at %s", c.Request.URL.Path))
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":          func(key string, args ...any) string { return T(lang, key, args...) },
		"when":       func(t time.Time) string { return localWhen(lang, t) },
		"whenS":      func(s string) string { return localTimeText(lang, s) },
		"sinceS":     func(s string) string { return sinceText(lang, s) },
		"date":       func(t time.Time) string { return localDate(lang, t) },
		"stage":      func(s string) string { return stageWord(lang, s) },
		"ptype":      func(s string) string { return typeWord(lang, s) },
		"flabel":     func(key, label string) string { return fieldLabel(lang, key, label) },
		"action":     func(s string) string { return actionWord(lang, s) },
		"num":        func(n int) string { return number(lang, n) },
		"typesIn":    func(s string) string { return typesIn(lang, s) },
		"importText": func(s string) string { return importText(lang, s) },
		"auditText":  func(e sqlite.AuditEntry) string { return auditDetail(lang, e) },
		"mapField":   func(s string) string { return mapField(lang, s) },
		"dateph":     func() string { return datePlaceh[lang] },
		"dur":        duration,
		"join":       strings.Join,
		"in":         func(list []string, s string) bool { return slices.Contains(list, s) },
		"callText": func(dir, outcome string, secs int) string {
			return callText(lang, dir, outcome, secs)
		},
		"px": func(v, def int) int {
			if v <= 0 {
				return def
			}
			return v
		},
		"outcomeOf": outcomeOf,
		"histText": func(kind, text, dir, outcome string, secs int, stage string) string {
			return histText(lang, kind, text, dir, outcome, secs, stage)
		},
		"color":     func(v, def string) string { return orDefault(v, def) },
		"msgStatus": func(s string) string { return statusWord(lang, s) },
		"skipWhy":   func(s string) string { return skipWord(lang, s) },
		"msgWhy":    func(channel, reason string) string { return reasonWord(lang, channel, reason) },
		"lines":     func(s string) []string { return strings.Split(s, "\n") },
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// sinceText is a time from the wire as "since" wants it: the hour today,
// the date and hour otherwise.
func sinceText(lang, s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	if y, m, d := t.Local().Date(); time.Now().Local().Year() == y && time.Now().Local().Month() == m && time.Now().Local().Day() == d {
		return t.Local().Format("15:04")
	}
	return localWhen(lang, t)
}

func localTimeText(lang, s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return localWhen(lang, t)
}

func duration(secs int) string {
	if secs <= 0 {
		return ""
	}
	if secs >= 3600 {
		return fmt.Sprintf("%dh%02dm", secs/3600, secs%3600/60)
	}
	return fmt.Sprintf("%dm%02ds", secs/60, secs%60)
}

// endNotReported is the pseudo-outcome callText words as "end not
// reported": a call the server closed because its phone never said.
const endNotReported = "end_not_reported"

// outcomeOf is the outcome callText is given: the phone's, or
// endNotReported for a call closed by the server.
func outcomeOf(outcome string, unreported bool) string {
	if outcome == "" && unreported {
		return endNotReported
	}
	return outcome
}

// callText is a call's one-line summary in lang.
func callText(lang, dir, outcome string, secs int) string {
	d := T(lang, "call.incoming")
	if dir == contacts.Outgoing {
		d = T(lang, "call.outgoing")
	}
	o := T(lang, "call.inprogress")
	if outcome != "" {
		o = T(lang, "outcome."+outcome)
	}
	if dur := duration(secs); dur != "" {
		return d + ", " + o + ", " + dur
	}
	return d + ", " + o
}

func redirect(c *gin.Context, to string) error {
	c.Redirect(http.StatusSeeOther, to)
	return nil
}
