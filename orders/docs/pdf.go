package docs

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"unicode"

	"github.com/go-pdf/fpdf"

	"github.com/ringcard/ringcard/orders"
)

// The fonts are shipped with their licences (fonts/LICENSE-*.txt): DejaVu
// Sans (Bitstream Vera licence) covers Latin and Cyrillic, Lohit Tamil (SIL
// OFL 1.1) Tamil.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
	//go:embed fonts/Lohit-Tamil.ttf
	fontTamil []byte
)

// pdfDoc wraps fpdf with text runs that switch to the Tamil font for Tamil
// letters. fpdf does not shape complex scripts: Tamil prints letter by
// letter, readable and searchable, without ligatures.
type pdfDoc struct {
	f    *fpdf.Fpdf
	size float64
	bold bool
}

func isTamil(r rune) bool { return r >= 0x0B80 && r <= 0x0BFF }

// runs splits s into pieces of one font each.
func runs(s string) []string {
	var out []string
	start, cur := 0, false
	for i, r := range s {
		t := isTamil(r) || (cur && (unicode.Is(unicode.Mn, r) || r == 0x200C || r == 0x200D))
		if i > 0 && t != cur {
			out = append(out, s[start:i])
			start = i
		}
		cur = t
	}
	return append(out, s[start:])
}

func (d *pdfDoc) font(tamil bool) {
	style := ""
	if d.bold {
		style = "B"
	}
	if tamil {
		d.f.SetFont("tamil", "", d.size)
	} else {
		d.f.SetFont("dejavu", style, d.size)
	}
}

func (d *pdfDoc) setFont(bold bool, size float64) {
	d.bold, d.size = bold, size
	d.font(false)
}

func (d *pdfDoc) width(s string) float64 {
	w := 0.0
	for _, r := range runs(s) {
		d.font(isTamil(firstRune(r)))
		w += d.f.GetStringWidth(r)
	}
	d.font(false)
	return w
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

// cell writes s in a box w wide, aligned "L", "R" or "C", clipped to fit,
// with a bottom rule when border is set, and moves right by w.
func (d *pdfDoc) cell(w, h float64, s string, align string, border bool) {
	x, y := d.f.GetXY()
	for s != "" && d.width(s) > w-1 {
		r := []rune(s)
		s = string(r[:len(r)-1])
	}
	tw := d.width(s)
	switch align {
	case "R":
		d.f.SetX(x + w - tw - 0.5)
	case "C":
		d.f.SetX(x + (w-tw)/2)
	default:
		d.f.SetX(x + 0.5)
	}
	for _, r := range runs(s) {
		if r == "" {
			continue
		}
		d.font(isTamil(firstRune(r)))
		d.f.CellFormat(d.f.GetStringWidth(r), h, r, "", 0, "L", false, 0, "")
	}
	d.font(false)
	if border {
		d.f.Line(x, y+h, x+w, y+h)
	}
	d.f.SetXY(x+w, y)
}

// line writes s on its own line(s), wrapping at the page's width.
func (d *pdfDoc) line(h float64, s string) {
	left, _, right, _ := d.f.GetMargins()
	pw, _ := d.f.GetPageSize()
	for _, para := range strings.Split(s, "\n") {
		for _, piece := range d.wrap(para, pw-left-right) {
			d.f.SetX(left)
			d.cell(pw-left-right, h, piece, "L", false)
			d.f.Ln(h)
		}
	}
}

func (d *pdfDoc) wrap(s string, w float64) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{""}
	}
	var out []string
	cur := words[0]
	for _, wd := range words[1:] {
		if d.width(cur+" "+wd) > w-1 {
			out = append(out, cur)
			cur = wd
			continue
		}
		cur += " " + wd
	}
	return append(out, cur)
}

