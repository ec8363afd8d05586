package orders

import (
	"math"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Rome on any machine

	"github.com/ringcard/ringcard/contacts"
)

func TestLineNetRoundsHalfAwayFromZeroOnce(t *testing.T) {
	tests := []struct {
		name string
		l    Line
		want int64
	}{
		// 1.005 × 3 = 3.015: floats give 3.0149999…, exact gives 3.02.
		{"0.10 + 0.20 as quantity 0.3 of 1.00", Line{Quantity: 300, UnitPrice: 100}, 30},
		{"1.005 units at 3.00", Line{Quantity: 1005, UnitPrice: 300}, 302}, // 3.015 -> 3.02
		{"0.5 cent rounds up", Line{Quantity: 500, UnitPrice: 1}, 1},
		{"0.4999 cent rounds down", Line{Quantity: 499, UnitPrice: 1}, 0},
		{"10% off 0.05", Line{Quantity: 1000, UnitPrice: 5, Discount: 1000}, 5}, // 4.5 -> 5
		{"33.333% of 100.00", Line{Quantity: 1000, UnitPrice: 10000, Discount: 6667}, 3333},
		{"big", Line{Quantity: 1_000_000 * QtyScale, UnitPrice: 999_999_99}, 99_999_999_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.l.Net(); got != tt.want {
				t.Errorf("Net() = %d, want %d", got, tt.want)
			}
		})
	}
	// The same line in floats rounds the wrong way: 1.005 × 3 is 3.01499…
	q, p := 1.005, 3.0
	if got := math.Round(q * p * 100); got != 301 {
		t.Logf("float gave %v", got)
	}
}

func TestVATPerRateOnTheRateTotal(t *testing.T) {
	// Three lines of 0.10 at 22%: VAT per line would be 0.02 × 3 = 0.06;
	// per rate it is 22% of 0.30 = 0.066 -> 0.07.
	o := Order{Currency: "EUR", Lines: []Line{
		{Name: "a", Quantity: 1000, UnitPrice: 10, VATRate: 2200},
		{Name: "b", Quantity: 1000, UnitPrice: 10, VATRate: 2200},
		{Name: "c", Quantity: 1000, UnitPrice: 10, VATRate: 2200},
		{Name: "d", Quantity: 2000, UnitPrice: 1005, VATRate: 1000},
	}}
	got := o.Totals()
	if got.Net != 30+2010 || got.VAT != 7+201 || got.Gross != 2040+208 {
		t.Errorf("totals = %+v, want net 2040, VAT 208, gross 2248", got)
	}
	if len(got.ByVAT) != 2 || got.ByVAT[0].Rate != 1000 || got.ByVAT[1].VAT != 7 {
		t.Errorf("by VAT = %+v", got.ByVAT)
	}
	// A large sum: a million lines' worth stays exact.
	var sum int64
	for i := 0; i < 1_000_000; i++ {
		sum += Line{Quantity: 1000, UnitPrice: 10}.Net() + Line{Quantity: 1000, UnitPrice: 20}.Net()
	}
	if sum != 30_000_000 {
		t.Errorf("a million × (0.10 + 0.20) = %d cents, want 30000000", sum)
	}
}

func TestValidateRefusesBadOrders(t *testing.T) {
	good := func() Order {
		return Order{ContactID: "c1", Currency: "eur", Lines: []Line{{Name: "x", Quantity: 1000, UnitPrice: 100, VATRate: 2200}}}
	}
	tests := []struct {
		name string
		edit func(o *Order)
	}{
		{"unknown currency", func(o *Order) { o.Currency = "XXX" }},
		{"no currency", func(o *Order) { o.Currency = "" }},
		{"negative quantity", func(o *Order) { o.Lines[0].Quantity = -1000 }},
		{"zero quantity", func(o *Order) { o.Lines[0].Quantity = 0 }},
		{"absurd quantity", func(o *Order) { o.Lines[0].Quantity = MaxQuantity + 1 }},
		{"negative price", func(o *Order) { o.Lines[0].UnitPrice = -1 }},
		{"VAT over 100%", func(o *Order) { o.Lines[0].VATRate = 10001 }},
		{"no lines", func(o *Order) { o.Lines = nil }},
		{"no name", func(o *Order) { o.Lines[0].Name = " " }},
		{"no contact", func(o *Order) { o.ContactID = "" }},
		{"total out of range", func(o *Order) {
			o.Lines[0].Quantity, o.Lines[0].UnitPrice = MaxQuantity, MaxUnitPrice
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good()
			tt.edit(&o)
			if err := o.Validate(); contacts.ErrorCode(err) != contacts.EInvalid {
				t.Errorf("Validate() = %v, want invalid_request", err)
			}
		})
	}
	o := good()
	if err := o.Validate(); err != nil || o.Currency != "EUR" {
		t.Errorf("good order: %v, currency %q", err, o.Currency)
	}
}

