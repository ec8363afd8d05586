// Package config is everything ringcard can be told: the Config struct with
// its defaults, reading it from a JSON file and RINGCARD_* environment
// variables, setting one key from text (flags, `ringcard config`), and the
// validation that rejects settings that cannot work together. It holds no
// server state: the server, the CLI and the tests build a Config here and
// hand it to server.New.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ringcard/ringcard/contacts"
	"io/fs"
	"net"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/ringcard/ringcard/server/push"
	"github.com/ringcard/ringcard/server/tlsconf"
)

// Config is everything ringcard can be told. Defaults work with nothing
// set; a JSON file, then RINGCARD_* environment variables, then flags
// override them (see cmd/ringcard).
type Config struct {
	Addr           string        `json:"addr"`           // where the server listens
	DB             string        `json:"db"`             // the SQLite file
	PublicURL      string        `json:"public_url"`     // the URL phones reach the server at (pairing QR); default http://<addr>
	DefaultRegion  string        `json:"default_region"` // national numbers are read in this country (ISO 3166)
	PairCodeTTL    Duration      `json:"pair_code_ttl"`  // how long a pairing code works
	Retention      Duration      `json:"event_retention"`
	AuditKeep      Duration      `json:"audit_retention"`  // how long the audit log is kept (0: for ever)
	SigninKeep     Duration      `json:"signin_retention"` // how long sign-in attempts, and refused ones in the audit log, are kept (0: for ever)
	PingInterval   Duration      `json:"ping_interval"`
	IdleTimeout    Duration      `json:"idle_timeout"` // a socket silent this long is closed
	LogLevel       string        `json:"log_level"`    // debug, info, warn, error
	LogFormat      string        `json:"log_format"`   // text or json
	Demo           bool          `json:"demo"`         // load the demo data set into an empty database
	MaxBody        int64         `json:"max_body"`
	TrustedProxies []string      `json:"trusted_proxies"` // reverse proxies whose X-Forwarded-For is believed (their addresses or CIDRs)
	WorkingHours   string        `json:"working_hours"`   // when a silent phone is flagged, local time
	SilentAfter    Duration      `json:"silent_after"`    // how long a phone may be unseen during working hours
	Shutdown       time.Duration `json:"-"`

	Google  Google         `json:"google"`  // two-way sync with Google Contacts (off unless connected)
	FCM     FCM            `json:"fcm"`     // push through Firebase Cloud Messaging (off unless configured)
	Web     Web            `json:"web"`     // the office web view
	Backup  Backup         `json:"backup"`  // daily backups
	Metrics Metrics        `json:"metrics"` // who may read /metrics besides admins and this machine
	TLS     tlsconf.Config `json:"tls"`     // how the listener is secured (tls.go)
	Calls   Calls          `json:"calls"`   // when a call whose end was never reported stops being in progress

	Messages Messages `json:"messages"` // SMS through the phones, e-mail through the office's account
}

// Default is the embedded default: a local SQLite file, no Google, no
// Firebase.
func Default() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		DB:            "ringcard.db",
		DefaultRegion: "IT",
		PairCodeTTL:   Duration(10 * time.Minute),
		Retention:     Duration(7 * 24 * time.Hour),
		AuditKeep:     Duration(365 * 24 * time.Hour),
		SigninKeep:    Duration(30 * 24 * time.Hour),
		PingInterval:  Duration(30 * time.Second),
		IdleTimeout:   Duration(90 * time.Second),
		LogLevel:      "info",
		LogFormat:     "text",
		MaxBody:       1 << 20,
		WorkingHours:  "mon-fri 09:00-18:00",
		SilentAfter:   Duration(30 * time.Minute),
		Shutdown:      5 * time.Second,
	}
}

