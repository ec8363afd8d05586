package config

import (
	"fmt"
	"time"

	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/messaging"
)

// Messages paces SMS sent through the office's phones and sets the
// office's mail account for e-mail.
type Messages struct {
	SMSPerWindow int      `json:"sms_per_window"` // segments one SIM may send per window (default 25: Android asks the user past 30 in 30 minutes)
	SMSWindow    Duration `json:"sms_window"`     // default 30m
	SMSDaily     int      `json:"sms_daily"`      // segments one SIM may send per day (default 200)
	SMSHours     string   `json:"sms_hours"`      // when SMS go out: "" the working hours, "any" any time, or hours as working_hours
	Tick         Duration `json:"tick"`           // how often due messages are looked for (default 1s)
	// SMSSendWithin is how long a phone may take to send an SMS it is
	// given (sms.send's send_before; default 30m); SMSClockMargin how much
	// longer the server waits, for phones' clocks, before giving a message
	// the phone never took to another phone of the send (default 2m).
	SMSSendWithin  Duration `json:"sms_send_within"`
	SMSClockMargin Duration `json:"sms_clock_margin"`
	// E-mail pacing on the office's mail account (defaults 20 a minute,
	// 450 a day: under Gmail's 500 a day and Microsoft 365's 30 a minute)
	// and hours ("" the working hours, "any" any time).
	EmailPerWindow int      `json:"email_per_window"`
	EmailWindow    Duration `json:"email_window"`
	EmailDaily     int      `json:"email_daily"`
	EmailHours     string   `json:"email_hours"`
	Mail           Mail     `json:"mail"`
}

// Mail is the office's mail account (SMTP submission). Off unless a
// host is set; the password may come from RINGCARD_MESSAGES_MAIL_PASSWORD
// or a file named by RINGCARD_MESSAGES_MAIL_PASSWORD_FILE.
type Mail struct {
	Host     string   `json:"host"`
	Port     int      `json:"port"`     // default 587 (starttls) or 465 (tls)
	Security string   `json:"security"` // starttls (default), tls, or none (loopback only)
	Username string   `json:"username"`
	Password string   `json:"password"`
	From     string   `json:"from"` // "Office <office@example.com>"
	Timeout  Duration `json:"timeout"`
}

func (c *Messages) caps() messages.Caps {
	return overrideCaps(messages.DefaultCaps(), c.SMSPerWindow, c.SMSWindow, c.SMSDaily)
}

// emailCaps are the mail account's caps: the defaults, overridden.
func (c *Messages) emailCaps() messages.Caps {
	return overrideCaps(messaging.DefaultEmailCaps(), c.EmailPerWindow, c.EmailWindow, c.EmailDaily)
}

// overrideCaps is caps with the settings that are set (above zero).
func overrideCaps(caps messages.Caps, perWindow int, window Duration, daily int) messages.Caps {
	if perWindow > 0 {
		caps.PerWindow = perWindow
	}
	if window > 0 {
		caps.Window = window.D()
	}
	if daily > 0 {
		caps.Daily = daily
	}
	return caps
}

func (c *Messages) validate() error {
	if c.SMSPerWindow < 0 || c.SMSDaily < 0 || c.SMSWindow < 0 || c.Tick < 0 || c.EmailPerWindow < 0 || c.EmailWindow < 0 || c.EmailDaily < 0 ||
		c.SMSSendWithin < 0 || c.SMSClockMargin < 0 {
		return fmt.Errorf("messages: sms_per_window, sms_window, sms_daily, sms_send_within, sms_clock_margin, email_per_window, email_window, email_daily and tick must not be negative")
	}
	for key, h := range map[string]string{"sms_hours": c.SMSHours, "email_hours": c.EmailHours} {
		if h != "" && h != "any" {
			if _, err := ParseWorkingHours(h); err != nil {
				return fmt.Errorf("messages.%s: %w", key, err)
			}
		}
	}
	if c.Mail.Host != "" {
		if _, err := c.Mail.mailer(); err != nil {
			return fmt.Errorf("messages.%w", err)
		}
	}
	return nil
}

func (c *Mail) mailer() (*messaging.SMTPMailer, error) {
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

// Messaging builds the messaging service's settings from the
// configuration (the server and the CLI plan sends alike).
func (c Config) Messaging() (messaging.Config, error) {
	mc := c.Messages
	cfg := messaging.Config{Caps: mc.caps(), EmailCaps: mc.emailCaps(), Tick: mc.Tick.D(), Loc: time.Local,
		SendWithin: mc.SMSSendWithin.D(), ClockMargin: mc.SMSClockMargin.D()}
	var err error
	if cfg.Hours, err = sendingHours(mc.SMSHours, c.WorkingHours); err != nil {
		return cfg, err
	}
	if cfg.EmailHours, err = sendingHours(mc.EmailHours, c.WorkingHours); err != nil {
		return cfg, err
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

// sendingHours reads a channel's hours: "" the office's working hours,
// "any" any time (nil).
func sendingHours(hours, working string) (messages.Hours, error) {
	if hours == "" {
		hours = working
	}
	if hours == "any" {
		return nil, nil
	}
	wh, err := ParseWorkingHours(hours)
	if err != nil {
		return nil, err
	}
	return wh, nil
}
