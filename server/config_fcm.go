package server

// FCMConfig configures ringcard's part: FCM is push through Firebase Cloud Messaging, for phones with no open socket.
type FCMConfig struct {
}

// validate rejects bad fcm settings.
func (c *FCMConfig) validate() error { return nil }
