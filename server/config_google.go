package server

// GoogleConfig configures ringcard's part: Google is the two-way sync with the office's Google Contacts account.
type GoogleConfig struct {
}

// validate rejects bad google settings.
func (c *GoogleConfig) validate() error { return nil }
