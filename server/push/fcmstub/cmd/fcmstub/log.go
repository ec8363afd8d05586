package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/ringcard/ringcard/server/push/fcmstub"
)

// logged wraps the stand-in and logs every send it answers: an accepted
// message as the phone would get it, a refused one with FCM's error code.
type logged struct {
	stub *fcmstub.Server
	log  *slog.Logger

	mu   sync.Mutex
	seen int // accepted messages already logged
}

func newLogged(stub *fcmstub.Server, log *slog.Logger) *logged {
	return &logged{stub: stub, log: log}
}

// ServeHTTP implements http.Handler.
func (l *logged) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body bytes.Buffer
	r.Body = readCloser{io.TeeReader(r.Body, &body), r.Body}
	rec := &recorder{ResponseWriter: w}
	l.stub.ServeHTTP(rec, r)
	l.logAccepted()
	switch {
	case rec.status == 0:
		l.log.Info("send abandoned by the sender before it was answered", "token", tokenOf(body.Bytes()))
	case rec.status != http.StatusOK:
		attrs := []any{"path", r.URL.Path, "token", tokenOf(body.Bytes()), "status", rec.status, "error", errorCodeOf(rec.body.Bytes())}
		if ra := rec.Header().Get("Retry-After"); ra != "" {
			attrs = append(attrs, "retry_after", ra+"s")
		}
		l.log.Warn("send refused", attrs...)
	}
}

// logAccepted logs, in arrival order, the messages accepted since the last
// call.
func (l *logged) logAccepted() {
	l.mu.Lock()
	defer l.mu.Unlock()
	msgs := l.stub.Messages()
	for _, m := range msgs[l.seen:] {
		l.log.Info("message", messageAttrs(m)...)
	}
	l.seen = len(msgs)
}

// messageAttrs describes m the way the phone would see it.
func messageAttrs(m fcmstub.Message) []any {
	priority, ttl, collapse := "(unset: normal)", "(unset: 4 weeks)", "(none)"
	if a := m.Android; a != nil {
		if a.Priority != "" {
			priority = a.Priority
		}
		if a.HasTTL {
			ttl = a.TTL.String()
		}
		if a.CollapseKey != "" {
			collapse = a.CollapseKey
		}
	}
	attrs := []any{"token", m.Token, "type", m.Data["type"], "priority", priority, "ttl", ttl,
		"collapse_key", collapse, "data", dataText(m.Data), "project", m.Project}
	if m.Notification || (m.Android != nil && m.Android.Notification) {
		attrs = append(attrs, "notification", true)
	}
	if m.ValidateOnly {
		attrs = append(attrs, "validate_only", true)
	}
	return attrs
}

// dataText is the data payload as sorted key=value pairs.
func dataText(data map[string]string) string {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + data[k]
	}
	return strings.Join(parts, " ")
}

// tokenOf reads the target token of a send request, "" if there is none.
func tokenOf(body []byte) string {
	var req struct {
		Message struct {
			Token string `json:"token"`
		} `json:"message"`
	}
	_ = json.Unmarshal(body, &req)
	return req.Message.Token
}

// errorCodeOf reads the FcmError errorCode of an error answer, or its
// google.rpc status when it has none.
func errorCodeOf(body []byte) string {
	var e struct {
		Error struct {
			Status  string `json:"status"`
			Details []struct {
				ErrorCode string `json:"errorCode"`
			} `json:"details"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	for _, d := range e.Error.Details {
		if d.ErrorCode != "" {
			return d.ErrorCode
		}
	}
	return e.Error.Status
}

type readCloser struct {
	io.Reader
	io.Closer
}

// recorder keeps the status and body of an answer while writing it.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}
