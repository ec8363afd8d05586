package dataio

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard/contacts"
)

// historySheets are the names a history sheet may have.
var historySheets = []string{"history", "storia", "storico", "история"}

func isHistorySheet(name string) bool {
	for _, h := range historySheets {
		if strings.EqualFold(strings.TrimSpace(name), h) {
			return true
		}
	}
	return false
}

// SheetAll asks for every sheet of a workbook that has contacts
// (ReadOptions.Sheet).
const SheetAll = "all"

// SheetInfo is one sheet of a workbook: what it holds and whether this
// read took it, so nothing in a workbook goes unsaid.
type SheetInfo struct {
	Name      string   `json:"name"`
	Rows      int      `json:"rows"`     // data rows under the header (all rows when none was found)
	Contacts  int      `json:"contacts"` // rows that are contacts
	Read      bool     `json:"read"`     // imported by this read
	History   bool     `json:"history,omitempty"`
	HeaderRow int      `json:"header_row,omitempty"`
	Columns   []Column `json:"columns,omitempty"`
	Problem   string   `json:"problem,omitempty"` // why its rows are not readable as contacts
}

func readXLSX(data []byte, opt ReadOptions) (src *Source, err error) {
	// excelize panics on some damaged workbooks (an index out of range in
	// its row checks, found by FuzzReadXLSX): such a file is refused as
	// unreadable, as one it reports an error for.
	defer func() {
		if v := recover(); v != nil {
			src, err = nil, contacts.Errorf(contacts.EInvalid, "not a readable Excel workbook (.xlsx): it is damaged (%v)", v)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 256 << 20})
	if err != nil {
		return nil, contacts.Errorf(contacts.EInvalid, "not a readable Excel workbook (.xlsx): %v", err)
	}
	defer f.Close()
	var history string
	var names []string // the sheets that may hold contacts
	for _, s := range f.GetSheetList() {
		if isHistorySheet(s) && history == "" {
			history = s
			continue
		}
		names = append(names, s)
	}
	if len(names) == 0 {
		return nil, contacts.Errorf(contacts.EInvalid, "the workbook has no sheet with contacts")
	}
	chosen, err := chooseSheets(names, opt)
	if err != nil {
		return nil, err
	}
	src = &Source{}
	budget := cellBudget(maxWorkbookCells)
	mapFound := map[string]bool{} // --map keys some sheet read has a column for
	for _, name := range names {
		info := SheetInfo{Name: name, Read: chosen[name]}
		rows, err := sheetRows(f, name, &budget)
		if err != nil {
			return nil, err
		}
		part := &Source{}
		sopt := opt
		sopt.Map = mapForSheet(opt.Map, name)
		// With several sheets, a --map key need only name a column of one.
		sopt.lenientMap = len(chosen) > 1 || !info.Read
		if err := readTable(part, rows, sopt); err != nil {
			if info.Read {
				if len(chosen) == 1 {
					return nil, err
				}
				return nil, fmt.Errorf("sheet %q: %w", name, err)
			}
			info.Rows, info.Problem = nonEmptyRows(rows), contacts.ErrorMessage(err)
			src.Sheets = append(src.Sheets, info)
			continue
		}
		info.Rows, info.HeaderRow, info.Columns = len(part.Records), part.HeaderRow, part.Columns
		for i := range part.Records {
			r := &part.Records[i]
			if r.Skip == "" {
				info.Contacts++
			}
			if r.Skip == "empty row" {
				info.Rows--
			}
		}
		src.Sheets = append(src.Sheets, info)
		if !info.Read {
			continue
		}
		for k := range part.mapFound {
			mapFound[k] = true
		}
		if src.Sheet == "" { // the first sheet read gives the source's header and columns
			src.Sheet, src.HeaderRow, src.Columns = name, part.HeaderRow, part.Columns
		}
		for i := range part.Records {
			r := &part.Records[i]
			r.Sheet = name
			if opt.SheetGroup && r.Skip == "" {
				r.Contact.Groups = appendOwnGroups(r.Contact.Groups, name)
			}
		}
		src.Records = append(src.Records, part.Records...)
		src.Warnings = append(src.Warnings, part.Warnings...)
	}
	for k, v := range opt.Map {
		if _, col, ok := strings.Cut(k, "!"); (ok && !mapFound[col] || !ok && !mapFound[k]) && len(chosen) > 1 {
			return nil, contacts.Errorf(contacts.EInvalid, "--map %s=%s: no sheet read has a column %q", k, v, k)
		}
	}
	if history != "" {
		hrows, err := sheetRows(f, history, &budget)
		if err != nil {
			return nil, err
		}
		attachHistory(src, hrows, "sheet "+history)
		src.Sheets = append(src.Sheets, SheetInfo{Name: history, Rows: max(nonEmptyRows(hrows)-1, 0), Read: true, History: true})
	}
	return src, nil
}

