package contactsync

import (
	"context"
	"slices"
	"strings"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Ways to resolve a conflict.
const (
	KeepLocal  = "local"  // ringcard's value
	KeepGoogle = "google" // Google's value
	KeepValue  = "value"  // a value the person typed (e.g. both texts combined)
)

// ResolveConflict settles a conflict: the field gets the chosen value, the
// extra field that showed Google's value goes, and the result is queued
// for Google (as the actor in ctx). A contact deleted in Google and kept
// here is deleted when Google's side is chosen. A "match" conflict (a
// ringcard contact that could be several Google contacts) is answered
// with "value" and the resource name of the Google contact it is, "google"
// when it had a single candidate, or "local" to keep it as its own
// contact; the next sync acts on the answer.
func ResolveConflict(ctx context.Context, db *sqlite.DB, id int64, choice, value string) (*sqlite.SyncConflict, error) {
	switch choice {
	case KeepLocal, KeepGoogle, KeepValue:
	default:
		return nil, contacts.Errorf(contacts.EInvalid, "choice: %q is not local, google or value", choice)
	}
	if k, err := db.SyncConflict(ctx, id); err != nil {
		return nil, err
	} else if k.Field == sqlite.ConflictMatch {
		return resolveMatch(ctx, db, k, choice, value)
	}
	deleteAfter := false
	k, err := db.ResolveSyncConflict(ctx, id, choice, func(k *sqlite.SyncConflict, c *contacts.Contact) error {
		v := value
		switch choice {
		case KeepLocal:
			v = k.Local
		case KeepGoogle:
			v = k.Google
		}
		if k.Field == "deleted" {
			deleteAfter = choice == KeepGoogle
			return nil
		}
		if key, ok := strings.CutPrefix(k.Field, "custom:"); ok {
			c.Custom = setCustom(c.Custom, key, v)
			c.Custom = setCustom(c.Custom, conflictPrefix+key, "")
			return nil
		}
		f, ok := scalarByField(k.Field)
		if !ok {
			return contacts.Errorf(contacts.EInvalid, "conflict %d: unknown field %q", k.ID, k.Field)
		}
		f.set(c, v)
		c.Custom = setCustom(c.Custom, conflictPrefix+k.Field, "")
		return nil
	})
	if err != nil {
		return nil, err
	}
	if deleteAfter {
		if err := db.DeleteContact(ctx, k.ContactID); err != nil && contacts.ErrorCode(err) != contacts.ENotFound {
			return k, err
		}
	}
	return k, nil
}

// setCustom sets (or with "" removes) a custom field.
func setCustom(fs []contacts.CustomField, key, value string) []contacts.CustomField {
	var out []contacts.CustomField
	done := false
	for _, f := range fs {
		if f.Key != key {
			out = append(out, f)
			continue
		}
		if value != "" && !done {
			out = append(out, contacts.CustomField{Key: key, Value: value})
			done = true
		}
	}
	if value != "" && !done {
		out = append(out, contacts.CustomField{Key: key, Value: value})
	}
	return out
}

// resolveMatch records the answer to a "match" conflict.
func resolveMatch(ctx context.Context, db *sqlite.DB, k *sqlite.SyncConflict, choice, value string) (*sqlite.SyncConflict, error) {
	cands := candidatesOf(k.Google)
	var decision, resolution string
	switch choice {
	case KeepLocal:
		decision, resolution = sqlite.HoldApart, "keep apart: push as a new Google contact"
	case KeepGoogle:
		if len(cands) != 1 {
			return nil, contacts.Errorf(contacts.EInvalid, "conflict %d has %d Google candidates: name one with choice value", k.ID, len(cands))
		}
		decision = cands[0]
	case KeepValue:
		if !slices.Contains(cands, value) {
			return nil, contacts.Errorf(contacts.EInvalid, "value: %q is not one of the Google candidates %s", value, strings.Join(cands, ", "))
		}
		decision = value
	}
	if resolution == "" {
		resolution = "link to " + decision
	}
	return db.ResolveMatchConflict(ctx, k.ID, resolution, decision)
}
