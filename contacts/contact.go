package contacts

import "time"

// Contact holds what Google Contacts holds for a person and what a card may
// show. Numbers carry their normalized form so lookups never re-parse.
type Contact struct {
	ID           string        `json:"id"`
	ResourceName string        `json:"resource_name,omitempty"` // Google's people/cNNN once synced
	Etag         string        `json:"etag,omitempty"`          // Google's etag of the last synced version
	DisplayName  string        `json:"display_name"`
	GivenName    string        `json:"given_name,omitempty"`
	FamilyName   string        `json:"family_name,omitempty"`
	Nickname     string        `json:"nickname,omitempty"`
	Company      string        `json:"company,omitempty"`
	JobTitle     string        `json:"job_title,omitempty"`
	Department   string        `json:"department,omitempty"`
	Numbers      []Number      `json:"numbers,omitempty"`
	Emails       []Email       `json:"emails,omitempty"`
	Addresses    []Address     `json:"addresses,omitempty"`
	Websites     []string      `json:"websites,omitempty"`
	Birthday     string        `json:"birthday,omitempty"` // YYYY-MM-DD or --MM-DD
	Groups       []string      `json:"groups,omitempty"`
	Note         string        `json:"note,omitempty"`
	Custom       []CustomField `json:"custom,omitempty"`
	PhotoURL     string        `json:"photo_url,omitempty"`
	Stage        string        `json:"stage,omitempty"` // the current order or lead stage
	Rev          int64         `json:"rev,omitempty"`   // change cursor position; set by the store
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	Deleted      bool          `json:"deleted,omitempty"`
}

// Number is one phone number of a contact. Key is what lookups match on:
// the E.164 form when the number parses, otherwise its digits.
type Number struct {
	Raw   string `json:"raw"`
	E164  string `json:"e164,omitempty"`
	Key   string `json:"key"`
	Type  string `json:"type,omitempty"` // mobile, work, home, main, other
	Label string `json:"label,omitempty"`
}

// Email is one e-mail address.
type Email struct {
	Address string `json:"address"`
	Type    string `json:"type,omitempty"`
}

// Address is one postal address, kept formatted as Google shows it.
type Address struct {
	Formatted string `json:"formatted"`
	Type      string `json:"type,omitempty"`
}

// CustomField is a user-defined key/value (Google's userDefined).
type CustomField struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Name returns the best name to show for the contact.
func (c *Contact) Name() string {
	switch {
	case c.DisplayName != "":
		return c.DisplayName
	case c.GivenName != "" || c.FamilyName != "":
		return JoinNonEmpty(" ", c.GivenName, c.FamilyName)
	case c.Nickname != "":
		return c.Nickname
	case c.Company != "":
		return c.Company
	case len(c.Numbers) > 0:
		return c.Numbers[0].Raw
	}
	return ""
}

// NumberByKey returns the contact's number with the given key.
func (c *Contact) NumberByKey(key string) (Number, bool) {
	for _, n := range c.Numbers {
		if n.Key == key {
			return n, true
		}
	}
	return Number{}, false
}

// InGroup reports whether the contact belongs to the group (case-insensitive).
func (c *Contact) InGroup(group string) bool {
	for _, g := range c.Groups {
		if equalFold(g, group) {
			return true
		}
	}
	return false
}

// Validate checks a contact before it is stored: it needs something to be
// called by and numbers that were normalized.
func (c *Contact) Validate() error {
	if c.Name() == "" {
		return Errorf(EInvalid, "display_name: a contact needs a name, a company or a number")
	}
	if len(c.DisplayName) > 1000 {
		return Errorf(EInvalid, "display_name: longer than 1000 bytes")
	}
	if len(c.Note) > 100_000 {
		return Errorf(EInvalid, "note: longer than 100000 bytes")
	}
	for i, n := range c.Numbers {
		if n.Key == "" {
			return Errorf(EInvalidNumber, "numbers[%d]: %q is not a phone number", i, n.Raw)
		}
	}
	return nil
}
