package orders

import (
	"strconv"
	"time"
)

// Document kinds.
const (
	KindOffer   = "offer"
	KindInvoice = "invoice"
)

// Document is an issued offer or invoice. Its files are kept as issued and
// never rebuilt: a correction is a new document.
type Document struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"` // "RC-2026-0001/F1": the order's number, the kind and a count
	Kind      string    `json:"kind"`
	OrderID   string    `json:"order_id"`
	ContactID string    `json:"contact_id"`
	Lang      string    `json:"lang"`
	Currency  string    `json:"currency"`
	Gross     int64     `json:"gross_minor"`
	Paid      int64     `json:"paid_minor"`
	IssuedAt  time.Time `json:"issued_at"`
	DueAt     time.Time `json:"due_at,omitzero"` // invoices only
	By        string    `json:"by"`
	PDFSHA256 string    `json:"pdf_sha256"`
}

// Payment is money received against an invoice.
type Payment struct {
	ID         string    `json:"id"`
	DocumentID string    `json:"invoice_id"`
	Amount     int64     `json:"amount_minor"`
	At         time.Time `json:"at"`
	By         string    `json:"by"`
	Note       string    `json:"note,omitempty"`
}

// Summary is what a client has open and owes, in one currency: the row the
// card reads, kept up to date in the same transaction as every order,
// invoice and payment write.
type Summary struct {
	Currency   string
	OpenOrders int
	Debt       int64     // unpaid invoiced minor units
	OldestDue  time.Time // due date of the oldest unpaid invoice; zero: none
}

// OverdueDays is how many calendar days, in now's time zone (the office's),
// today is past the oldest unpaid due date (0 when nothing is overdue): an
// invoice due on the 3rd is one day overdue all day on the 4th, so the
// card's text changes only at midnight (the day's job then re-sends the
// cards that show it).
func (s Summary) OverdueDays(now time.Time) int {
	if s.Debt <= 0 || s.OldestDue.IsZero() {
		return 0
	}
	dy, dm, dd := s.OldestDue.In(now.Location()).Date()
	ny, nm, nd := now.Date()
	// Noon UTC on both dates: whole days whatever the zone's clock changes.
	days := int(time.Date(ny, nm, nd, 12, 0, 0, 0, time.UTC).Sub(time.Date(dy, dm, dd, 12, 0, 0, 0, time.UTC)) / (24 * time.Hour))
	return max(days, 0)
}

// DebtText is the card's debt field: "owes 1,240.00 €, 12 days overdue",
// "" when nothing is owed. One currency per summary, joined by "; ". Days
// are counted in now's time zone: give now in the office's.
func DebtText(sums []Summary, now time.Time) string {
	out := ""
	for _, s := range sums {
		if s.Debt <= 0 {
			continue
		}
		cur, err := LookupCurrency(s.Currency)
		if err != nil {
			continue
		}
		t := "owes " + FormatMinor(s.Debt, cur, "en")
		if d := s.OverdueDays(now); d > 0 {
			t += ", " + strconv.Itoa(d) + plural(d, " day", " days") + " overdue"
		}
		if out != "" {
			out += "; "
		}
		out += t
	}
	return out
}

// OpenOrdersText is the card's open-orders field: "2 open orders", "" for none.
func OpenOrdersText(sums []Summary) string {
	n := 0
	for _, s := range sums {
		n += s.OpenOrders
	}
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n) + plural(n, " open order", " open orders")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Move is one stage move of an order.
type Move struct {
	From string    `json:"from"`
	To   string    `json:"to"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// Archive is every order, document (with its files as issued) and payment:
// what the full export carries and an import into an empty ringcard gives
// back.
type Archive struct {
	Orders    []ArchivedOrder    `json:"orders"`
	Documents []ArchivedDocument `json:"documents"`
	Payments  []Payment          `json:"payments"`
}

// ArchivedOrder is an order with its stage moves.
type ArchivedOrder struct {
	Order
	Moves []Move `json:"moves"`
}

// ArchivedDocument is a document with its files, byte for byte.
type ArchivedDocument struct {
	Document
	Superseded bool   `json:"superseded,omitempty"`
	PDF        []byte `json:"pdf"`
	XLSX       []byte `json:"xlsx"`
}
