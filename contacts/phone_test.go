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
		{"112", "", "112", ""}, // a short code matches by its digits
		{"٠٦١٢٣٤٥٦٧٨", "", "+390612345678", "+390612345678"}, // Arabic-Indic digits
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
