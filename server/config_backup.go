package server

// BackupConfig configures ringcard's part: Backup is the daily online backup.
type BackupConfig struct {
}

// validate rejects bad backup settings.
func (c *BackupConfig) validate() error { return nil }