func TestFormatAndParse(t *testing.T) {
	eur, _ := LookupCurrency("EUR")
	jpy, _ := LookupCurrency("JPY")
	bhd, _ := LookupCurrency("BHD")
	tests := []struct {
		v    int64
		cur  Currency
		lang string
		want string
	}{
		{124000, eur, "en", "1,240.00 €"},
		{124000, eur, "it", "1.240,00 €"},
		{124000, eur, "ru", "1\u00a0240,00 €"},
		{5, eur, "en", "0.05 €"},
		{-123456789, eur, "en", "-1,234,567.89 €"},
		{1240, jpy, "en", "1,240 ¥"},
		{1005, bhd, "en", "1.005 BD"},
	}
	for _, tt := range tests {
		if got := FormatMinor(tt.v, tt.cur, tt.lang); got != tt.want {
			t.Errorf("FormatMinor(%d, %s, %s) = %q, want %q", tt.v, tt.cur.Code, tt.lang, got, tt.want)
		}
	}
	for in, want := range map[string]int64{"1240": 124000, "0.1": 10, "1,05": 105, "-0.25": -25, ".5": 50} {
		if got, err := ParseDecimal(in, 2); err != nil || got != want {
			t.Errorf("ParseDecimal(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1.005", "abc", "1e3", "--1", "1.2.3", "99999999999999999999"} {
		if _, err := ParseDecimal(in, 2); err == nil {
			t.Errorf("ParseDecimal(%q): no error", in)
		}
	}
}

func TestRussianAmountInWords(t *testing.T) {
	rub, _ := LookupCurrency("RUB")
	tests := []struct {
		minor int64
		want  string
	}{
		{124000, "Одна тысяча двести сорок рублей 00 копеек"},
		{100, "Один рубль 00 копеек"},
		{201, "Два рубля 01 копейка"},
		{2102, "Двадцать один рубль 02 копейки"},
		{1105, "Одиннадцать рублей 05 копеек"},
		{200000000, "Два миллиона рублей 00 копеек"},
		{222222222, "Два миллиона двести двадцать две тысячи двести двадцать два рубля 22 копейки"},
		{1_000_000_000_00, "Один миллиард рублей 00 копеек"},
		{511_014_000_00, "Пятьсот одиннадцать миллионов четырнадцать тысяч рублей 00 копеек"},
		{0, "Ноль рублей 00 копеек"},
	}
	for _, tt := range tests {
		if got, ok := AmountInWordsRU(tt.minor, rub); !ok || got != tt.want {
			t.Errorf("AmountInWordsRU(%d) = %q, want %q", tt.minor, got, tt.want)
		}
	}
	if _, ok := AmountInWordsRU(100, Currency{Code: "JPY", Digits: 0}); ok {
		t.Error("JPY: words without nouns")
	}
}

func TestCardTexts(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	s := []Summary{{Currency: "EUR", OpenOrders: 2, Debt: 124000, OldestDue: now.AddDate(0, 0, -12)}}
	if got := DebtText(s, now); got != "owes 1,240.00 €, 12 days overdue" {
		t.Errorf("DebtText = %q", got)
	}
	if got := OpenOrdersText(s); got != "2 open orders" {
		t.Errorf("OpenOrdersText = %q", got)
	}
	s[0].OldestDue = now.AddDate(0, 0, 3)
	if got := DebtText(s, now); got != "owes 1,240.00 €" {
		t.Errorf("not yet due: %q", got)
	}
	if DebtText([]Summary{{Currency: "EUR"}}, now) != "" || OpenOrdersText(nil) != "" {
		t.Error("nothing owed should be empty")
	}
}

// Days overdue are calendar days in the office's zone: the count changes at
// its midnight, not 24 hours after the due time, and a clock change does
// not lose or add a day.
func TestOverdueDaysCountCalendarDays(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 3, 3, 18, 30, 0, 0, rome) // due on the 3rd, in the evening
	for _, tt := range []struct {
		now  time.Time
		want int
	}{
		{time.Date(2026, 3, 1, 9, 0, 0, 0, rome), 0},
		{time.Date(2026, 3, 3, 23, 59, 59, 0, rome), 0},
		{time.Date(2026, 3, 4, 0, 0, 1, 0, rome), 1}, // hours after the due time: a day overdue
		{time.Date(2026, 3, 4, 23, 0, 0, 0, rome), 1},
		{time.Date(2026, 3, 30, 0, 30, 0, 0, rome), 27},               // across the spring clock change (29 March)
		{time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC).In(rome), 27}, // the same instant given in UTC, read in Rome
		{time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC), 26},          // in UTC it is still the 29th
	} {
		s := Summary{Currency: "EUR", Debt: 100, OldestDue: due}
		if got := s.OverdueDays(tt.now); got != tt.want {
			t.Errorf("OverdueDays(%s) = %d, want %d", tt.now.Format(time.RFC3339), got, tt.want)
		}
	}
	if got := (Summary{Currency: "EUR", OldestDue: due}).OverdueDays(due.AddDate(0, 0, 5)); got != 0 {
		t.Errorf("nothing owed: %d days overdue, want 0", got)
	}
}
