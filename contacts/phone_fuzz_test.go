package contacts

import (
	"encoding/json"
	"os"
	"testing"
	"unicode/utf8"
)

// fuzzRegions are the regions a number is read in: the default, the
// demo's, and those of the office's languages and neighbours.
var fuzzRegions = []string{"", "IT", "RU", "US", "GB", "DE", "IN", "SM"}

// FuzzNormalize feeds the number parser what people, phones and files
// write. A number it accepts has a key of digits (with at most a leading
// +) that normalizes to itself again: a number stored from a file and the
// same number sent by a phone must meet on one key. A refused number gets
// an invalid_number error with a short message.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"06 1234 5678", "+39 06 1234 5678", "0039 06 1234 5678", "tel:+39-06-1234-5678",
		"+39 06 1234 5678 ext. 12", "8 (495) 123-45-67", "112", "\u200e+39 06 1234 5678\u200f", "٠٦ ١٢٣٤ ٥٦٧٨",
		"+1 (415) 555-0100 x7", "call me", "", "+", "0612345678;phone-context=+39", "доб. 12"} {
		f.Add(s, uint8(0))
	}
	data, err := os.ReadFile("../testdata/demo.json")
	if err != nil {
		f.Fatal(err)
	}
	var demo struct {
		Contacts []struct {
			Numbers []struct {
				Raw string `json:"raw"`
			} `json:"numbers"`
		} `json:"contacts"`
	}
	if err := json.Unmarshal(data, &demo); err != nil {
		f.Fatal(err)
	}
	for i, c := range demo.Contacts {
		for _, n := range c.Numbers {
			f.Add(n.Raw, uint8(i))
		}
	}
	n := Normalizer{DefaultRegion: "IT"}
	f.Fuzz(func(t *testing.T, raw string, r uint8) {
		region := fuzzRegions[int(r)%len(fuzzRegions)]
		p, err := n.Parse(raw, region)
		if err != nil {
			if code := ErrorCode(err); code != EInvalidNumber {
				t.Fatalf("Parse(%q, %q) error code %q, want %q (%v)", raw, region, code, EInvalidNumber, err)
			}
			if msg := ErrorMessage(err); msg == "" || len(msg) > 512 || !utf8.ValidString(msg) {
				t.Fatalf("Parse(%q, %q) error message %q: want a short valid text", raw, region, msg)
			}
			return
		}
		if p.Raw != raw {
			t.Fatalf("Parse(%q).Raw = %q, want it unchanged", raw, p.Raw)
		}
		if !isKey(p.Key) {
			t.Fatalf("Parse(%q, %q).Key = %q, want digits with at most a leading +", raw, region, p.Key)
		}
		if p.E164 != "" && (p.E164 != p.Key || p.E164[0] != '+') {
			t.Fatalf("Parse(%q, %q) = %+v: E164 must be the key, + and digits", raw, region, p)
		}
		again, err := n.Parse(p.Key, region)
		if err != nil {
			t.Fatalf("Parse(%q, %q) = key %q, which does not parse again: %v", raw, region, p.Key, err)
		}
		if again.Key != p.Key || again.E164 != p.E164 {
			t.Fatalf("Parse(%q, %q) = %+v, but its key parses as %+v", raw, region, p, again)
		}
	})
}

// isKey reports whether k is a lookup key: ASCII digits with at most a
// leading +.
func isKey(k string) bool {
	if len(k) > 0 && k[0] == '+' {
		k = k[1:]
	}
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	return true
}
