package contacts

import (
	"strings"
	"testing"
	"time"
)

func TestTemplateForGroup(t *testing.T) {
	tpls := DefaultTemplates()
	tests := []struct {
		groups []string
		want   string
	}{
		{nil, "Clients"},
		{[]string{"Wholesale"}, "Clients"},
		{[]string{"supplier"}, "Suppliers"},
		{[]string{"Retail", "Courier"}, "Couriers"},
	}
	for _, tt := range tests {
		c := &Contact{DisplayName: "x", Groups: tt.groups}
		if got := tpls.For(c).Name; got != tt.want {
			t.Errorf("For(groups %v) = %s, want %s", tt.groups, got, tt.want)
		}
	}
}

func TestBuildCardFollowsTemplate(t *testing.T) {
	tpls := Templates{Default: Template{
		Name:       "t",
		Fields:     []FieldSpec{{Key: FieldStage, Label: "Stato"}, {Key: FieldCompany, Label: "Azienda"}, {Key: "custom:VAT", Label: "P.IVA"}, {Key: FieldEmail, Label: "Mail"}},
		NoteMax:    10,
		HistoryMax: 2,
		Style:      Style{Accent: "#112233"},
	}}
	c := &Contact{ID: "c1", DisplayName: "Анна Смирнова", Company: "ООО Кофе", Stage: "quoted", Note: "Очень длинная заметка о клиенте",
		Custom:  []CustomField{{Key: "VAT", Value: "IT0123"}},
		Numbers: []Number{{Raw: "06 1234 5678", E164: "+390612345678", Key: "+390612345678", Type: "work", Label: "Office"}}}
	now := time.Now()
	hist := []HistoryEntry{{At: now, Kind: KindNote}, {At: now.Add(-time.Minute), Kind: KindCall}, {At: now.Add(-time.Hour), Kind: KindStage}}
	p := &Parsed{Raw: "+39 06 1234 5678", E164: "+390612345678", Key: "+390612345678"}
	card := BuildCard(&tpls, CardInput{Contact: c, Number: p, History: hist})

	var keys []string
	for _, f := range card.Fields {
		keys = append(keys, f.Key+"="+f.Value)
	}
	// email is empty, so it is left out; the order is the template's.
	if got, want := strings.Join(keys, ","), "stage=quoted,company=ООО Кофе,custom:VAT=IT0123"; got != want {
		t.Errorf("fields = %s, want %s", got, want)
	}
	if card.Fields[1].Label != "Azienda" {
		t.Errorf("label = %q, want the template's", card.Fields[1].Label)
	}
	if n := len([]rune(card.Note)); n != 10 || !strings.HasSuffix(card.Note, "…") {
		t.Errorf("note = %q (%d runes), want cut to 10 with an ellipsis", card.Note, n)
	}
	if len(card.History) != 2 {
		t.Errorf("history has %d entries, want the template's 2", len(card.History))
	}
	if card.Number.Label != "Office" || card.Number.Raw != "+39 06 1234 5678" {
		t.Errorf("number = %+v, want the raw number as dialled with the stored label", card.Number)
	}
	if !card.Known || card.Style.Accent != "#112233" {
		t.Errorf("card = %+v", card)
	}
}

func TestBuildCardUnknown(t *testing.T) {
	tpls := DefaultTemplates()
	p := &Parsed{Raw: "333 000 1111", E164: "+393330001111", Key: "+393330001111"}
	card := BuildCard(&tpls, CardInput{Number: p})
	if card.Known || card.ContactID != "" || card.Number == nil || card.Number.E164 != "+393330001111" {
		t.Errorf("card = %+v, want unknown with the number", card)
	}
	withheld := BuildCard(&tpls, CardInput{})
	if withheld.Number != nil || withheld.Known {
		t.Errorf("withheld card = %+v, want no number", withheld)
	}
}

func TestTemplatesValidate(t *testing.T) {
	good := DefaultTemplates()
	if err := good.Validate(); err != nil {
		t.Fatalf("default templates invalid: %v", err)
	}
	bad := []func(*Templates){
		func(t *Templates) { t.Default.Fields = append(t.Default.Fields, FieldSpec{Key: "shoe_size"}) },
		func(t *Templates) { t.Default.Style.Accent = "blue" },
		func(t *Templates) { t.Default.HistoryMax = -1 },
		func(t *Templates) { t.Groups = append(t.Groups, Template{Group: "supplier"}) },
		func(t *Templates) { t.Groups[0].Group = " " },
	}
	for i, mutate := range bad {
		tpls := DefaultTemplates()
		mutate(&tpls)
		if err := tpls.Validate(); ErrorCode(err) != EInvalid {
			t.Errorf("case %d: Validate() = %v, want invalid_request", i, err)
		}
	}
}