// PDF renders the document. The bytes depend only on in (the creation date
// is the issue date), so a test can compare them.
func PDF(in Input) ([]byte, error) {
	lang, w := in.lang(), dict[in.lang()]
	cur, err := orders.LookupCurrency(in.Order.Currency)
	if err != nil {
		return nil, err
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCreationDate(in.Doc.IssuedAt)
	f.SetModificationDate(in.Doc.IssuedAt)
	f.SetCatalogSort(true)
	f.SetTitle(in.title(), true)
	f.SetAuthor(in.Office.Name, true)
	f.AddUTF8FontFromBytes("dejavu", "", fontRegular)
	f.AddUTF8FontFromBytes("dejavu", "B", fontBold)
	f.AddUTF8FontFromBytes("tamil", "", fontTamil)
	f.SetMargins(15, 15, 15)
	f.SetAutoPageBreak(true, 15)
	d := &pdfDoc{f: f}
	f.SetFooterFunc(func() {
		f.SetY(-12)
		d.setFont(false, 8)
		f.SetX(15)
		d.cell(180, 5, fmt.Sprintf("%s · %s %d", in.Doc.Number, w.Page, f.PageNo()), "R", false)
	})
	f.AddPage()
	if t := orders.LogoType(in.Office.Logo); t != "" {
		f.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: t}, bytes.NewReader(in.Office.Logo))
		f.ImageOptions("logo", 160, 12, 35, 0, false, fpdf.ImageOptions{ImageType: t}, 0, "")
	}
	d.setFont(true, 13)
	d.line(6, in.Office.Name)
	d.setFont(false, 9)
	if in.Office.Address != "" {
		d.line(4.5, in.Office.Address)
	}
	if in.Office.TaxID != "" {
		d.line(4.5, w.TaxID+": "+in.Office.TaxID)
	}
	if in.Office.Bank != "" {
		d.line(4.5, w.Bank+": "+in.Office.Bank)
	}
	f.Ln(6)
	d.setFont(true, 13)
	d.line(8, in.title())
	f.Ln(2)
	d.setFont(false, 10)
	d.line(5.5, w.Client+": "+in.Client)
	if in.ClientAd != "" {
		d.line(5, in.ClientAd)
	}
	f.Ln(4)

	cols := []struct {
		w     float64
		title string
		align string
	}{{8, "#", "R"}, {62, w.Item, "L"}, {16, w.Qty, "R"}, {12, w.Unit, "L"}, {24, w.Price, "R"}, {14, w.Discount, "R"}, {14, w.VAT, "R"}, {30, w.Amount, "R"}}
	d.setFont(true, 8.5)
	f.SetX(15)
	for _, c := range cols {
		d.cell(c.w, 6, c.title, c.align, true)
	}
	f.Ln(6)
	d.setFont(false, 8.5)
	for i, l := range in.Order.Lines {
		disc := ""
		if l.Discount != 0 {
			disc = rate(l.Discount, lang)
		}
		vals := []string{fmt.Sprint(i + 1), l.Name, qty(l.Quantity, lang), l.Unit, orders.FormatNumber(l.UnitPrice, cur.Digits, lang),
			disc, rate(l.VATRate, lang), orders.FormatNumber(l.Net(), cur.Digits, lang)}
		f.SetX(15)
		for j, c := range cols {
			d.cell(c.w, 5.5, vals[j], c.align, false)
		}
		f.Ln(5.5)
	}
	f.Line(15, f.GetY(), 195, f.GetY())
	f.Ln(2)
	t := in.Order.Totals()
	total := func(label, value string, bold bool) {
		d.setFont(bold, 9.5)
		f.SetX(15)
		d.cell(140, 5.5, label, "R", false)
		d.cell(40, 5.5, value, "R", false)
		f.Ln(5.5)
	}
	total(w.Net, orders.FormatMinor(t.Net, cur, lang), false)
	for _, g := range t.ByVAT {
		total(fmt.Sprintf(w.VATOn, rate(g.Rate, lang), orders.FormatNumber(g.Net, cur.Digits, lang)), orders.FormatMinor(g.VAT, cur, lang), false)
	}
	total(w.Total, orders.FormatMinor(t.Gross, cur, lang), true)
	if in.Doc.Paid > 0 {
		total(w.Paid, orders.FormatMinor(in.Doc.Paid, cur, lang), false)
		total(w.Owed, orders.FormatMinor(max(t.Gross-in.Doc.Paid, 0), cur, lang), true)
	}
	f.Ln(4)
	d.setFont(false, 9.5)
	if lang == "ru" {
		if s, ok := orders.AmountInWordsRU(t.Gross, cur); ok {
			d.line(5, w.InWords+": "+s)
		}
	}
	if in.Doc.Kind == orders.KindInvoice && !in.Doc.DueAt.IsZero() {
		d.line(5, w.Due+": "+FormatDate(in.local(in.Doc.DueAt), lang))
	}
	if in.Order.Note != "" {
		f.Ln(2)
		d.line(5, in.Order.Note)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("render pdf %s: %w", in.Doc.Number, err)
	}
	return buf.Bytes(), nil
}
