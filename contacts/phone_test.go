package contacts

import "testing"

func TestNormalizerParse(t *testing.T) {
	n := Normalizer{DefaultRegion: "IT"}
	tests := []struct {
		raw, region, wantKey, wantE164 string
	}{
		{"06 1234 5678", "", "+390612345678", "+390612345678"},
		{"+39 06 1234 5678", "", "+390612345678", "+390612345678"},
		{"0039061234 5678", "", "+390612345678", "+390612345678"},
		{"0039 06 12345678", "", "+390612345678", "+390612345678"},
		{"(06) 1234-5678", "", "+390612345678", "+390612345678"},
		{"tel:+39-06-1234-5678", "", "+390612345678", "+390612345678"},
		{"+39 06 1234 5678 ext. 12", "", "+390612345678", "+390612345678"},
		{"06 1234 5678 int. 3", "", "+390612345678", "+390612345678"},
		{"+39 333 123 4567", "", "+393331234567", "+393331234567"},
		{"333.123.4567", "", "+393331234567", "+393331234567"},
		{"+7 495 123 45 67", "", "+74951234567", "+74951234567"},
		{"8 (495) 123-45-67", "RU", "+74951234567", "+74951234567"}, // a Russian SIM reads national forms as Russian
		{"+91 98765 43210", "", "+919876543210", "+919876543210"},
		{"+62 812-3456-7890", "", "+6281234567890", "+6281234567890"},
		{"0812-3456-7890", "ID", "+6281234567890", "+6281234567890"},
		{"  +39 06 1234 5678  ", "", "+390612345678", "+390612345678"},
		{"112", "", "112", ""},                               // a short code matches by its digits
		{"0+10000", "", "+39010000", "+39010000"},            // a stray + hides a number its digits make (found by FuzzNormalize)
		{"000000000000", "IN", "000000000000", ""},           // its E.164 form would read back as another number (found by FuzzNormalize)
		{"٠٦١٢٣٤٥٦٧٨", "", "+390612345678", "+390612345678"}, // Arabic-Indic digits
		// Android wraps numbers in bidi marks and isolates under right-to-left locales.
		{"\u200e+39 06 4281 1822\u200e", "", "+390642811822", "+390642811822"},
		{"\u200f+39 06 4281 1822", "", "+390642811822", "+390642811822"},
		{"\u202a+39 06 4281 1822\u202c", "", "+390642811822", "+390642811822"},
		{"\u202b+39\u202d 06\u202e 4281 1822\u202c", "", "+390642811822", "+390642811822"},
		{"\u2066+39 06 4281 1822\u2069", "", "+390642811822", "+390642811822"},
		{"\u2067+39 06 4281 1822\u2069", "", "+390642811822", "+390642811822"},
		{"\u2068+39 06 4281 1822\u2069", "", "+390642811822", "+390642811822"},
		{"\ufeff+39\u00ad06 4281 1822", "", "+390642811822", "+390642811822"}, // BOM, soft hyphen: Cf too
		// Decimal digits of every script give the E.164 form.
		{"+३९ ०६ ४२८१ १८२२", "", "+390642811822", "+390642811822"}, // Devanagari
		{"+٣٩ ٠٦ ٤٢٨١ ١٨٢٢", "", "+390642811822", "+390642811822"}, // Arabic-Indic
		{"+۳۹ ۰۶ ۴۲۸۱ ۱۸۲۲", "", "+390642811822", "+390642811822"}, // Persian
		{"+３９ ０６ ４２８１ １８２２", "", "+390642811822", "+390642811822"}, // full-width
		{"+৩৯ ০৬ ৪২৮১ ১৮২২", "", "+390642811822", "+390642811822"}, // Bengali
		{"+๓๙ ๐๖ ๔๒๘๑ ๑๘๒๒", "", "+390642811822", "+390642811822"}, // Thai
		{"+𝟑𝟗 𝟎𝟔 𝟒𝟐𝟖𝟏 𝟏𝟖𝟐𝟐", "", "+390642811822", "+390642811822"}, // mathematical bold (runs follow each other)
		{"+𝟹𝟿 𝟶𝟼 𝟺𝟸𝟾𝟷 𝟷𝟾𝟸𝟸", "", "+390642811822", "+390642811822"}, // mathematical monospace (the last run)
		{"\u200e١١٢\u200e", "", "112", ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := n.Parse(tt.raw, tt.region)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.raw, err)
			}
			if got.Key != tt.wantKey || got.E164 != tt.wantE164 {
				t.Errorf("Parse(%q) = key %q e164 %q, want %q %q", tt.raw, got.Key, got.E164, tt.wantKey, tt.wantE164)
			}
		})
	}
}

func TestNormalizerRejects(t *testing.T) {
	n := Normalizer{DefaultRegion: "IT"}
	for _, raw := range []string{"", "   ", "hello", "call me", "06 1234 abcd", "+-()", "DROP TABLE contacts", "Иван", "12345678901234567890123456789012345678901234567890123456789012345"} {
		t.Run(raw, func(t *testing.T) {
			_, err := n.Parse(raw, "")
			if ErrorCode(err) != EInvalidNumber {
				t.Errorf("Parse(%q) error = %v, want code %s", raw, err, EInvalidNumber)
			}
		})
	}
}

func TestNormalizerKeepsRaw(t *testing.T) {
	n := Normalizer{DefaultRegion: "IT"}
	raw := "\u2066+३९ ०६ ४२८१ १८२२\u2069"
	got, err := n.Parse(raw, "")
	if err != nil || got.Raw != raw {
		t.Errorf("Parse(%q) raw = %q (%v), want it as sent", raw, got.Raw, err)
	}
}

func TestKnownRegion(t *testing.T) {
	for code, want := range map[string]bool{"IT": true, "RU": true, "US": true, "ID": true, "XX": false, "ZZ": false, "001": false, "": false, "ITA": false, "it": false} {
		if got := KnownRegion(code); got != want {
			t.Errorf("KnownRegion(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestFold(t *testing.T) {
	tests := map[string]string{
		"Nicolò Müller":        "nicolo muller",
		"Семёнов":              "семенов",
		"FRANÇOISE":            "francoise",
		"முருகன்":              "முருகன்", // Tamil vowel signs carry meaning: kept
		"Siti Rahayu":          "siti rahayu",
		"ŁUKASZ":               "łukasz",
		"Ελληνικά":             "ελληνικα",
		"Gelateria Quadraro 👍": "gelateria quadraro 👍",
	}
	for in, want := range tests {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello world", 6, "hello…"},
		{"Привет мир", 7, "Привет…"},
		{"abc", 0, "abc"},
		{"abc", 3, "abc"},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.max); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}
