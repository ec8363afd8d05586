package dataio

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-vcard"

	"github.com/ringcard/ringcard/contacts"
)

// vCard extensions ringcard writes so an export comes back whole.
const (
	vcardStage        = "X-RINGCARD-STAGE"
	vcardCustom       = "X-RINGCARD-FIELD"         // itemN.X-RINGCARD-FIELD:value with itemN.X-ABLabel:key (before: ;KEY=key)
	vcardResourceName = "X-RINGCARD-RESOURCE-NAME" // Google's people/cNNN
	vcardItemLabel    = "X-ABLabel"                // itemN.X-ABLabel: the label of the itemN field
	vcardItemType     = "X-RINGCARD-TYPE"          // itemN.X-RINGCARD-TYPE: a number type vCard has no TYPE for
	vcardLabel        = "X-LABEL"                  // a number's label as a parameter (exports before X-ABLabel)
)

func readVCF(data []byte, opt ReadOptions) (*Source, error) {
	text, err := normalizeVCards(data)
	if err != nil {
		return nil, err
	}
	src := &Source{}
	dec := vcard.NewDecoder(strings.NewReader(text))
	for n := 1; ; n++ {
		card, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			src.Records = append(src.Records, Record{Row: n, Skip: "not a readable vCard: " + err.Error()})
			if card == nil {
				break
			}
			continue
		}
		src.Records = append(src.Records, cardRecord(card, n, opt.Region))
	}
	if len(src.Records) == 0 {
		return nil, contacts.Errorf(contacts.EInvalid, "no vCards found")
	}
	if len(src.Records) == 1 && strings.HasPrefix(src.Records[0].Skip, "not a readable vCard") {
		// Nothing decoded at all: this is not a vCard file.
		return nil, contacts.Errorf(contacts.EInvalid, "no vCards found (%s)", strings.TrimPrefix(src.Records[0].Skip, "not a readable vCard: "))
	}
	return src, nil
}

// cardRecord reads one vCard (2.1 as normalizeVCards rewrote it, 3.0 or
// 4.0). Phones escape a semicolon in a value (\;); ringcard's own export
// does not, so its values are read as they are.
func cardRecord(card vcard.Card, n int, region string) Record {
	r := Record{Row: n}
	c := &r.Contact
	own := ownCard(card)
	val := func(f *vcard.Field) string {
		if own {
			return f.Value
		}
		return strings.ReplaceAll(f.Value, `\;`, ";")
	}
	parts := func(f *vcard.Field) []string {
		if own {
			return strings.Split(f.Value, ";")
		}
		return splitStructured(f.Value)
	}
	if f := card.Get(vcard.FieldFormattedName); f != nil {
		c.DisplayName = strings.TrimSpace(val(f))
	}
	if card.Get("X-RINGCARD-NO-DISPLAY-NAME") != nil {
		c.DisplayName = ""
	}
	if f := card.Get(vcard.FieldName); f != nil {
		parts := parts(f)
		get := func(i int) string {
			if i < len(parts) {
				return strings.TrimSpace(strings.ReplaceAll(parts[i], ",", " "))
			}
			return ""
		}
		c.FamilyName, c.GivenName = get(0), contacts.JoinNonEmpty(" ", get(1), get(2))
	}
	c.Nickname = firstValue(card, vcard.FieldNickname)
	if f := card.Get(vcard.FieldOrganization); f != nil {
		parts := parts(f)
		c.Company = strings.TrimSpace(parts[0])
		if len(parts) > 1 {
			c.Department = strings.TrimSpace(strings.Join(parts[1:], ";"))
		}
	}
	if c.Nickname == "" {
		c.Nickname = androidNickname(card)
	}
	c.JobTitle = firstValue(card, vcard.FieldTitle)
	c.ResourceName = firstValue(card, vcardResourceName)
	if own {
		readOwnCard(card, &r, region)
		finish(&r)
		return r
	}
	labels := map[string]string{} // Apple's item1.X-ABLabel
	for _, f := range card["X-ABLABEL"] {
		labels[f.Group] = strings.Trim(val(f), "_$!<>")
	}
	for _, f := range card[vcard.FieldTelephone] {
		raw := strings.TrimSpace(val(f))
		if strings.EqualFold(f.Params.Get(vcard.ParamValue), "uri") {
			raw = strings.TrimPrefix(raw, "tel:")
		}
		if raw == "" {
			continue
		}
		typ, label := vcardPhoneType(f)
		l := f.Params.Get(vcardLabel)
		if l == "" && f.Group != "" {
			l = labels[f.Group]
		}
		if t := knownType(l); t != "" && typ == "" {
			typ = t
		} else if l != "" {
			label = l
		}
		addCardNumber(c, &r, raw, typ, label, region)
	}
	for _, f := range card[vcard.FieldEmail] {
		if a := strings.TrimPrefix(strings.TrimSpace(val(f)), "mailto:"); a != "" {
			c.Emails = append(c.Emails, contacts.Email{Address: a, Type: vcardType(f)})
		}
	}
	for _, f := range card[vcard.FieldAddress] {
		parts := parts(f)
		if a := contacts.JoinNonEmpty(", ", parts...); a != "" {
			c.Addresses = append(c.Addresses, contacts.Address{Formatted: a, Type: vcardType(f)})
		}
	}
	cardCommon(card, &r, val)
	for _, f := range card[vcard.FieldCategories] {
		c.Groups = appendGroups(c.Groups, val(f))
	}
	c.Stage = strings.ToLower(firstValue(card, vcardStage))
	for _, f := range card[vcardCustom] {
		c.Custom = append(c.Custom, contacts.CustomField{Key: f.Params.Get("KEY"), Value: val(f)})
	}
	finish(&r)
	return r
}