// chooseSheets names the sheets a read takes: ReadOptions.Sheets, else
// Sheet (a name, or SheetAll), else the first. An unknown name is refused
// with the sheets there are.
func chooseSheets(names []string, opt ReadOptions) (map[string]bool, error) {
	want := opt.Sheets
	if len(want) == 0 && opt.Sheet != "" {
		want = []string{opt.Sheet}
	}
	chosen := map[string]bool{}
	if len(want) == 0 {
		chosen[names[0]] = true
		return chosen, nil
	}
	for _, w := range want {
		w = strings.TrimSpace(w)
		if strings.EqualFold(w, SheetAll) {
			for _, n := range names {
				chosen[n] = true
			}
			continue
		}
		found := ""
		for _, n := range names {
			if n == w || found == "" && strings.EqualFold(n, w) {
				found = n
			}
		}
		if found == "" {
			return nil, contacts.Errorf(contacts.EInvalid, "the workbook has no sheet %q (sheets: %s; or all)", w, strings.Join(names, ", "))
		}
		chosen[found] = true
	}
	return chosen, nil
}

// mapForSheet is the part of a --map that applies to one sheet: plain keys
// (every sheet) and "Sheet!B" keys of that sheet, without the prefix.
func mapForSheet(m map[string]string, sheet string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range m {
		if sh, col, ok := strings.Cut(k, "!"); ok {
			if strings.EqualFold(strings.TrimSpace(sh), sheet) {
				out[col] = v
			}
			continue
		}
		out[k] = v
	}
	return out
}

func nonEmptyRows(rows [][]string) int {
	n := 0
	for _, r := range rows {
		for _, c := range r {
			if strings.TrimSpace(c) != "" {
				n++
				break
			}
		}
	}
	return n
}

// sheetRows reads a sheet's cells as stored (numbers unformatted, so a
// phone number is not shown as 6.12E+08 and a date is its serial), fills
// each merged range with its top-left value, and computes formulas that
// were saved without their result.
func sheetRows(f *excelize.File, sheet string, budget *cellBudget) ([][]string, error) {
	rows, height, err := sheetCells(f, sheet, budget)
	if err != nil {
		return nil, err
	}
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		return nil, contacts.Errorf(contacts.EInvalid, "sheet %q: merged cells: %v", sheet, err)
	}
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	for _, m := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || (r2-r1+1)*(c2-c1+1) > 1_000_000 {
			continue
		}
		width, height = max(width, c2), max(height, r2) // excelize joined overlapping ranges: together they fit this rectangle
		if err := budget.check(sheet, height, width); err != nil {
			return nil, err
		}
		v := m.GetCellValue()
		for r := r1; r <= r2; r++ {
			for c := c1; c <= c2; c++ {
				rows = setCell(rows, r-1, c-1, v)
			}
		}
	}
	budget.spend(height, width)
	if err := fillFormulas(f, sheet, rows); err != nil {
		return nil, err
	}
	dateColumns(f, sheet, rows, 1)
	return rows, nil
}

func setCell(rows [][]string, r, c int, v string) [][]string {
	for len(rows) <= r {
		rows = append(rows, nil)
	}
	for len(rows[r]) <= c {
		rows[r] = append(rows[r], "")
	}
	rows[r][c] = v
	return rows
}

