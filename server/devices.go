package server

import (
	"fmt"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// DeviceRow is a device as the CLI and the office list it.
type DeviceRow struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	DeviceName string         `json:"device_name"`
	Platform   string         `json:"platform"`
	AppVersion string         `json:"app_version"`
	SIMs       []contacts.SIM `json:"sims"`
	PushFCM    bool           `json:"fcm_token"`
	CreatedAt  time.Time      `json:"created_at"`
	LastSeen   *time.Time     `json:"last_seen"`
	Status     string         `json:"status"` // active or revoked
}

// NewDeviceRow describes d.
func NewDeviceRow(d *contacts.Device) DeviceRow {
	r := DeviceRow{ID: d.ID, Name: d.Name, DeviceName: d.DeviceName, Platform: d.Platform, AppVersion: d.AppVersion,
		SIMs: d.SIMs, PushFCM: d.FCMToken != "", CreatedAt: d.CreatedAt, Status: "active"}
	if r.SIMs == nil {
		r.SIMs = []contacts.SIM{}
	}
	if !d.LastSeen.IsZero() {
		t := d.LastSeen
		r.LastSeen = &t
	}
	if d.Revoked() {
		r.Status = "revoked"
	}
	return r
}

// SIMText is "1:Sales line, 2:Personal".
func (r DeviceRow) SIMText() string {
	var parts []string
	for _, s := range r.SIMs {
		part := fmt.Sprintf("%d:%s", s.Slot, s.Label)
		if p := s.EffectivePolicy(); p != contacts.SIMWork {
			part += " (" + p + ")"
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// LastSeenText is the last-seen time in local time, or "never".
func (r DeviceRow) LastSeenText() string {
	if r.LastSeen == nil {
		return "never"
	}
	return r.LastSeen.Local().Format("2006-01-02 15:04")
}
