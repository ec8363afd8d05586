package dataio

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-vcard"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/internal/fsperm"
)

// writeVCF writes vCard 3.0 cards, lines folded at 75 bytes. What vCard
// has no property for (stage, custom fields, resource name) goes in X-
// properties ringcard reads back. A label, or a type vCard has no word
// for, goes in an X-ABLabel property grouped with its field (Apple's way,
// which Google and phones read too): a property value holds any text,
// where a parameter value cannot hold a comma, colon or semicolon.
func writeVCF(path string, list []*contacts.Contact) error {
	return fsperm.WriteAtomic(path, fsperm.File, func(f *os.File) error {
		w := bufio.NewWriter(f)
		var buf bytes.Buffer
		for _, c := range list {
			buf.Reset()
			if err := vcard.NewEncoder(&buf).Encode(contactCard(c)); err != nil {
				return fmt.Errorf("contact %s: %w", c.ID, err)
			}
			for _, line := range strings.SplitAfter(buf.String(), "\r\n") {
				if _, err := w.WriteString(foldLine(line)); err != nil {
					return err
				}
			}
		}
		return w.Flush()
	})
}

func contactCard(c *contacts.Contact) vcard.Card {
	card := vcard.Card{}
	card.SetValue(vcard.FieldVersion, "3.0")
	card.SetValue(vcard.FieldProductID, "-//ringcard//export//EN")
	card.SetValue(vcard.FieldUID, c.ID)
	card.SetValue(vcard.FieldFormattedName, c.Name())
	if c.DisplayName == "" {
		card.SetValue("X-RINGCARD-NO-DISPLAY-NAME", "1")
	}
	card.SetValue(vcard.FieldName, strings.Join([]string{c.FamilyName, c.GivenName, "", "", ""}, ";"))
	set := func(k, v string) {
		if v != "" {
			card.AddValue(k, v)
		}
	}
	set(vcard.FieldNickname, c.Nickname)
	if c.Company != "" || c.Department != "" {
		card.AddValue(vcard.FieldOrganization, c.Company+";"+c.Department)
	}
	set(vcard.FieldTitle, c.JobTitle)
	set(vcardResourceName, c.ResourceName)
	items := 0
	// grouped adds f with its label and type properties (when not "")
	// sharing a new group name: item1.TEL, item1.X-ABLabel.
	grouped := func(key string, f *vcard.Field, label, typ string) {
		if label != "" || typ != "" {
			items++
			f.Group = "item" + itoa(items)
		}
		card.Add(key, f)
		if label != "" {
			card.Add(vcardItemLabel, &vcard.Field{Group: f.Group, Value: label})
		}
		if typ != "" {
			card.Add(vcardItemType, &vcard.Field{Group: f.Group, Value: typ})
		}
	}
	for _, n := range c.Numbers {
		f := &vcard.Field{Value: n.Raw, Params: vcard.Params{}}
		odd := n.Type // a type vCard has no word for
		if t := vcardPhoneTypes[n.Type]; t != "" {
			f.Params.Add(vcard.ParamType, t)
			odd = ""
		}
		grouped(vcard.FieldTelephone, f, n.Label, odd)
	}
	for _, e := range c.Emails {
		f := &vcard.Field{Value: e.Address, Params: vcard.Params{}}
		grouped(vcard.FieldEmail, f, typeParam(f, e.Type), "")
	}
	for _, a := range c.Addresses {
		f := &vcard.Field{Value: ";;" + a.Formatted + ";;;;", Params: vcard.Params{}}
		grouped(vcard.FieldAddress, f, typeParam(f, a.Type), "")
	}
	for _, u := range c.Websites {
		card.AddValue(vcard.FieldURL, u)
	}
	set(vcard.FieldBirthday, c.Birthday)
	if len(c.Groups) > 0 {
		card.AddValue(vcard.FieldCategories, strings.Join(c.Groups, groupSep))
	}
	set(vcard.FieldNote, c.Note)
	set(vcardStage, c.Stage)
	for _, cf := range c.Custom {
		items++
		g := "item" + itoa(items)
		card.Add(vcardCustom, &vcard.Field{Group: g, Value: cf.Value})
		card.Add(vcardItemLabel, &vcard.Field{Group: g, Value: cf.Key})
	}
	if c.PhotoURL != "" {
		card.Add(vcard.FieldPhoto, &vcard.Field{Value: c.PhotoURL, Params: vcard.Params{vcard.ParamValue: {"uri"}}})
	}
	return card
}

// vcardPhoneTypes are the number types vCard has a TYPE for.
var vcardPhoneTypes = map[string]string{"mobile": "CELL", "work": "WORK", "home": "HOME", "main": "MAIN", "other": "OTHER"}

// typeParam sets TYPE on an e-mail or address field when vCard has the
// word for typ, and otherwise returns typ to be written as its label.
func typeParam(f *vcard.Field, typ string) string {
	switch typ {
	case "":
		return ""
	case "work", "home", "other":
		f.Params.Add(vcard.ParamType, typ)
		return ""
	}
	return typ
}

// foldLine folds a content line longer than 75 bytes (RFC 6350 3.2),
// never inside a UTF-8 sequence.
func foldLine(line string) string {
	body := strings.TrimSuffix(line, "\r\n")
	if len(body) <= 75 {
		return line
	}
	var b strings.Builder
	limit := 75
	for len(body) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		b.WriteString(body[:cut])
		b.WriteString("\r\n ")
		body = body[cut:]
		limit = 74
	}
	b.WriteString(body)
	if strings.HasSuffix(line, "\r\n") {
		b.WriteString("\r\n")
	}
	return b.String()
}
