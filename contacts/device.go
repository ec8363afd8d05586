package contacts

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

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

// EffectivePolicy is the SIM's policy. Until someone chooses one, a SIM
// whose name says personal in any of the office's languages ("Personal",
// "Личная", "Casa"...) is private, any other work: a staff member's
// personal calls are not logged by default.
func (s SIM) EffectivePolicy() string {
	if s.Policy != "" {
		return s.Policy
	}
	if SaysPersonal(s.Label) {
		return SIMPrivate
	}
	return SIMWork
}

// StatedPolicy is the policy as phones are told it: the one chosen, or
// private for an unchosen SIM whose name says personal; "" (work) for any
// other unchosen SIM, as before names counted.
func (s SIM) StatedPolicy() string {
	if s.Policy == "" && s.EffectivePolicy() == SIMPrivate {
		return SIMPrivate
	}
	return s.Policy
}

// personalWords are the words that make a SIM's name say personal, folded
// (lower case, no accents): English, Italian, then Russian stems, which
// take every ending (личная, личный, личн., домашняя, домашний...).
var (
	personalWords = []string{"personal", "private", "home", "personale", "personali", "privata", "privato", "casa"}
	personalStems = []string{"личн", "персональн", "домашн"}
)

// SaysPersonal reports whether a SIM's name says it is the carrier's
// own line, in English, Russian or Italian, whatever the case or accents:
// a word of it is one of personalWords or starts with one of
// personalStems ("Personal", "SIM 2 (privata)", "Личный номер").
func SaysPersonal(label string) bool {
	words := strings.FieldsFunc(Fold(label), func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range words {
		if slices.Contains(personalWords, w) {
			return true
		}
		for _, st := range personalStems {
			if strings.HasPrefix(w, st) {
				return true
			}
		}
	}
	return false
}

// ParseSIMPolicies reads SIM policies as given on the command line or a
// form: "1=work", "2=private" (slot 1 to 8, policy work, private or
// ignore). A slot given twice is an error.
func ParseSIMPolicies(specs []string) (map[int]string, error) {
	out := map[int]string{}
	for _, spec := range specs {
		slot, policy, ok := strings.Cut(strings.TrimSpace(spec), "=")
		n, err := strconv.Atoi(strings.TrimSpace(slot))
		policy = strings.ToLower(strings.TrimSpace(policy))
		switch {
		case !ok || err != nil || n < 1 || n > 8:
			return nil, Errorf(EInvalid, "sim %q: want SLOT=POLICY with a slot from 1 to 8, e.g. 1=work", spec)
		case policy == "" || !ValidSIMPolicy(policy):
			return nil, Errorf(EInvalid, "sim %q: the policy is work, private or ignore", spec)
		}
		if _, dup := out[n]; dup {
			return nil, Errorf(EInvalid, "sim %d: given twice", n)
		}
		out[n] = policy
	}
	return out, nil
}

// ApplySIMPolicies gives each SIM in sims with no policy yet the one
// chosen for its slot in pending, and returns what is left pending (slots
// the phone has not reported).
func ApplySIMPolicies(sims []SIM, pending map[int]string) map[int]string {
	left := maps.Clone(pending)
	for i := range sims {
		p, ok := left[sims[i].Slot]
		if !ok {
			continue
		}
		if sims[i].Policy == "" {
			sims[i].Policy = p
		}
		delete(left, sims[i].Slot)
	}
	return left
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
