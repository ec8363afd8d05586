package server

import (
	"fmt"
	"time"

	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/messaging"
)

// MessagesConfig paces SMS sent through the office's phones and sets the
// office's mail account for e-mail.
type MessagesConfig struct {
	SMSPerWindow int        `json:"sms_per_window"` // segments one SIM may send per window (default 25: Android asks the user past 30 in 30 minutes)
	SMSWindow    Duration   `json:"sms_window"`     // default 30m
	SMSDaily     int        `json:"sms_daily"`      // segments one SIM may send per day (default 200)
	SMSHours     string     `json:"sms_hours"`      // when SMS go out: "" the working hours, "any" any time, or hours as working_hours
	Tick         Duration   `json:"tick"`           // how often due messages are looked for (default 1s)
	Mail         MailConfig `json:"mail"`
}

// MailConfig is the office's mail account (SMTP submission). Off unless a
// host is set; the password may come from RINGCARD_MESSAGES_MAIL_PASSWORD
// or a file named by RINGCARD_MESSAGES_MAIL_PASSWORD_FILE.
type MailConfig struct {
	Host     string   `json:"host"`
	Port     int      `json:"port"`     // default 587 (starttls) or 465 (tls)
	Security string   `json:"security"` // starttls (default), tls, or none (loopback only)
	Username string   `json:"username"`
	Password string   `json:"password"`
	From     string   `json:"from"` // "Office <office@example.com>"
	Timeout  Duration `json:"timeout"`
}

func (c *MessagesConfig) caps() messages.Caps {
	caps := messages.DefaultCaps()
	if c.SMSPerWindow > 0 {
		caps.PerWindow = c.SMSPerWindow
	}
	if c.SMSWindow > 0 {
		caps.Window = c.SMSWindow.D()
	}
	if c.SMSDaily > 0 {
		caps.Daily = c.SMSDaily
	}
	return caps
}

func (c *MessagesConfig) validate() error {
	if c.SMSPerWindow < 0 || c.SMSDaily < 0 || c.SMSWindow < 0 || c.Tick < 0 {
		return fmt.Errorf("messages: sms_per_window, sms_window, sms_daily and tick must not be negative")
	}
	if c.SMSHours != "" && c.SMSHours != "any" {
		if _, err := ParseWorkingHours(c.SMSHours); err != nil {
			return fmt.Errorf("messages.sms_hours: %w", err)
		}
	}
	if c.Mail.Host != "" {
		if _, err := c.Mail.mailer(); err != nil {
			return fmt.Errorf("messages.%w", err)
		}
	}
	return nil
}

func (c *MailConfig) mailer() (*messaging.SMTPMailer, error) {
	sec, port := c.Security, c.Port
	if sec == "" {
		sec = "starttls"
	}
	if port == 0 {
		port = 587
		if sec == "tls" {
			port = 465
		}
	}
	return messaging.NewSMTPMailer(messaging.MailSettings{Host: c.Host, Port: port, Security: sec, Username: c.Username, Password: c.Password, From: c.From, Timeout: c.Timeout.D()})
}

// MessagingConfig builds the messaging service's settings from the
// configuration (the server and the CLI plan sends alike).
func MessagingConfig(c Config) (messaging.Config, error) {
	mc := c.Messages
	cfg := messaging.Config{Caps: mc.caps(), Tick: mc.Tick.D(), Loc: time.Local}
	hours := mc.SMSHours
	if hours == "" {
		hours = c.WorkingHours
	}
	if hours != "any" {
		wh, err := ParseWorkingHours(hours)
		if err != nil {
			return cfg, err
		}
		cfg.Hours = wh
	}
	if mc.Mail.Host != "" {
		m, err := mc.Mail.mailer()
		if err != nil {
			return cfg, err
		}
		cfg.Mailer = m
	}
	return cfg, nil
}
