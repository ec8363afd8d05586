package sqlite

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/ringcard/ringcard/contacts"
)

// decodedContacts keeps contacts decoded from their stored JSON, by that
// JSON: decoding is a pure function of it, so an entry is never stale,
// whichever store or process wrote it. A contact's card is rendered again
// after every note and call with the contact, whose JSON those leave as it
// was, and the card of a ringing phone reads the same few contacts again
// and again: they are not decoded again (BenchmarkDecodeContact). Each
// caller gets its own copy (cloneContact), so it may change what it got.
var decodedContacts = struct {
	sync.Mutex
	m map[string]*contacts.Contact
}{m: map[string]*contacts.Contact{}}

// decodedMax bounds the cache (about 1-2 KB of JSON and as much decoded per
// contact); when full it starts again empty.
const decodedMax = 2048

func decodeContact(data string, rev int64, deleted bool) (*contacts.Contact, error) {
	decodedContacts.Lock()
	kept := decodedContacts.m[data]
	decodedContacts.Unlock()
	if kept == nil {
		kept = &contacts.Contact{}
		if err := json.Unmarshal([]byte(data), kept); err != nil {
			return nil, fmt.Errorf("decode contact: %w", err)
		}
		decodedContacts.Lock()
		if len(decodedContacts.m) >= decodedMax {
			clear(decodedContacts.m)
		}
		decodedContacts.m[data] = kept
		decodedContacts.Unlock()
	}
	c := cloneContact(kept)
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
