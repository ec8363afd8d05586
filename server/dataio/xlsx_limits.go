package dataio

import (
	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard/contacts"
)

// maxSheetCells bounds the rectangle a sheet is read into: from A1 to its
// last row and widest column (100,000 rows of 20 columns; a 25,000-row
// address book has 500,000). A few bytes of XML can place a cell at
// XFD1048576: read as a table, with its empty cells checked for formulas,
// that is 17 billion cells, and the import would never end.
const maxSheetCells = 2_000_000

// sheetCells reads a sheet's cells as stored, as excelize's GetRows does,
// but refuses the sheet as soon as its rows and columns span more than
// maxSheetCells.
func sheetCells(f *excelize.File, sheet string) ([][]string, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, contacts.Errorf(contacts.EInvalid, "sheet %q: %v", sheet, err)
	}
	defer it.Close()
	var rows [][]string
	width := 0
	for n := 1; it.Next(); n++ {
		row, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, contacts.Errorf(contacts.EInvalid, "sheet %q: row %d: %v", sheet, n, err)
		}
		if len(row) == 0 {
			continue
		}
		width = max(width, len(row))
		if err := checkSheetSize(sheet, n, width); err != nil {
			return nil, err
		}
		for len(rows) < n-1 {
			rows = append(rows, nil)
		}
		rows = append(rows, row)
	}
	if err := it.Error(); err != nil {
		return nil, contacts.Errorf(contacts.EInvalid, "sheet %q: %v", sheet, err)
	}
	return rows, nil
}

// checkSheetSize refuses a sheet whose cells span rows × width beyond
// maxSheetCells.
func checkSheetSize(sheet string, rows, width int) error {
	if rows*width <= maxSheetCells {
		return nil
	}
	last, _ := excelize.CoordinatesToCellName(width, rows)
	return contacts.Errorf(contacts.ETooLarge, "sheet %q reaches cell %s: an import reads at most %d cells (rows × columns); delete what lies beyond the contacts", sheet, last, maxSheetCells)
}
