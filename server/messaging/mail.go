package messaging

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/ringcard/ringcard/messages"
)

// Mailer submits one e-mail. Its error says whether trying again later may
// help (Temporary).
type Mailer interface {
	Send(ctx context.Context, m *messages.Message) error
}

// MailSettings are the office's mail account for submission.
type MailSettings struct {
	Host     string
	Port     int
	Security string // "starttls" (required, port 587), "tls" (implicit, port 465) or "none" (loopback only)
	Username string
	Password string
	From     string // the sending address, "Office <office@example.com>"
	Timeout  time.Duration
	TLS      *tls.Config // nil: the system's roots, ServerName from Host
}

// SMTPMailer submits e-mail with go-mail: multipart text and HTML, UTF-8
// headers, STARTTLS or implicit TLS with the account's user and password.
type SMTPMailer struct{ cfg MailSettings }

// NewSMTPMailer checks the settings and makes a mailer.
func NewSMTPMailer(cfg MailSettings) (*SMTPMailer, error) {
	if cfg.Host == "" || cfg.From == "" {
		return nil, fmt.Errorf("mail: host and from are required")
	}
	switch cfg.Security {
	case "starttls", "tls":
	case "none":
		if ip := net.ParseIP(cfg.Host); cfg.Host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("mail: security none is only for a server on this machine (passwords and clients' addresses never cross a network in clear)")
		}
	default:
		return nil, fmt.Errorf("mail.security %q: starttls, tls or none", cfg.Security)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTPMailer{cfg: cfg}, nil
}

// Send builds the message and submits it.
func (s *SMTPMailer) Send(ctx context.Context, m *messages.Message) error {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8))
	if err := msg.From(s.cfg.From); err != nil {
		return permanent(fmt.Errorf("from %q: %w", s.cfg.From, err))
	}
	if err := msg.To(m.To); err != nil {
		return permanent(fmt.Errorf("to %q: %w", m.To, err))
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.ID + "@ringcard")
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	tc := s.cfg.TLS
	if tc == nil {
		tc = &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	switch s.cfg.Security {
	case "tls":
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSConfig(tc))
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(tc))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return permanent(fmt.Errorf("mail client: %w", err))
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return classify(err)
	}
	return nil
}

// permanentError is a failure trying again will not cure.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

// classify: only a 5xx answer from the server is permanent (a refused
// recipient, a refused message); 4xx answers and a server down,
// unreachable or slow (no answer code) are temporary.
func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
		return permanent(err)
	}
	return err
}

// Temporary reports whether a send may succeed if tried again later.
func Temporary(err error) bool {
	var p *permanentError
	return !errors.As(err, &p)
}

// sendEmail submits due e-mail, one at a time, within the office's hours
// and the mail account's caps (counted from what was really submitted: per
// window, and per day over the last 24 hours as providers count it), and
// retries temporary failures with growing waits.
func (s *Service) sendEmail(ctx context.Context) {
	if s.cfg.Mailer == nil {
		return
	}
	now := s.now()
	if s.cfg.EmailHours != nil && !s.cfg.EmailHours.Contains(now.In(s.cfg.Loc)) {
		return
	}
	caps := s.cfg.EmailCaps
	inWindow, err1 := s.db.SIMSegments(ctx, mailAccount.DeviceID, mailAccount.Slot, now.Add(-caps.Window))
	inDay, err2 := s.db.SIMSegments(ctx, mailAccount.DeviceID, mailAccount.Slot, now.Add(-24*time.Hour))
	if err := errors.Join(err1, err2); err != nil {
		s.log.Error("messages: mail account usage", "err", err)
		return
	}
	budget := min(caps.PerWindow-inWindow, caps.Daily-inDay, 50)
	if budget <= 0 {
		return
	}
	due, err := s.db.DueMessages(ctx, messages.Email, now, budget)
	if err != nil {
		s.log.Error("messages: read due e-mail", "err", err)
		return
	}
	for _, m := range due {
		if ctx.Err() != nil {
			return
		}
		ok, err := s.db.ClaimEmail(ctx, m.ID)
		if err != nil || !ok {
			continue
		}
		m.Attempts++
		err = s.cfg.Mailer.Send(ctx, m)
		bg := context.WithoutCancel(ctx)
		switch {
		case err == nil:
			_, err = s.db.ReportMessage(bg, "", m.ID, messages.StatusSent, "")
		case Temporary(err) && m.Attempts <= len(s.cfg.Retries):
			s.log.Warn("messages: e-mail not sent, will retry", "message", m.ID, "attempt", m.Attempts, "err", err)
			err = s.db.RetryEmail(bg, m.ID, err.Error(), s.now().Add(s.cfg.Retries[m.Attempts-1]))
		default:
			s.log.Warn("messages: e-mail failed", "message", m.ID, "err", err)
			_, err = s.db.ReportMessage(bg, "", m.ID, messages.StatusFailed, err.Error())
		}
		if err != nil {
			s.log.Error("messages: record e-mail outcome", "message", m.ID, "err", err)
		}
	}
}
