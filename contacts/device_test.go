package contacts_test

import (
	"testing"

	"github.com/ringcard/ringcard/contacts"
)

func TestSIMNamedPersonalIsPrivateUntilChosen(t *testing.T) {
	tests := []struct {
		label, policy, want string
	}{
		{"Personal", "", contacts.SIMPrivate},
		{"PRIVATE", "", contacts.SIMPrivate},
		{"Home", "", contacts.SIMPrivate},
		{"my home line", "", contacts.SIMPrivate},
		{"Личная", "", contacts.SIMPrivate},
		{"ЛИЧНЫЙ номер", "", contacts.SIMPrivate},
		{"Персональная", "", contacts.SIMPrivate},
		{"домашняя", "", contacts.SIMPrivate},
		{"Домашний", "", contacts.SIMPrivate},
		{"Personale", "", contacts.SIMPrivate},
		{"SIM 2 (privata)", "", contacts.SIMPrivate},
		{"Casa", "", contacts.SIMPrivate},
		{"Persönal", "", contacts.SIMPrivate}, // accents ignored
		{"Sales line", "", contacts.SIMWork},
		{"Casale Monferrato office", "", contacts.SIMWork}, // a word, not a substring
		{"Homeland Srl", "", contacts.SIMWork},
		{"Рабочая", "", contacts.SIMWork},
		{"", "", contacts.SIMWork},
		{"Personal", contacts.SIMWork, contacts.SIMWork}, // someone chose
		{"Sales line", contacts.SIMIgnore, contacts.SIMIgnore},
	}
	for _, tc := range tests {
		if got := (contacts.SIM{Slot: 1, Label: tc.label, Policy: tc.policy}).EffectivePolicy(); got != tc.want {
			t.Errorf("SIM %q policy %q: effective %q, want %q", tc.label, tc.policy, got, tc.want)
		}
	}
}

func TestParseSIMPolicies(t *testing.T) {
	got, err := contacts.ParseSIMPolicies([]string{"1=work", " 2 = Private "})
	if err != nil || len(got) != 2 || got[1] != "work" || got[2] != "private" {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range [][]string{{"1"}, {"0=work"}, {"9=work"}, {"x=work"}, {"1=maybe"}, {"1="}, {"1=work", "1=private"}} {
		if _, err := contacts.ParseSIMPolicies(bad); contacts.ErrorCode(err) != contacts.EInvalid {
			t.Errorf("%q: err %v, want invalid", bad, err)
		}
	}
}

func TestApplySIMPolicies(t *testing.T) {
	sims := []contacts.SIM{{Slot: 1, Label: "Personal"}, {Slot: 2, Label: "Sales", Policy: contacts.SIMIgnore}}
	left := contacts.ApplySIMPolicies(sims, map[int]string{1: "work", 2: "private", 3: "ignore"})
	if sims[0].Policy != "work" || sims[1].Policy != contacts.SIMIgnore {
		t.Errorf("sims = %+v: the chosen slot 1 must be work, slot 2 keep the office's ignore", sims)
	}
	if len(left) != 1 || left[3] != "ignore" {
		t.Errorf("left pending = %v, want slot 3 only", left)
	}
}
