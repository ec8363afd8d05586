package server

// WebConfig configures ringcard's part: Web is the office web view.
type WebConfig struct {
}

// validate rejects bad web settings.
func (c *WebConfig) validate() error { return nil }
