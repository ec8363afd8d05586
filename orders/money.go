// Package orders is the money side of ringcard: orders with lines, their
// totals, offers and invoices, payments and what a client owes. It is
// domain only (no I/O): the SQLite store keeps orders, the server serves
// them, and orders/docs renders the documents.
//
// Money is never a float: an amount is an int64 count of the currency's
// smallest unit (cents, kopecks), a quantity is an int64 count of
// thousandths, and rates (VAT, discount) are int64 hundredths of a percent.
// Rounding is half away from zero, per line and per VAT rate, as Italian and
// Russian invoices require.
package orders

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/ringcard/ringcard/contacts"
)

// Currency is an ISO 4217 currency with the digits of its minor unit.
type Currency struct {
	Code   string
	Digits int
	Symbol string
}

// currencies lists the ISO 4217 codes ringcard accepts; any other code is
// refused rather than guessed.
var currencies = map[string]Currency{}

func init() {
	for _, c := range []Currency{
		{"EUR", 2, "€"}, {"USD", 2, "$"}, {"RUB", 2, "₽"}, {"GBP", 2, "£"}, {"CHF", 2, "CHF"},
		{"JPY", 0, "¥"}, {"INR", 2, "₹"}, {"LKR", 2, "Rs"}, {"CNY", 2, "¥"}, {"PLN", 2, "zł"},
		{"CZK", 2, "Kč"}, {"SEK", 2, "kr"}, {"NOK", 2, "kr"}, {"DKK", 2, "kr"}, {"HUF", 2, "Ft"},
		{"RON", 2, "lei"}, {"BGN", 2, "лв"}, {"KZT", 2, "₸"}, {"UAH", 2, "₴"}, {"BYN", 2, "Br"},
		{"TRY", 2, "₺"}, {"AED", 2, "AED"}, {"CAD", 2, "CA$"}, {"AUD", 2, "A$"}, {"SGD", 2, "S$"},
		{"MYR", 2, "RM"}, {"KRW", 0, "₩"}, {"ISK", 0, "kr"}, {"BHD", 3, "BD"}, {"KWD", 3, "KD"},
	} {
		currencies[c.Code] = c
	}
}

// LookupCurrency returns the currency with the ISO 4217 code, or an
// invalid_request error for a code ringcard does not know.
func LookupCurrency(code string) (Currency, error) {
	c, ok := currencies[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return Currency{}, contacts.Errorf(contacts.EInvalid, "currency: %q is not an ISO 4217 code ringcard knows", code)
	}
	return c, nil
}

// Limits that keep every sum far from int64's range: an order line above
// them is a typing error, not an order.
const (
	MaxQuantity  = 1_000_000_000 * QtyScale // thousandths: a billion units
	MaxUnitPrice = 1_000_000_000_000_00     // minor units: a trillion (two-digit currency)
	MaxLines     = 500
	QtyScale     = 1000  // a quantity counts thousandths of a unit
	RateScale    = 10000 // a rate counts hundredths of a percent: 2200 is 22%
)

// divRound returns num/den rounded half away from zero (den > 0).
func divRound(num, den *big.Int) *big.Int {
	q, r := new(big.Int), new(big.Int)
	q.QuoRem(num, den, r)
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if r2.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// MulRate returns amount × rate / 100% rounded half away from zero: the
// VAT on a rate's net total, or a discount.
func MulRate(amount, rate int64) int64 {
	return divRound(new(big.Int).Mul(big.NewInt(amount), big.NewInt(rate)), big.NewInt(RateScale)).Int64()
}

// FormatMinor writes an amount of minor units with the currency's digits,
// a locale's grouping and decimal mark, and the symbol after it:
// "1,240.00 €" (en), "1.240,00 €" (it), "1 240,00 ₽" (ru).
func FormatMinor(amount int64, cur Currency, lang string) string {
	return FormatNumber(amount, cur.Digits, lang) + " " + cur.Symbol
}

// FormatNumber writes v / 10^digits with the locale's marks (lang
// "plain": no grouping, a decimal point).
func FormatNumber(v int64, digits int, lang string) string {
	group, dec := ",", "."
	switch lang {
	case "it":
		group, dec = ".", ","
	case "ru":
		group, dec = "\u00a0", ","
	case "plain": // for machines: no grouping, a point
		group = ""
	}
	neg := v < 0
	u := new(big.Int).Abs(big.NewInt(v)).String()
	for len(u) <= digits {
		u = "0" + u
	}
	ip, fp := u[:len(u)-digits], u[len(u)-digits:]
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, ch := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(ch)
	}
	if digits > 0 {
		b.WriteString(dec + fp)
	}
	return b.String()
}

// ParseDecimal reads a plain decimal ("1240", "1240.5", "-0.25"; a comma
// is taken as the decimal mark too) as an integer count of 10^-digits. More
// fractional digits than digits is an error, never a silent rounding.
func ParseDecimal(s string, digits int) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	if ip == "" && fp == "" || len(fp) > digits || strings.ContainsAny(ip+fp, "+-. ") {
		return 0, contacts.Errorf(contacts.EInvalid, "%q: a decimal number with at most %d digits after the point", s, digits)
	}
	for len(fp) < digits {
		fp += "0"
	}
	if ip == "" {
		ip = "0"
	}
	v, err := strconv.ParseInt(ip+fp, 10, 64)
	if err != nil {
		return 0, contacts.Errorf(contacts.EInvalid, "%q: not a number in range", s)
	}
	if neg {
		v = -v
	}
	return v, nil
}
