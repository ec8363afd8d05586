package dataio

import (
	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard/contacts"
)

// maxWorkbookCells bounds the cells a workbook's sheets are read into,
// together: each sheet's rectangle from A1 to its last row and widest
// column (100,000 rows of 20 columns; a 25,000-row address book has
// 500,000). A few bytes of XML can place a cell at XFD1048576: read as a
// table, with its empty cells checked for formulas, that is 17 billion
// cells, and the import would never end. Every sheet is read (to say what
// it holds), so a workbook of many sheets counts them all.
const maxWorkbookCells = 2_000_000

// cellBudget is what a workbook read has left of maxWorkbookCells.
type cellBudget int

// check refuses a sheet whose rows × width exceed what is left.
func (b *cellBudget) check(sheet string, rows, width int) error {
	if rows*max(width, 1) <= int(*b) {
		return nil
	}
	last, _ := excelize.CoordinatesToCellName(max(width, 1), rows)
	return contacts.Errorf(contacts.ETooLarge, "sheet %q reaches cell %s: an import reads at most %d cells (rows × columns, all sheets together); delete what lies beyond the contacts", sheet, last, maxWorkbookCells)
}

// spend takes a sheet's rows × width from what is left.
func (b *cellBudget) spend(rows, width int) { *b -= cellBudget(rows * max(width, 1)) }

// sheetCells reads a sheet's cells as stored, as excelize's GetRows does,
// but refuses the sheet as soon as its rows and columns span more than
// the budget has left. It returns the rows and the number of the last
// row element (empty rows are iterated too).
func sheetCells(f *excelize.File, sheet string, budget *cellBudget) ([][]string, int, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, 0, contacts.Errorf(contacts.EInvalid, "sheet %q: %v", sheet, err)
	}
	defer it.Close()
	var rows [][]string
	n, width := 0, 0
	for it.Next() {
		n++
		row, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, 0, contacts.Errorf(contacts.EInvalid, "sheet %q: row %d: %v", sheet, n, err)
		}
		width = max(width, len(row))
		if err := budget.check(sheet, n, width); err != nil {
			return nil, 0, err
		}
		if len(row) == 0 {
			continue
		}
		for len(rows) < n-1 {
			rows = append(rows, nil)
		}
		rows = append(rows, row)
	}
	if err := it.Error(); err != nil {
		return nil, 0, contacts.Errorf(contacts.EInvalid, "sheet %q: %v", sheet, err)
	}
	return rows, n, nil
}
