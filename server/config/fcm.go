package config

import (
	"fmt"
	"time"
)

// FCM configures push through Firebase Cloud Messaging, used only for
// phones with no open websocket. Off unless a project ID is set.
type FCM struct {
	ProjectID       string   `json:"project_id"`       // the Firebase project; empty: FCM off
	CredentialsFile string   `json:"credentials_file"` // service-account JSON key (readable by ringcard only)
	Endpoint        string   `json:"endpoint"`         // FCM base URL, e.g. a stand-in's http://127.0.0.1:9000/v1; empty: Google's
	SyncTTL         Duration `json:"sync_ttl"`         // how long a "sync" tickle may wait on Google's side
	EventTTL        Duration `json:"event_ttl"`
	DialTTL         Duration `json:"dial_ttl"`
}

// Enabled reports whether FCM is configured.
func (c *FCM) Enabled() bool { return c.ProjectID != "" }

// validate rejects bad fcm settings.
func (c *FCM) validate() error {
	if c.ProjectID == "" {
		if c.CredentialsFile != "" || c.Endpoint != "" {
			return fmt.Errorf("fcm: credentials_file or endpoint set but no project_id")
		}
		return nil
	}
	if c.CredentialsFile == "" && c.Endpoint == "" {
		return fmt.Errorf("fcm.credentials_file: required with fcm.project_id (a service-account key file)")
	}
	for name, d := range map[string]Duration{"sync_ttl": c.SyncTTL, "event_ttl": c.EventTTL, "dial_ttl": c.DialTTL} {
		if d.D() < 0 || d.D() > 28*24*time.Hour {
			return fmt.Errorf("fcm.%s: between 0 and 28 days", name)
		}
	}
	return nil
}
