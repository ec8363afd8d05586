package contacts

import (
	"strings"
	"time"
)

// Card is what a phone shows when a number rings or is dialled, built from
// the template that applies to the contact.
type Card struct {
	Known        bool
	ContactID    string
	Number       *CardNumber // nil for a withheld number
	DisplayName  string
	Groups       []string
	Fields       []CardField
	Note         string
	History      []HistoryEntry // newest first, bounded by the template
	LastCall     *Call
	SIM          *SIM
	Style        Style
	OtherMatches []Match
	Numbers      []Number // every number of the contact: directory cards only
	Rev          int64
	OnCall       *OnCall // a colleague is on a call with this contact now
}

// OnCall says who is on a call with the contact, since when.
type OnCall struct {
	By       string
	DeviceID string
	Since    time.Time
	CallID   string
}

// CardNumber is the number a card is about.
type CardNumber struct {
	Raw   string
	E164  string
	Type  string
	Label string
}

// CardField is one rendered field of a card.
type CardField struct {
	Key   string
	Label string
	Value string
	Color string
	Size  int
}

// Match names another contact that shares the number.
type Match struct {
	ContactID   string
	DisplayName string
}

// CardInput is everything a card is built from; the store gathers it.
type CardInput struct {
	Contact      *Contact // nil when no contact has the number
	Number       *Parsed  // the number rung or dialled; nil when withheld or for a directory card
	History      []HistoryEntry
	LastCall     *Call
	SIM          *SIM
	OtherMatches []Match
	OnCall       *OnCall
	Directory    bool // list every number, for the phone's offline directory
	// Derived holds the values of fields that are not on the contact (debt,
	// open_orders), rendered by the caller when the template shows them.
	Derived map[string]string
}

// HistoryLimit is how many history entries the card for c needs at most:
// the store reads no more than that.
func (t *Templates) HistoryLimit(c *Contact) int { return t.For(c).HistoryMax }

// BuildCard builds the card for in with the template that applies.
func BuildCard(t *Templates, in CardInput) Card {
	tpl := t.For(in.Contact)
	card := Card{Style: tpl.Style, SIM: in.SIM, LastCall: in.LastCall, OtherMatches: in.OtherMatches, OnCall: in.OnCall}
	if in.Number != nil && in.Number.Key != "" {
		card.Number = &CardNumber{Raw: in.Number.Raw, E164: in.Number.E164}
	}
	hist := in.History
	if len(hist) > tpl.HistoryMax {
		hist = hist[:tpl.HistoryMax]
	}
	card.History = hist
	c := in.Contact
	if c == nil {
		if card.Number != nil {
			card.DisplayName = card.Number.Raw
		}
		return card
	}
	card.Known = true
	card.ContactID = c.ID
	card.Rev = c.Rev
	card.DisplayName = c.Name()
	card.Groups = c.Groups
	card.Note = Truncate(c.Note, tpl.NoteMax)
	if tpl.NoteMax == 0 {
		card.Note = ""
	}
	if card.Number != nil {
		if n, ok := c.NumberByKey(in.Number.Key); ok {
			card.Number.Type, card.Number.Label = n.Type, n.Label
		}
	} else if len(c.Numbers) > 0 && in.Number == nil {
		n := c.Numbers[0]
		card.Number = &CardNumber{Raw: n.Raw, E164: n.E164, Type: n.Type, Label: n.Label}
	}
	if in.Directory {
		card.Numbers = append([]Number{}, c.Numbers...) // never nil: a directory card lists its numbers, maybe none
	}
	for _, f := range tpl.Fields {
		v, ok := in.Derived[f.Key]
		if !ok {
			v = FieldValue(c, f.Key)
		}
		if v != "" {
			card.Fields = append(card.Fields, CardField{Key: f.Key, Label: f.Label, Value: v, Color: f.Color, Size: f.Size})
		}
	}
	return card
}

// FieldValue renders one template field of c; "" means the card leaves it out.
func FieldValue(c *Contact, key string) string {
	switch key {
	case FieldCompany:
		return c.Company
	case FieldJobTitle:
		return c.JobTitle
	case FieldDepartment:
		return c.Department
	case FieldNickname:
		return c.Nickname
	case FieldStage:
		return c.Stage
	case FieldGroups:
		return strings.Join(c.Groups, ", ")
	case FieldBirthday:
		return c.Birthday
	case FieldWebsite:
		return strings.Join(c.Websites, ", ")
	case FieldPhones:
		var out []string
		for _, n := range c.Numbers {
			out = append(out, JoinNonEmpty(" ", n.Raw, paren(n.Label)))
		}
		return strings.Join(out, ", ")
	case FieldEmail:
		var out []string
		for _, e := range c.Emails {
			out = append(out, e.Address)
		}
		return strings.Join(out, ", ")
	case FieldAddress:
		var out []string
		for _, a := range c.Addresses {
			out = append(out, a.Formatted)
		}
		return strings.Join(out, "; ")
	}
	if name, ok := strings.CutPrefix(key, CustomPrefix); ok {
		for _, f := range c.Custom {
			if strings.EqualFold(f.Key, name) {
				return f.Value
			}
		}
	}
	return ""
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}
