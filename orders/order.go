package orders

import (
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// Order is what a client ordered or may order: lines in one currency,
// handled by a staff member, moving through the office's pipeline stages.
type Order struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"` // "RC-2026-0001": per year, with the office's prefix
	ContactID string    `json:"contact_id"`
	Currency  string    `json:"currency"`
	Handler   string    `json:"handler"` // the staff member who handles it
	Stage     string    `json:"stage"`
	Lines     []Line    `json:"lines"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	DueDays   int       `json:"due_days"`                 // payment terms of its invoices
	Expected  string    `json:"expected_close,omitempty"` // YYYY-MM-DD the office expects it to close
	ClosedAt  time.Time `json:"closed_at,omitzero"`       // when it reached the last or the lost stage
}

// Line is one item of an order. Quantity counts thousandths of a unit,
// prices minor units of the order's currency, rates hundredths of a percent.
type Line struct {
	Name      string `json:"name"`
	Quantity  int64  `json:"quantity_milli"`
	Unit      string `json:"unit,omitempty"`
	UnitPrice int64  `json:"unit_price_minor"`
	VATRate   int64  `json:"vat_rate_bp"`
	Discount  int64  `json:"discount_bp,omitempty"`
	CostPrice int64  `json:"cost_price_minor,omitempty"` // per unit, for margin; 0: unknown
}

// Net is the line's amount before VAT: quantity × price less the discount,
// rounded once, half away from zero, to the currency's minor unit.
func (l Line) Net() int64 {
	num := new(big.Int).Mul(big.NewInt(l.Quantity), big.NewInt(l.UnitPrice))
	num.Mul(num, big.NewInt(RateScale-l.Discount))
	return divRound(num, big.NewInt(QtyScale*RateScale)).Int64()
}

// Cost is quantity × cost price, rounded like Net.
func (l Line) Cost() int64 {
	return divRound(new(big.Int).Mul(big.NewInt(l.Quantity), big.NewInt(l.CostPrice)), big.NewInt(QtyScale)).Int64()
}

// VATGroup is the VAT of one rate: computed once on the rate's net total.
type VATGroup struct {
	Rate int64 `json:"rate_bp"`
	Net  int64 `json:"net_minor"`
	VAT  int64 `json:"vat_minor"`
}

// Totals are an order's sums in minor units.
type Totals struct {
	Net   int64      `json:"net_minor"`
	VAT   int64      `json:"vat_minor"`
	Gross int64      `json:"gross_minor"`
	Cost  int64      `json:"cost_minor"`
	ByVAT []VATGroup `json:"by_vat"`
}

// Totals sums the lines: net per line, VAT per rate on that rate's net
// total, gross = net + VAT.
func (o *Order) Totals() Totals {
	var t Totals
	by := map[int64]*VATGroup{}
	for _, l := range o.Lines {
		n := l.Net()
		t.Net += n
		t.Cost += l.Cost()
		g := by[l.VATRate]
		if g == nil {
			g = &VATGroup{Rate: l.VATRate}
			by[l.VATRate] = g
		}
		g.Net += n
	}
	for _, g := range by {
		g.VAT = MulRate(g.Net, g.Rate)
		t.VAT += g.VAT
		t.ByVAT = append(t.ByVAT, *g)
	}
	sort.Slice(t.ByVAT, func(i, j int) bool { return t.ByVAT[i].Rate < t.ByVAT[j].Rate })
	t.Gross = t.Net + t.VAT
	return t
}

// Validate checks an order before it is stored: a known currency, at least
// one line, and every line's figures in range.
func (o *Order) Validate() error {
	cur, err := LookupCurrency(o.Currency)
	if err != nil {
		return err
	}
	o.Currency = cur.Code
	if o.ContactID == "" {
		return contacts.Errorf(contacts.EInvalid, "contact_id: required")
	}
	if len(o.Lines) == 0 || len(o.Lines) > MaxLines {
		return contacts.Errorf(contacts.EInvalid, "lines: between 1 and %d", MaxLines)
	}
	if o.DueDays < 0 || o.DueDays > 365 {
		return contacts.Errorf(contacts.EInvalid, "due_days: from 0 to 365")
	}
	if o.Expected != "" {
		if _, err := time.Parse(time.DateOnly, o.Expected); err != nil {
			return contacts.Errorf(contacts.EInvalid, "expected_close: a date YYYY-MM-DD")
		}
	}
	if len(o.Note) > 4000 {
		return contacts.Errorf(contacts.EInvalid, "note: at most 4000 bytes")
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		l.Name, l.Unit = strings.TrimSpace(l.Name), strings.TrimSpace(l.Unit)
		switch {
		case l.Name == "" || len(l.Name) > 300:
			return contacts.Errorf(contacts.EInvalid, "lines[%d].name: 1 to 300 bytes", i)
		case len(l.Unit) > 20:
			return contacts.Errorf(contacts.EInvalid, "lines[%d].unit: at most 20 bytes", i)
		case l.Quantity <= 0 || l.Quantity > MaxQuantity:
			return contacts.Errorf(contacts.EInvalid, "lines[%d].quantity: more than 0 and at most %d units", i, MaxQuantity/QtyScale)
		case l.UnitPrice < 0 || l.UnitPrice > MaxUnitPrice:
			return contacts.Errorf(contacts.EInvalid, "lines[%d].unit_price: from 0 to %d minor units", i, int64(MaxUnitPrice))
		case l.CostPrice < 0 || l.CostPrice > MaxUnitPrice:
			return contacts.Errorf(contacts.EInvalid, "lines[%d].cost_price: from 0 to %d minor units", i, int64(MaxUnitPrice))
		case l.VATRate < 0 || l.VATRate > 10000:
			return contacts.Errorf(contacts.EInvalid, "lines[%d].vat_rate: from 0 to 100%%", i)
		case l.Discount < 0 || l.Discount > 10000:
			return contacts.Errorf(contacts.EInvalid, "lines[%d].discount: from 0 to 100%%", i)
		}
	}
	// The whole order must also stay far from int64's range.
	sum := new(big.Int)
	for _, l := range o.Lines {
		sum.Add(sum, big.NewInt(l.Net()))
	}
	if sum.Cmp(big.NewInt(1<<53)) > 0 {
		return contacts.Errorf(contacts.EInvalid, "lines: the order's total is out of range")
	}
	return nil
}
