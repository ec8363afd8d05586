package sqlite

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/ringcard/ringcard/contacts"
)

// decodeCache keeps values decoded from stored JSON, by that JSON:
// decoding is a pure function of it, so an entry is never stale, whichever
// store or process wrote it. Each caller gets its own copy (clone), so it
// may change what it got.
//
// Contacts: a contact's card is rendered again after every note and call
// with the contact, which leave its JSON as it was, and a ringing phone's
// card reads the same few contacts again and again. Devices: every phone
// request reads its device, whose SIMs rarely change.
// BenchmarkDecodeContact has what it saves.
type decodeCache[T any] struct {
	what  string
	clone func(*T) *T
	mu    sync.Mutex
	m     map[string]*T
}

// decodeCacheMax bounds each cache: the contacts whose cards are being
// rendered and rung are few, while a phone's directory reads every contact
// once. For a contact, about 1-2 KB of JSON and as much decoded: at most
// about 1 MB. When full it starts again empty.
const decodeCacheMax = 256

func (k *decodeCache[T]) decode(data string) (*T, error) {
	k.mu.Lock()
	kept := k.m[data]
	k.mu.Unlock()
	if kept == nil {
		kept = new(T)
		if err := json.Unmarshal([]byte(data), kept); err != nil {
			return nil, fmt.Errorf("decode %s: %w", k.what, err)
		}
		k.mu.Lock()
		if k.m == nil || len(k.m) >= decodeCacheMax {
			k.m = map[string]*T{}
		}
		k.m[data] = kept
		k.mu.Unlock()
	}
	return k.clone(kept), nil
}

var (
	decodedContacts = decodeCache[contacts.Contact]{what: "contact", clone: cloneContact}
	decodedSIMs     = decodeCache[[]contacts.SIM]{what: "sims", clone: func(s *[]contacts.SIM) *[]contacts.SIM { c := slices.Clone(*s); return &c }}
)

func decodeContact(data string, rev int64, deleted bool) (*contacts.Contact, error) {
	c, err := decodedContacts.decode(data)
	if err != nil {
		return nil, err
	}
	c.Rev, c.Deleted = rev, deleted
	return c, nil
}

// cloneContact copies c so that changing the copy, its lists included,
// leaves c as it was (strings are immutable; every list is copied).
// TestCloneContactSharesNothing fails when Contact gains a field this
// does not copy.
func cloneContact(c *contacts.Contact) *contacts.Contact {
	d := *c
	d.Numbers = slices.Clone(c.Numbers)
	d.Emails = slices.Clone(c.Emails)
	d.Addresses = slices.Clone(c.Addresses)
	d.Websites = slices.Clone(c.Websites)
	d.Groups = slices.Clone(c.Groups)
	d.Custom = slices.Clone(c.Custom)
	return &d
}