// Validate rejects settings that cannot work together.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("addr %q: want host:port: %w", c.Addr, err)
	}
	if c.DB == "" {
		return fmt.Errorf("db: a file path is required")
	}
	if !contacts.KnownRegion(strings.ToUpper(c.DefaultRegion)) {
		return fmt.Errorf("default_region %q: not a country phone numbers are known for; want a two-letter ISO 3166 code such as IT, RU or GB", c.DefaultRegion)
	}
	c.DefaultRegion = strings.ToUpper(c.DefaultRegion)
	if c.PairCodeTTL.D() < time.Minute {
		return fmt.Errorf("pair_code_ttl %s: at least 1m", c.PairCodeTTL)
	}
	if c.PingInterval.D() <= 0 || c.IdleTimeout.D() <= c.PingInterval.D() {
		return fmt.Errorf("idle_timeout (%s) must be longer than ping_interval (%s)", c.IdleTimeout, c.PingInterval)
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("trusted_proxies: %q is not an address or CIDR", p)
			}
		}
	}
	if _, err := ParseWorkingHours(c.WorkingHours); err != nil {
		return err
	}
	if c.SilentAfter.D() < time.Minute {
		return fmt.Errorf("silent_after %s: at least 1m", c.SilentAfter)
	}
	if c.Retention.D() < time.Hour {
		return fmt.Errorf("event_retention %s: at least 1h", c.Retention)
	}
	if d := c.AuditKeep.D(); d != 0 && d < 24*time.Hour {
		return fmt.Errorf("audit_retention %s: at least 24h, or 0 to keep the audit log for ever", c.AuditKeep)
	}
	if d := c.SigninKeep.D(); d != 0 && d < 24*time.Hour { // the sign-in delays count the last day's failures
		return fmt.Errorf("signin_retention %s: at least 24h (sign-in delays count the last day's failures), or 0 to keep attempts for ever", c.SigninKeep)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("log_format %q: text or json", c.LogFormat)
	}
	return errors.Join(c.Google.validate(), c.FCM.validate(), c.Web.Validate(), c.Backup.validate(), c.Metrics.validate(), c.validateTLS(), c.Calls.validate(), c.Messages.validate())
}

// BaseURL is the URL phones are told to reach the server at: public_url,
// or http(s)://<addr> (https whenever the listener is not plain loopback),
// with a wildcard host (0.0.0.0, ::) replaced by this machine's LAN
// address, which phones on the office network can open.
func (c *Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	scheme := c.TLS.Resolve(c.Addr)
	if scheme != tlsconf.ModePlain {
		scheme = "https"
	} else {
		scheme = "http"
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return scheme + "://" + c.Addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = lanAddress()
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// lanAddress is the first non-loopback IPv4 address of this machine, or
// 127.0.0.1 when it has none.
func lanAddress() string {
	addrs, err := net.InterfaceAddrs()
	if err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
				return n.IP.String()
			}
		}
	}
	return "127.0.0.1"
}

// Duration is a time.Duration that reads and writes as text ("10m").
type Duration time.Duration

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String is the duration as time.Duration writes it ("10m0s").
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText writes "10m0s".
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "10m", "90s", "168h".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: %w", b, err)
	}
	*d = Duration(v)
	return nil
}

// Load builds the effective config: defaults, then the JSON file at
// path (if path is not empty; a missing file is an error only when
// required), then RINGCARD_<KEY> environment variables read with getenv.
// Flags are applied by the caller on top.
func Load(path string, required bool, getenv func(string) string) (Config, error) {
	cfg := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&cfg); err != nil {
				return cfg, fmt.Errorf("config file %s: %w", path, err)
			}
		case errors.Is(err, fs.ErrNotExist) && !required:
		default:
			return cfg, fmt.Errorf("config file: %w", err)
		}
	}
	if err := applyEnv(&cfg, getenv); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// EnvName is the environment variable for a config key: RINGCARD_DB,
// RINGCARD_GOOGLE_ENDPOINT for "google.endpoint".
func EnvName(key string) string {
	return "RINGCARD_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Keys lists every settable key, nested ones as "google.endpoint".
func Keys() []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := 0; i < t.NumField(); i++ {
			key := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
			if key == "" || key == "-" {
				continue
			}
			ft := t.Field(i).Type
			if ft.Kind() == reflect.Struct && !reflect.PointerTo(ft).Implements(textUnmarshaler) {
				walk(ft, prefix+key+".")
				continue
			}
			out = append(out, prefix+key)
		}
	}
	walk(reflect.TypeOf(Config{}), "")
	return out
}

