package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/messaging"
)

// NewLogger builds the process's one logger from the config.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel))); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// OpenStore opens the configured database.
func OpenStore(ctx context.Context, cfg config.Config) (*sqlite.DB, error) {
	return sqlite.Open(ctx, cfg.DB, contacts.Normalizer{DefaultRegion: cfg.DefaultRegion})
}

// LoadDemo loads the demo data set into db if it has no contacts yet; it
// reports how many contacts it loaded (0 when the database was not empty).
func LoadDemo(ctx context.Context, db *sqlite.DB, data []byte) (int, error) {
	n, err := db.ContactCount(ctx)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, nil
	}
	seed, err := contacts.ParseSeed(data)
	if err != nil {
		return 0, err
	}
	if err := db.ImportSeed(ctx, seed.Contacts); err != nil {
		return 0, fmt.Errorf("load demo data: %w", err)
	}
	if len(seed.MessageTemplates) > 0 {
		var ts []messages.Template
		if err := json.Unmarshal(seed.MessageTemplates, &ts); err != nil {
			return 0, fmt.Errorf("load demo message templates: %w", err)
		}
		if err := messaging.SaveTemplates(ctx, db, ts); err != nil {
			return 0, fmt.Errorf("load demo message templates: %w", err)
		}
	}
	return len(seed.Contacts), nil
}
