package contacts

import "time"

// Device is a paired phone. Its token is never stored, only its hash.
type Device struct {
	ID         string
	Name       string // who carries the phone: notes and calls are attributed to it
	DeviceName string // what the phone calls itself ("Sales phone 1")
	Platform   string
	AppVersion string
	SIMs       []SIM
	FCMToken   string
	CreatedAt  time.Time
	LastSeen   time.Time
	RevokedAt  time.Time // zero while the device is active
}

// SIM is one SIM slot of a paired phone.
type SIM struct {
	Slot    int    `json:"slot"`
	Label   string `json:"label,omitempty"`
	Carrier string `json:"carrier,omitempty"`
	Region  string `json:"region,omitempty"` // ISO country whose national numbers this SIM dials
}

// Revoked reports whether the device has been revoked.
func (d *Device) Revoked() bool { return !d.RevokedAt.IsZero() }

// SIM returns the SIM in the given slot.
func (d *Device) SIM(slot int) (SIM, bool) {
	for _, s := range d.SIMs {
		if s.Slot == slot {
			return s, true
		}
	}
	return SIM{}, false
}

// ValidateSIMs checks slots are positive and unique.
func ValidateSIMs(sims []SIM) error {
	if len(sims) > 8 {
		return Errorf(EInvalid, "sims: at most 8")
	}
	seen := map[int]bool{}
	for i, s := range sims {
		if s.Slot < 1 || s.Slot > 8 {
			return Errorf(EInvalid, "sims[%d].slot: must be between 1 and 8", i)
		}
		if seen[s.Slot] {
			return Errorf(EInvalid, "sims[%d].slot: slot %d listed twice", i, s.Slot)
		}
		seen[s.Slot] = true
		if len(s.Label) > 100 || len(s.Carrier) > 100 {
			return Errorf(EInvalid, "sims[%d]: label and carrier are at most 100 bytes", i)
		}
		if s.Region != "" && len(s.Region) != 2 {
			return Errorf(EInvalid, "sims[%d].region: an ISO 3166 two-letter code", i)
		}
	}
	return nil
}
