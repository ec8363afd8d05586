package contacts

import (
	"encoding/json"
	"fmt"
	"time"
)

// Seed is a data set to load into an empty store: the demo data, and the
// generated sets the benchmarks use. Its JSON shape is testdata/demo.json's.
type Seed struct {
	Version       int           `json:"version"`
	DefaultRegion string        `json:"default_region"`
	Staff         []string      `json:"staff"`
	Stages        []string      `json:"stages"`
	Contacts      []SeedContact `json:"contacts"`
	// MessageTemplates are the office's message templates (the shape of
	// GET /api/v1/office/message-templates' list), kept raw: the messages
	// package reads them.
	MessageTemplates json.RawMessage `json:"message_templates,omitempty"`
}

// SeedContact is a contact with its past history.
type SeedContact struct {
	Contact
	History []SeedEntry `json:"history,omitempty"`
}

// SeedEntry is one past call, note or stage change.
type SeedEntry struct {
	Kind      string    `json:"kind"`
	At        time.Time `json:"at"`
	By        string    `json:"by"`
	Direction string    `json:"direction,omitempty"`
	Outcome   string    `json:"outcome,omitempty"`
	DurationS int       `json:"duration_s,omitempty"`
	SIMSlot   int       `json:"sim_slot,omitempty"`
	Text      string    `json:"text,omitempty"`
	Stage     string    `json:"stage,omitempty"`
}

// ParseSeed decodes a seed file.
func ParseSeed(data []byte) (*Seed, error) {
	var s Seed
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("parse seed: %w", err)
	}
	if s.Version != 1 {
		return nil, fmt.Errorf("parse seed: version %d, want 1", s.Version)
	}
	return &s, nil
}
