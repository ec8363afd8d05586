package server

import (
	"context"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// SetPairCodeSIMs records the SIM policies (slot -> work, private or
// ignore) chosen for the phone that will pair with code, as printed or
// typed. They are applied when the phone reports those SIMs, at pairing or
// later; a SIM left unchosen follows its name (contacts.SIM.EffectivePolicy).
func SetPairCodeSIMs(ctx context.Context, db *sqlite.DB, code string, policies map[int]string) error {
	if len(policies) == 0 {
		return nil
	}
	return db.SetPairCodeSIMs(ctx, normalizeCode(code), policies)
}