// cardCommon reads what every vCard writes the same way: websites,
// birthday, notes, photo.
func cardCommon(card vcard.Card, r *Record, val func(*vcard.Field) string) {
	c := &r.Contact
	for _, f := range card[vcard.FieldURL] {
		if u := strings.TrimSpace(val(f)); u != "" {
			c.Websites = append(c.Websites, u)
		}
	}
	if b := firstValue(card, vcard.FieldBirthday); b != "" {
		if d, ok := parseDate(b); ok {
			c.Birthday = d
		} else {
			r.Notes = append(r.Notes, fmt.Sprintf("birthday %q not understood, dropped", b))
		}
	}
	var notes []string
	for _, f := range card[vcard.FieldNote] {
		notes = append(notes, val(f))
	}
	c.Note = strings.Join(notes, "\n")
	for _, f := range card[vcard.FieldPhoto] {
		v := strings.TrimSpace(f.Value)
		if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
			c.PhotoURL = v
		} else {
			r.Notes = append(r.Notes, "embedded photo not imported (ringcard keeps photos in Google Contacts)")
		}
	}
}

func firstValue(card vcard.Card, key string) string {
	if f := card.Get(key); f != nil {
		return strings.TrimSpace(f.Value)
	}
	return ""
}

// splitStructured splits a structured value (N, ADR, ORG) at the
// semicolons a writer did not escape, and unescapes the others.
func splitStructured(v string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '\\' && i+1 < len(v) && v[i+1] == ';':
			b.WriteByte(';')
			i++
		case v[i] == ';':
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(v[i])
		}
	}
	return append(out, b.String())
}

// androidNickname reads the nickname Android's vCard 2.1 export writes as
// X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;NAME;...
func androidNickname(card vcard.Card) string {
	for _, f := range card["X-ANDROID-CUSTOM"] {
		if p := splitStructured(f.Value); len(p) > 1 && p[0] == "vnd.android.cursor.item/nickname" {
			return strings.TrimSpace(p[1])
		}
	}
	return ""
}

// vcardTypes are a field's TYPE values, lower-cased, including vCard 2.1's
// bare parameters (TEL;CELL:).
func vcardTypes(f *vcard.Field) []string {
	var out []string
	for k, vs := range f.Params {
		if strings.EqualFold(k, vcard.ParamType) {
			for _, v := range vs {
				for _, t := range strings.Split(v, ",") {
					out = append(out, strings.ToLower(strings.TrimSpace(t)))
				}
			}
		} else if len(vs) == 1 && vs[0] == "" {
			out = append(out, strings.ToLower(k))
		}
	}
	return out
}

func vcardPhoneType(f *vcard.Field) (string, string) {
	ts := vcardTypes(f)
	has := func(t string) bool {
		for _, v := range ts {
			if v == t {
				return true
			}
		}
		return false
	}
	switch {
	case has("fax"):
		return "other", "fax"
	case has("cell"):
		return "mobile", ""
	case has("work"):
		return "work", ""
	case has("home"):
		return "home", ""
	case has("main") || has("x-main"):
		return "main", ""
	case has("other") || has("x-other"):
		return "other", ""
	}
	// A label of the phone's own (Android 2.1: TEL;X-Cantiere:) is the
	// number's label, or its type when it names one (TEL;X-Ufficio:).
	for _, p := range f.Params[vcard.ParamType] {
		if len(p) > 2 && strings.EqualFold(p[:2], "X-") {
			if t := knownType(p[2:]); t != "" {
				return t, ""
			}
			return "", p[2:]
		}
	}
	return "", ""
}

func vcardType(f *vcard.Field) string {
	for _, t := range vcardTypes(f) {
		switch t {
		case "work", "home", "other":
			return t
		}
	}
	return ""
}

// addCardNumber adds a vCard's number to c, repaired when a spreadsheet lost
// its leading 0 or + on the way (said in the row's notes).
func addCardNumber(c *contacts.Contact, r *Record, raw, typ, label, region string) {
	fixed := FixNumber(raw, region)
	if fixed != raw {
		r.Notes = append(r.Notes, fmt.Sprintf("number %s read as %s", raw, fixed))
	}
	c.Numbers = append(c.Numbers, contacts.Number{Raw: fixed, Type: typ, Label: label})
}