// fillFormulas computes formula cells that have no saved result (files
// written by programs rather than Excel). Only empty cells can be such.
func fillFormulas(f *excelize.File, sheet string, rows [][]string) error {
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	for ri, r := range rows {
		for ci := 0; ci < width; ci++ {
			if ci < len(r) && r[ci] != "" {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(ci+1, ri+1)
			if err != nil {
				return fmt.Errorf("cell name: %w", err)
			}
			formula, err := f.GetCellFormula(sheet, cell)
			if err != nil || formula == "" {
				continue
			}
			v, err := f.CalcCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			if err != nil {
				continue
			}
			for len(rows[ri]) <= ci {
				rows[ri] = append(rows[ri], "")
			}
			rows[ri][ci] = v
		}
	}
	return nil
}

// dateColumns turns date serials into dates in columns whose first number
// cell has a date format: the sheet shows a date, the file holds a number
// of days (since 1899-12-30, or 1904-01-01 in a workbook saved with the
// 1904 date system). A serial with a time of day gives "YYYY-MM-DD
// HH:MM", one without "YYYY-MM-DD".
func dateColumns(f *excelize.File, sheet string, rows [][]string, from int) {
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	checked := map[int]bool{}
	for ri := from; ri < len(rows); ri++ {
		for ci, v := range rows[ri] {
			if checked[ci] || v == "" {
				continue
			}
			if _, ok := cellDate(v, date1904); !ok {
				continue
			}
			checked[ci] = true
			cell, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
			if !isDateStyle(f, sheet, cell) {
				continue
			}
			for rj := from; rj < len(rows); rj++ {
				if ci < len(rows[rj]) {
					if d, ok := cellDate(rows[rj][ci], date1904); ok {
						rows[rj][ci] = d
					}
				}
			}
		}
	}
}

// cellDate reads a date cell's serial: plausible dates only (1900 to
// 2100), with the time of day (to the minute) when it has one.
func cellDate(v string, date1904 bool) (string, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 1 || f > 73415 {
		return "", false
	}
	t, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil {
		return "", false
	}
	t = t.Round(time.Minute)
	if t.Hour() == 0 && t.Minute() == 0 {
		return t.Format("2006-01-02"), true
	}
	return t.Format("2006-01-02 15:04"), true
}

// isDateStyle tells a cell whose number format shows a date: a built-in
// date or date-time format (14-22, 27-36 and 50-58 in East Asian locales,
// 45-47), or a custom one with a day, month or year in it once its quoted
// text, [colour]/[$-locale] parts and escaped characters are left out
// ("#,##0 \"days\"" is not a date; "dd/mm/yyyy\\ hh:mm" is).
func isDateStyle(f *excelize.File, sheet, cell string) bool {
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil || id == 0 {
		return false
	}
	st, err := f.GetStyle(id)
	if err != nil {
		return false
	}
	switch {
	case st.NumFmt >= 14 && st.NumFmt <= 22, st.NumFmt >= 27 && st.NumFmt <= 36, st.NumFmt >= 45 && st.NumFmt <= 47, st.NumFmt >= 50 && st.NumFmt <= 58:
		return true // a time of day alone (18-21, 45-47) is a serial under 1: cellDate passes it over
	}
	if st.CustomNumFmt == nil {
		return false
	}
	fm := strings.ToLower(formatCodes(*st.CustomNumFmt))
	return strings.ContainsAny(fm, "dy") || strings.Contains(fm, "m") && !strings.ContainsAny(fm, "hs0#")
}

// formatCodes leaves out of a number format what is only shown as written:
// "quoted text", [bracketed] parts and \escaped characters.
func formatCodes(fm string) string {
	var b strings.Builder
	quoted, bracket := false, false
	for i := 0; i < len(fm); i++ {
		c := fm[i]
		switch {
		case quoted:
			quoted = c != '"'
		case bracket:
			bracket = c != ']'
		case c == '"':
			quoted = true
		case c == '[':
			bracket = true
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal (or padding)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
