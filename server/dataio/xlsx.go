package dataio

import (
	"bytes"
	"fmt"
	"strings"

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

func readXLSX(data []byte, opt ReadOptions) (*Source, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 256 << 20})
	if err != nil {
		return nil, contacts.Errorf(contacts.EInvalid, "not a readable Excel workbook (.xlsx): %v", err)
	}
	defer f.Close()
	sheet := opt.Sheet
	var history string
	for _, s := range f.GetSheetList() {
		switch {
		case isHistorySheet(s):
			history = s
		case sheet == "":
			sheet = s
		}
	}
	if sheet == "" {
		return nil, contacts.Errorf(contacts.EInvalid, "the workbook has no sheet with contacts")
	}
	rows, err := sheetRows(f, sheet)
	if err != nil {
		return nil, err
	}
	src := &Source{Sheet: sheet}
	if err := readTable(src, rows, opt); err != nil {
		return nil, err
	}
	if history != "" {
		hrows, err := sheetRows(f, history)
		if err != nil {
			return nil, err
		}
		attachHistory(src, hrows, "sheet "+history)
	}
	return src, nil
}

// sheetRows reads a sheet's cells as stored (numbers unformatted, so a
// phone number is not shown as 6.12E+08 and a date is its serial), fills
// each merged range with its top-left value, and computes formulas that
// were saved without their result.
func sheetRows(f *excelize.File, sheet string) ([][]string, error) {
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, contacts.Errorf(contacts.EInvalid, "sheet %q: %v", sheet, err)
	}
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		return nil, contacts.Errorf(contacts.EInvalid, "sheet %q: merged cells: %v", sheet, err)
	}
	for _, m := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || (r2-r1+1)*(c2-c1+1) > 1_000_000 {
			continue
		}
		v := m.GetCellValue()
		for r := r1; r <= r2; r++ {
			for c := c1; c <= c2; c++ {
				rows = setCell(rows, r-1, c-1, v)
			}
		}
	}
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

// dateColumns turns date serials into YYYY-MM-DD in columns whose first
// number cell has a date format: the sheet shows a date, the file holds a
// number of days.
func dateColumns(f *excelize.File, sheet string, rows [][]string, from int) {
	checked := map[int]bool{}
	for ri := from; ri < len(rows); ri++ {
		for ci, v := range rows[ri] {
			if checked[ci] || v == "" {
				continue
			}
			if _, ok := serialDate(v); !ok {
				continue
			}
			checked[ci] = true
			cell, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
			if !isDateStyle(f, sheet, cell) {
				continue
			}
			for rj := from; rj < len(rows); rj++ {
				if ci < len(rows[rj]) {
					if d, ok := serialDate(rows[rj][ci]); ok {
						rows[rj][ci] = d
					}
				}
			}
		}
	}
}

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
		return true
	}
	if st.CustomNumFmt != nil {
		fm := strings.ToLower(*st.CustomNumFmt)
		return strings.Contains(fm, "d") && strings.Contains(fm, "m") || strings.Contains(fm, "y")
	}
	return false
}
