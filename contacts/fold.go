package contacts

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s and strips accents from Latin, Greek and Cyrillic
// letters (é -> e, ё -> е) so search matches what people type. Marks in
// other scripts (Tamil vowel signs) carry meaning and are kept.
func Fold(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	stripMarks := false
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			if stripMarks {
				continue
			}
		} else {
			stripMarks = unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic)
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}
