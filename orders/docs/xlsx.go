package docs

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard/orders"
)

// decimal turns minor units into the number a spreadsheet stores. The
// value is exact in the database; a spreadsheet cell is a double, and every
// amount below 2^53 minor units converts to the nearest double of its
// decimal text, which Excel shows back exactly with the number format.
func decimal(v int64, digits int) float64 {
	f, _ := strconv.ParseFloat(orders.FormatNumber(v, digits, "plain"), 64)
	return f
}

// XLSX renders the document as a one-sheet workbook: the same header,
// lines, VAT per rate and totals as the PDF, amounts as numbers.
func XLSX(in Input) ([]byte, error) {
	lang, w := in.lang(), dict[in.lang()]
	cur, err := orders.LookupCurrency(in.Order.Currency)
	if err != nil {
		return nil, err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Sheet1"
	numFmt := "#,##0" + map[bool]string{true: "." + strings.Repeat("0", cur.Digits), false: ""}[cur.Digits > 0]
	money, err := x.NewStyle(&excelize.Style{CustomNumFmt: &numFmt})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	row := 1
	set := func(col int, v any, style int) {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		_ = x.SetCellValue(sheet, cell, v)
		if style != 0 {
			_ = x.SetCellStyle(sheet, cell, cell, style)
		}
	}
	set(1, in.Office.Name, bold)
	row++
	for _, s := range []string{in.Office.Address, prefixed(w.TaxID, in.Office.TaxID), prefixed(w.Bank, in.Office.Bank)} {
		if s != "" {
			set(1, s, 0)
			row++
		}
	}
	row++
	set(1, in.title(), bold)
	row++
	set(1, w.Client+": "+in.Client, 0)
	row += 2
	for i, h := range []string{"#", w.Item, w.Qty, w.Unit, w.Price, w.Discount, w.VAT, w.Amount} {
		set(i+1, h, bold)
	}
	row++
	for i, l := range in.Order.Lines {
		set(1, i+1, 0)
		set(2, l.Name, 0)
		set(3, decimal(l.Quantity, 3), 0)
		set(4, l.Unit, 0)
		set(5, decimal(l.UnitPrice, cur.Digits), money)
		set(6, rate(l.Discount, lang), 0)
		set(7, rate(l.VATRate, lang), 0)
		set(8, decimal(l.Net(), cur.Digits), money)
		row++
	}
	row++
	t := in.Order.Totals()
	total := func(label string, v int64, style int) {
		set(7, label, style)
		set(8, decimal(v, cur.Digits), money)
		row++
	}
	total(w.Net, t.Net, 0)
	for _, g := range t.ByVAT {
		total(fmt.Sprintf(w.VATOn, rate(g.Rate, lang), orders.FormatNumber(g.Net, cur.Digits, lang)), g.VAT, 0)
	}
	total(w.Total+" ("+cur.Code+")", t.Gross, bold)
	if lang == "ru" {
		if s, ok := orders.AmountInWordsRU(t.Gross, cur); ok {
			set(1, w.InWords+": "+s, 0)
			row++
		}
	}
	if in.Doc.Kind == orders.KindInvoice && !in.Doc.DueAt.IsZero() {
		set(1, w.Due+": "+FormatDate(in.local(in.Doc.DueAt), lang), 0)
	}
	_ = x.SetColWidth(sheet, "B", "B", 40)
	_ = x.SetColWidth(sheet, "G", "H", 18)
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, fmt.Errorf("render xlsx %s: %w", in.Doc.Number, err)
	}
	return buf.Bytes(), nil
}

func prefixed(label, v string) string {
	if v == "" {
		return ""
	}
	return label + ": " + v
}
