package dataio

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ringcard/ringcard/contacts"
)

// Bounds every importer must keep on any input.
const (
	fuzzMaxBytes = 64 << 10         // the import size limit the targets read with
	fuzzMaxTime  = 10 * time.Second // one file, read: far more than any takes
	fuzzMaxAlloc = 256 << 20        // bytes allocated reading one file of at most fuzzMaxBytes
)

// FuzzReadCSV reads any text as CSV through ReadFile, as an import does.
func FuzzReadCSV(f *testing.F) {
	addSamples(f, ".csv")
	f.Add([]byte("Nome;Telefono\nRossi;06 1234 5678\n"))
	f.Add([]byte("\xff\xfeN\x00a\x00m\x00e\x00,\x00P\x00h\x00o\x00n\x00e\x00\n\x00"))
	f.Add([]byte("Name,Phone\n\"Rossi, \"\"Mario\",06 1234 5678\r\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, dir, "import.csv", FormatCSV, data)
	})
}

// FuzzReadVCF reads any text as vCards through ReadFile.
func FuzzReadVCF(f *testing.F) {
	addSamples(f, ".vcf")
	f.Add([]byte("BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=B2;\r\nTEL;CELL:+7 912 345 67 89\r\nEND:VCARD\r\n"))
	f.Add([]byte("BEGIN:VCARD\nVERSION:4.0\nFN:Rossi\nitem1.TEL;VALUE=uri:tel:+39-06-1234-5678\nitem1.X-ABLabel:_$!<Work>!$_\nEND:VCARD\nBEGIN:VCARD\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, dir, "import.vcf", FormatVCF, data)
	})
}

// FuzzReadXLSX reads workbooks. Mutated zip bytes rarely get past the
// zip's checksums, so besides whole files (sheet starting with "PK", no
// strings) the input is a worksheet's XML and its shared strings, stored
// into the sample workbook's other parts: the fuzzer works on what the
// reader interprets (cell references, merged ranges, formulas, styles).
func FuzzReadXLSX(f *testing.F) {
	sample, err := os.ReadFile(samples + "office-clients.xlsx")
	if err != nil {
		f.Fatal(err)
	}
	parts := zipParts(f, sample)
	f.Add(sample, []byte(nil))
	f.Add(parts[xlsxSheet], parts[xlsxStrings])
	const head = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	far := head + `<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Phone</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Rossi</t></is></c><c r="B2"><v>612345678</v></c><c r="XFD2"><v>1</v></c></row>` +
		`<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData></worksheet>`
	f.Add([]byte(far), parts[xlsxStrings])
	merged := head + `<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>2</v></c></row></sheetData>` +
		`<mergeCells count="3"><mergeCell ref="A2:B3"/><mergeCell ref="C1:C1000"/><mergeCell ref="D5:A1"/></mergeCells></worksheet>`
	f.Add([]byte(merged), parts[xlsxStrings])
	formula := head + `<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>2</v></c></row>` +
		`<row r="2"><c r="A2" t="str"><f>"Ros"&amp;"si"</f></c><c r="B2"><f>SUM(A1:XFD1048576)</f></c></row></sheetData></worksheet>`
	f.Add([]byte(formula), parts[xlsxStrings])
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, sheet, strs []byte) {
		data := sheet
		if !(len(strs) == 0 && bytes.HasPrefix(sheet, []byte("PK"))) {
			if len(sheet)+len(strs) > fuzzMaxBytes {
				return
			}
			data = withSheet(t, parts, sheet, strs)
		}
		checkRead(t, dir, "import.xlsx", FormatXLSX, data)
	})
}

// addSamples seeds f with the import samples whose name ends in ext.
func addSamples(f *testing.F, ext string) {
	paths, err := filepath.Glob(samples + "*" + ext)
	if err != nil || len(paths) == 0 {
		f.Fatalf("no %s samples in %s: %v", ext, samples, err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkRead writes data to dir/name and reads it with ReadFile as format,
// with fuzzMaxBytes as the import size limit, and checks what every
// importer promises: a file over the limit is refused as too large; any
// other file is read or refused with a user error (never an internal
// one), within fuzzMaxTime and fuzzMaxAlloc; what is read has at most as
// many records as the file can hold, numbered upwards, in valid UTF-8,
// and every record kept as a contact has a name.
func checkRead(t *testing.T, dir, name, format string, data []byte) {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	src, err := ReadFile(path, ReadOptions{Format: format, Region: "IT", MaxBytes: fuzzMaxBytes})
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if took > fuzzMaxTime {
		t.Fatalf("reading %d bytes as %s took %v", len(data), format, took)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > fuzzMaxAlloc {
		t.Fatalf("reading %d bytes as %s allocated %d MB", len(data), format, alloc>>20)
	}
	if len(data) > fuzzMaxBytes {
		if contacts.ErrorCode(err) != contacts.ETooLarge {
			t.Fatalf("a %d-byte file over the %d-byte limit: err %v, want %s", len(data), fuzzMaxBytes, err, contacts.ETooLarge)
		}
		return
	}
	if err != nil {
		switch code := contacts.ErrorCode(err); code {
		case contacts.EInvalid, contacts.ETooLarge:
		default:
			t.Fatalf("reading %q as %s: error %q (%v), want a user error", head(data), format, code, err)
		}
		if msg := contacts.ErrorMessage(err); msg == "" || !utf8.ValidString(msg) {
			t.Fatalf("reading %q as %s: error message %q", head(data), format, msg)
		}
		return
	}
	if src.Format != format {
		t.Fatalf("read as %s, want %s", src.Format, format)
	}
	limit := maxWorkbookCells
	if format != FormatXLSX {
		limit = bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
	}
	if len(src.Records) > limit {
		t.Fatalf("%d records from %d bytes of %s, want at most %d", len(src.Records), len(data), format, limit)
	}
	prev := 0
	for i, r := range src.Records {
		if r.Row <= prev {
			t.Fatalf("record %d has row %d after row %d", i, r.Row, prev)
		}
		prev = r.Row
		if r.Skip == "" && r.Contact.Name() == "" {
			t.Fatalf("record %d (row %d) is kept with no name: %+v", i, r.Row, r.Contact)
		}
	}
	if s, bad := invalidString(reflect.ValueOf(src)); bad {
		t.Fatalf("reading %q as %s gave text that is not UTF-8: %q", head(data), format, s)
	}
}

// head is the start of data, for messages.
func head(data []byte) []byte {
	return data[:min(len(data), 300)]
}

// invalidString finds a string in v that is not valid UTF-8.
func invalidString(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			return v.String(), true
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return invalidString(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if s, bad := invalidString(v.Index(i)); bad {
				return s, true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if s, bad := invalidString(it.Key()); bad {
				return s, true
			}
			if s, bad := invalidString(it.Value()); bad {
				return s, true
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if s, bad := invalidString(v.Field(i)); bad {
				return s, true
			}
		}
	}
	return "", false
}
