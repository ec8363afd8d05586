package web

import (
	"testing"
	"time"
)

// Dates are written and read in the user's language's format.
func TestLocalDates(t *testing.T) {
	want := time.Date(2026, 12, 7, 9, 30, 0, 0, time.Local)
	for _, c := range []struct{ lang, typed string }{
		{"ru", "07.12.2026 09:30"}, {"it", "07/12/2026 9:30"}, {"en", "2026-12-07 09:30"}, {"ru", "2026-12-07T09:30"},
	} {
		got, err := parseDue(c.lang, c.typed)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseDue(%s, %q) = %v, %v; want %v", c.lang, c.typed, got, err, want)
		}
	}
	if _, err := parseDue("ru", "12/07/2026 09:30"); err == nil {
		t.Errorf("parseDue(ru) read an American date")
	}
	if got := localWhen("ru", want); got != "07.12.2026 09:30" {
		t.Errorf("localWhen(ru) = %q", got)
	}
	if d, err := parseLocalDate("it", "07/12/2026"); err != nil || d.Day() != 7 || d.Month() != 12 {
		t.Errorf("parseLocalDate(it) = %v, %v", d, err)
	}
	for lang, want := range map[string]string{"en": "25,000", "ru": "25\u00a0000", "it": "25.000"} {
		if got := number(lang, 25000); got != want {
			t.Errorf("number(%s) = %q, want %q", lang, got, want)
		}
	}
}

// Phone types are shown in the user's language and read back from any.
func TestTypesRoundTrip(t *testing.T) {
	stored := "+39 06 1234 5678 | work | Reception\n+39 347 000 0000 | mobile\n+39 02 1111 | custom kind"
	shown := typesIn("ru", stored)
	if want := "+39 06 1234 5678 | рабочий | Reception\n+39 347 000 0000 | мобильный\n+39 02 1111 | custom kind"; shown != want {
		t.Errorf("typesIn(ru) = %q, want %q", shown, want)
	}
	if got := typesOut(shown); got != stored {
		t.Errorf("typesOut = %q, want %q", got, stored)
	}
}

// Import reasons from server/dataio are worded in the user's language.
func TestImportText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"already there (same number +390612345678 as row 4), nothing new", "уже есть (тот же номер +390612345678 как в строке 4), ничего нового"},
		{"new contact", "новый контакт"},
		{"something else", "something else"},
	} {
		if got := importText("ru", c.in); got != c.want {
			t.Errorf("importText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
