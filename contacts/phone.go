package contacts

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// Normalizer turns numbers as people write them into the key lookups match
// on. National forms are read in DefaultRegion (or a SIM's own region), so
// "06 1234 5678", "+39 06 1234 5678", "0039 06 1234 5678" and
// "tel:+39-06-1234-5678" all give "+390612345678". Extensions are dropped:
// the switchboard number finds the company.
type Normalizer struct {
	DefaultRegion string // ISO 3166 code, e.g. "IT"
}

// Parsed is a normalized number.
type Parsed struct {
	Raw  string // as given
	E164 string // "" when the number is not a possible phone number (short codes)
	Key  string // E164, or the digits of a short code
}

// Parse normalizes raw. region overrides the default region (a SIM's own
// country); "" uses the default. Text with no digits, or with letters that
// are not an extension marker, is an invalid_number error. Invisible format
// characters (the bidi marks a dialer wraps a number in under a
// right-to-left locale) are ignored, and digits of every script read as
// their ASCII digits.
func (n Normalizer) Parse(raw, region string) (Parsed, error) {
	p := Parsed{Raw: raw}
	s := strings.TrimSpace(plain(raw))
	if len(s) > 64 {
		return p, Errorf(EInvalidNumber, "number: %q is too long to be a phone number", cut(raw, 40))
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "tel:"), "TEL:")
	if i := strings.IndexByte(s, ';'); i >= 0 { // tel: URI parameters (;ext=, ;phone-context=)
		s = s[:i]
	}
	main, _ := splitExtension(s)
	digits := onlyDigits(main)
	if digits == "" {
		return p, Errorf(EInvalidNumber, "number: %q has no digits", cut(raw, 40))
	}
	if bad := strings.IndexFunc(main, notPhoneRune); bad >= 0 {
		return p, Errorf(EInvalidNumber, "number: %q is not a phone number", cut(raw, 40))
	}
	if region == "" {
		region = n.DefaultRegion
	}
	region = strings.ToUpper(region)
	if e164, ok := possibleNumber(main, region); ok {
		p.E164, p.Key = e164, e164
		return p, nil
	}
	// A short code or a number too odd to place: match it by its digits.
	if strings.HasPrefix(strings.TrimSpace(main), "+") {
		digits = "+" + digits
	}
	// The digits alone may be a number the odd writing hid ("0+10000"):
	// read them as a phone sending just those digits would be, so both
	// meet on one key (a key always normalizes to itself).
	if e164, ok := possibleNumber(digits, region); ok {
		p.E164, p.Key = e164, e164
		return p, nil
	}
	p.Key = digits
	return p, nil
}

// possibleNumber is s in E.164 when the phone-number library reads it, in
// region, as a number that can be placed.
func possibleNumber(s, region string) (string, bool) {
	num, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsPossibleNumber(num) {
		return "", false
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	if num.GetItalianLeadingZero() && phonenumbers.GetNddPrefixForRegion(phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode())), true) != "" {
		// A zero kept after a trunk prefix ("0 0…" in India): read back,
		// the E.164 form loses it to the trunk prefix, so it would not be
		// its own key. No real number is written so; match it by digits.
		again, err := phonenumbers.Parse(e164, "")
		if err != nil || phonenumbers.Format(again, phonenumbers.E164) != e164 {
			return "", false
		}
	}
	return e164, true
}

// Number normalizes raw into a contact Number of the given type and label.
func (n Normalizer) Number(raw, typ, label string) (Number, error) {
	p, err := n.Parse(raw, "")
	if err != nil {
		return Number{Raw: raw}, err
	}
	return Number{Raw: raw, E164: p.E164, Key: p.Key, Type: typ, Label: label}, nil
}

// NormalizeContact fills the E164 and Key of every number of c.
func (n Normalizer) NormalizeContact(c *Contact) error {
	for i := range c.Numbers {
		num, err := n.Number(c.Numbers[i].Raw, c.Numbers[i].Type, c.Numbers[i].Label)
		if err != nil {
			return Errorf(EInvalidNumber, "numbers[%d]: %s", i, ErrorMessage(err))
		}
		c.Numbers[i] = num
	}
	return nil
}

// splitExtension cuts "ext. 12", "x12", "#12" and similar off a number.
func splitExtension(s string) (main, ext string) {
	lower := strings.ToLower(s)
	for _, marker := range []string{"extension", "ext.", "ext", "доб.", "доб", "int.", "interno", "x", "#"} {
		if i := strings.LastIndex(lower, marker); i > 0 {
			rest := strings.TrimSpace(lower[i+len(marker):])
			if rest != "" && onlyDigits(rest) == strings.Trim(rest, " .:-") {
				return strings.TrimSpace(s[:i]), onlyDigits(rest)
			}
		}
	}
	return s, ""
}

// plain drops Unicode format characters (category Cf: U+200E, U+200F,
// U+202A-U+202E, U+2066-U+2069, U+FEFF...) and writes every decimal digit
// (category Nd: Arabic-Indic, Persian, Devanagari, full-width...) as its
// ASCII digit, so the phone-number library sees what the person saw.
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x80:
			return r
		case unicode.Is(unicode.Cf, r):
			return -1
		case unicode.IsDigit(r):
			return '0' + digitValue(r)
		}
		return r
	}, s)
}

// digitValue is the value of a decimal digit of any script. Unicode
// assigns each script's digits as a run of ten code points from zero to
// nine (some runs follow each other, as the mathematical digits do), so a
// digit's value is its distance from the start of its run, modulo 10.
func digitValue(r rune) rune {
	start := r
	for start-1 >= 0 && unicode.IsDigit(start-1) {
		start--
	}
	return (r - start) % 10
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// KnownRegion reports whether code is an ISO 3166 two-letter region the
// phone-number library has numbering data for ("IT", "RU"; not "XX", nor
// "ZZ", its code for an unknown region). A SIM's region must be one.
func KnownRegion(code string) bool {
	return len(code) == 2 && phonenumbers.GetCountryCodeForRegion(code) != 0
}

func notPhoneRune(r rune) bool {
	if unicode.IsDigit(r) || unicode.IsSpace(r) {
		return false
	}
	return !strings.ContainsRune("+-().\u00a0\u2010\u2011\u2012\u2013\u2212/*", r)
}

func cut(s string, n int) string { return Truncate(s, n) }
