package server

import (
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/messaging"
)

// The names below keep callers outside this package building while they
// move to package config; the next commit removes them.

// Config is config.Config.
type Config = config.Config

// Duration is config.Duration.
type Duration = config.Duration

// Section types, now in package config.
type (
	BackupConfig   = config.Backup   // BackupConfig is config.Backup.
	CallsConfig    = config.Calls    // CallsConfig is config.Calls.
	FCMConfig      = config.FCM      // FCMConfig is config.FCM.
	GoogleConfig   = config.Google   // GoogleConfig is config.Google.
	MessagesConfig = config.Messages // MessagesConfig is config.Messages.
	MailConfig     = config.Mail     // MailConfig is config.Mail.
	MetricsConfig  = config.Metrics  // MetricsConfig is config.Metrics.
	WebConfig      = config.Web      // WebConfig is config.Web.
)

// Functions now in package config.
var (
	DefaultConfig = config.Default // DefaultConfig is config.Default.
	LoadConfig    = config.Load    // LoadConfig is config.Load.
	EnvName       = config.EnvName // EnvName is config.EnvName.
	ConfigKeys    = config.Keys    // ConfigKeys is config.Keys.
	SetField      = config.Set     // SetField is config.Set.
)

// MessagingConfig is Config.Messaging.
func MessagingConfig(c Config) (messaging.Config, error) { return c.Messaging() }
