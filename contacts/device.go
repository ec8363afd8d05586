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
	Policy  string `json:"policy,omitempty"` // SIMWork (default), SIMPrivate or SIMIgnore; set by the office
}

// SIM policies: what ringcard does with calls on a SIM. Staff carry their
// personal SIM in the same phone; the office decides per device and slot.
const (
	SIMWork    = "work"    // cards shown, calls logged
	SIMPrivate = "private" // cards shown, nothing logged: no call record, no event, no audit line
	SIMIgnore  = "ignore"  // no card and nothing logged: the call is not looked at
)

// ValidSIMPolicy reports whether p is a policy ("" means work).
func ValidSIMPolicy(p string) bool {
	return p == "" || p == SIMWork || p == SIMPrivate || p == SIMIgnore
}

// EffectivePolicy is the SIM's policy, work when unset.
func (s SIM) EffectivePolicy() string {
	if s.Policy == "" {
		return SIMWork
	}
	return s.Policy
}

// MergeSIMs takes what a phone reports about its SIMs (slots, labels,
// carriers) and keeps the office's policy for each slot from old.
func MergeSIMs(old, reported []SIM) []SIM {
	out := make([]SIM, len(reported))
	for i, s := range reported {
		s.Policy = ""
		for _, o := range old {
			if o.Slot == s.Slot {
				s.Policy = o.Policy
			}
		}
		out[i] = s
	}
	return out
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
		if s.Region != "" && !KnownRegion(s.Region) {
			return Errorf(EInvalid, "sims[%d].region: %q is not an ISO 3166 two-letter code with phone numbering (IT, RU...)", i, cut(s.Region, 10))
		}
		if !ValidSIMPolicy(s.Policy) {
			return Errorf(EInvalid, "sims[%d].policy: work, private or ignore", i)
		}
	}
	return nil
}
