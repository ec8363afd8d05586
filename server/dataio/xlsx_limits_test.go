package dataio

import (
	"archive/zip"
	"bytes"
	"io"
	"maps"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard/contacts"
)

// A few kilobytes of workbook can place cells far apart; read as a table
// (its empty cells checked for formulas) that was billions of cells and
// the import never ended. Now it is refused, quickly, as too large.
func TestReadXLSXRefusesSheetsBeyondTheCellLimit(t *testing.T) {
	sample, err := os.ReadFile(samples + "office-clients.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	parts := zipParts(t, sample)
	const head = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Phone</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Rossi</t></is></c><c r="B2"><v>612345678</v></c>`
	for name, rest := range map[string]string{
		"a cell in the last column and one in the last row": `<c r="XFD2"><v>1</v></c></row><row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData></worksheet>`,
		"a cell in the last column of row 300":              `</row><row r="300"><c r="XFD300"><v>1</v></c></row></sheetData></worksheet>`,
		"a merged range reaching row 900,000":               `</row></sheetData><mergeCells count="1"><mergeCell ref="C1:C900000"/></mergeCells></worksheet>`,
	} {
		t.Run(name, func(t *testing.T) {
			data := withSheet(t, parts, []byte(head+rest), parts[xlsxStrings])
			start := time.Now()
			_, err := Read("far.xlsx", data, ReadOptions{})
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Read took %v", took)
			}
			if contacts.ErrorCode(err) != contacts.ETooLarge {
				t.Errorf("Read a %d-byte workbook = %v, want %s", len(data), err, contacts.ETooLarge)
			}
		})
	}
}

// Every sheet of a workbook is read, so the limit is the workbook's: three
// sheets of 800,000 cells are refused as one of 2,400,000 would be.
func TestReadXLSXRefusesManySheetsBeyondTheCellLimit(t *testing.T) {
	f := excelize.NewFile()
	for i, sheet := range []string{"Sheet1", "Clienti", "Fornitori"} {
		if i > 0 {
			if _, err := f.NewSheet(sheet); err != nil {
				t.Fatal(err)
			}
		}
		for cell, v := range map[string]string{"A1": "Name", "B1": "Phone", "A2": "Rossi", "B2": "06 1234 5678", "T40000": "x"} {
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Read("sheets.xlsx", buf.Bytes(), ReadOptions{Sheet: SheetAll})
	if took := time.Since(start); took > 30*time.Second { // a guard against never ending; it takes a few seconds
		t.Errorf("Read took %v", took)
	}
	if contacts.ErrorCode(err) != contacts.ETooLarge {
		t.Errorf("Read = %v, want %s", err, contacts.ETooLarge)
	}
}

// A sheet with a stray cell well past its contacts is still an address
// book: it reads.
func TestReadXLSXReadsSparseSheets(t *testing.T) {
	f := excelize.NewFile()
	for cell, v := range map[string]string{"A1": "Name", "B1": "Phone", "A2": "Rossi", "B2": "06 1234 5678", "AZ5000": "x"} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	src, err := Read("sparse.xlsx", buf.Bytes(), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := src.Records[0].Contact.Name(); got != "Rossi" {
		t.Errorf("first record = %q, want Rossi", got)
	}
}

const (
	xlsxSheet   = "xl/worksheets/sheet1.xml"
	xlsxStrings = "xl/sharedStrings.xml"
)

// zipParts reads every file of a zip.
func zipParts(tb testing.TB, data []byte) map[string][]byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		parts[zf.Name] = b
	}
	return parts
}

// withSheet stores parts into a zip, with sheet and strs for the first
// worksheet and the shared strings.
func withSheet(tb testing.TB, parts map[string][]byte, sheet, strs []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(parts)) {
		b := parts[name]
		switch name {
		case xlsxSheet:
			b = sheet
		case xlsxStrings:
			b = strs
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err == nil {
			_, err = w.Write(b)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
