package dataio

import (
	"strings"

	"github.com/emersion/go-vcard"

	"github.com/ringcard/ringcard/contacts"
)

// ownCard tells a card ringcard's export wrote (its PRODID names ringcard).
func ownCard(card vcard.Card) bool {
	return strings.Contains(firstValue(card, vcard.FieldProductID), "ringcard")
}

// readOwnCard reads the rest of a card ringcard's export wrote (see
// contactCard) back exactly: its ID, a number's type and label as stored
// (an untyped number labelled "Office" stays untyped, where a phone's
// card saying "Office" means a work number), e-mail and address types,
// whole group names, the stage as written and custom fields.
func readOwnCard(card vcard.Card, r *Record, region string) {
	c := &r.Contact
	c.ID = firstValue(card, vcard.FieldUID)
	labels, types := map[string]string{}, map[string]string{} // by item group
	for _, f := range card[strings.ToUpper(vcardItemLabel)] {
		labels[f.Group] = f.Value
	}
	for _, f := range card[vcardItemType] {
		types[f.Group] = f.Value
	}
	item := func(f *vcard.Field, m map[string]string) (string, bool) {
		if f.Group == "" {
			return "", false
		}
		v, ok := m[f.Group]
		return v, ok
	}
	for _, f := range card[vcard.FieldTelephone] {
		raw := strings.TrimSpace(f.Value)
		if raw == "" {
			continue
		}
		typ, _ := vcardPhoneType(f)
		if t, ok := item(f, types); ok {
			typ = t
		}
		label := f.Params.Get(vcardLabel) // exports before X-ABLabel
		if l, ok := item(f, labels); ok {
			label = l
		}
		addCardNumber(c, r, raw, typ, label, region)
	}
	for _, f := range card[vcard.FieldEmail] {
		if a := strings.TrimSpace(f.Value); a != "" {
			typ := vcardType(f)
			if l, ok := item(f, labels); ok {
				typ = l
			}
			c.Emails = append(c.Emails, contacts.Email{Address: a, Type: typ})
		}
	}
	for _, f := range card[vcard.FieldAddress] {
		// contactCard writes the formatted address as the street: ";;TEXT;;;;".
		a, ok := strings.CutPrefix(f.Value, ";;")
		if ok {
			a, ok = strings.CutSuffix(a, ";;;;")
		}
		if !ok {
			a = contacts.JoinNonEmpty(", ", strings.Split(f.Value, ";")...)
		}
		if a != "" {
			typ := vcardType(f)
			if l, ok := item(f, labels); ok {
				typ = l
			}
			c.Addresses = append(c.Addresses, contacts.Address{Formatted: a, Type: typ})
		}
	}
	cardCommon(card, r, func(f *vcard.Field) string { return f.Value })
	for _, f := range card[vcard.FieldCategories] {
		c.Groups = appendOwnGroups(c.Groups, f.Value)
	}
	c.Stage = firstValue(card, vcardStage)
	for _, f := range card[vcardCustom] {
		key := f.Params.Get("KEY") // exports before X-ABLabel
		if l, ok := item(f, labels); ok {
			key = l
		}
		c.Custom = append(c.Custom, contacts.CustomField{Key: key, Value: f.Value})
	}
}