var textUnmarshaler = reflect.TypeOf((*interface{ UnmarshalText([]byte) error })(nil)).Elem()

// applyEnv sets every field whose RINGCARD_<JSON KEY> variable is set; a
// <KEY>_FILE variable reads the value from a file (for secrets).
func applyEnv(cfg *Config, getenv func(string) string) error {
	for _, key := range Keys() {
		val := getenv(EnvName(key))
		if f := getenv(EnvName(key) + "_FILE"); f != "" && val == "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return fmt.Errorf("%s_FILE: %w", EnvName(key), err)
			}
			val = strings.TrimSpace(string(b))
		}
		if val == "" {
			continue
		}
		if err := Set(cfg, key, val); err != nil {
			return fmt.Errorf("%s: %w", EnvName(key), err)
		}
	}
	return nil
}

// Set sets the config field with the given key ("db",
// "google.endpoint") from text.
func Set(cfg *Config, key, val string) error {
	v := reflect.ValueOf(cfg).Elem()
	parts := strings.Split(key, ".")
	for _, part := range parts[:len(parts)-1] {
		f, ok := fieldByTag(v, part)
		if !ok || f.Kind() != reflect.Struct {
			return fmt.Errorf("unknown config key %q", key)
		}
		v = f
	}
	f, ok := fieldByTag(v, parts[len(parts)-1])
	if !ok {
		return fmt.Errorf("unknown config key %q", key)
	}
	{
		if u, ok := f.Addr().Interface().(interface{ UnmarshalText([]byte) error }); ok {
			return u.UnmarshalText([]byte(val))
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString(val)
		case reflect.Bool:
			b, err := strconv.ParseBool(val)
			if err != nil {
				return fmt.Errorf("%q is not true or false", val)
			}
			f.SetBool(b)
		case reflect.Slice:
			if f.Type().Elem().Kind() != reflect.String {
				return fmt.Errorf("cannot set %s from text", key)
			}
			var items []string
			for _, it := range strings.Split(val, ",") {
				if it = strings.TrimSpace(it); it != "" {
					items = append(items, it)
				}
			}
			f.Set(reflect.ValueOf(items))
		case reflect.Int, reflect.Int64:
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a number", val)
			}
			f.SetInt(n)
		default:
			return fmt.Errorf("cannot set %s from text", key)
		}
		return nil
	}
}

func fieldByTag(v reflect.Value, key string) (reflect.Value, bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if strings.Split(t.Field(i).Tag.Get("json"), ",")[0] == key {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// Effective is the configuration as ringcard will use it, for `ringcard
// config`: defaults that are computed are filled in (the public URL, the
// backup folder, time and retention, FCM TTLs) and secrets are masked.
func (c Config) Effective() Config {
	out := c
	out.PublicURL = c.BaseURL()
	out.Backup.Dir = c.Backup.DirFor(c.DB)
	h, m := c.Backup.At()
	out.Backup.Time = fmt.Sprintf("%02d:%02d", h, m)
	out.Backup.KeepDaily, out.Backup.KeepWeekly = c.Backup.Retention()
	ttls := push.DefaultTTLs()
	for _, f := range []struct {
		v   *Duration
		def time.Duration
	}{{&out.FCM.SyncTTL, ttls.Sync}, {&out.FCM.EventTTL, ttls.Event}, {&out.FCM.DialTTL, ttls.Dial}} {
		if *f.v == 0 {
			*f.v = Duration(f.def)
		}
	}
	if out.Messages.Mail.Password != "" {
		out.Messages.Mail.Password = "(set, not shown)"
	}
	if out.Google.ClientSecret != "" {
		out.Google.ClientSecret = "(set, not shown)"
	}
	if out.Metrics.Token != "" {
		out.Metrics.Token = "(set, not shown)"
	}
	return out
}
