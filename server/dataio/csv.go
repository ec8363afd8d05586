package dataio

import (
	"bytes"
	"encoding/csv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/ringcard/ringcard/contacts"
)

func readCSV(data []byte, opt ReadOptions) (*Source, error) {
	rows, err := csvRows(data)
	if err != nil {
		return nil, err
	}
	src := &Source{}
	if enc := textEncoding(data); enc != "UTF-8" {
		src.Warnings = append(src.Warnings, "text read as "+enc)
	}
	if err := readTable(src, rows, opt); err != nil {
		return nil, err
	}
	return src, nil
}

// readTable maps a table's header and reads its data rows.
func readTable(src *Source, rows [][]string, opt ReadOptions) error {
	hdr, cols := findHeader(rows)
	if hdr < 0 {
		if len(opt.Map) == 0 {
			return contacts.Errorf(contacts.EInvalid, "no header row found (looked for column names such as Name, Nome, Имя, Phone, Telefono, Телефон in the first 15 rows): name the columns with --map COLUMN=FIELD")
		}
		hdr = firstNonEmptyRow(rows)
		if hdr < 0 {
			return contacts.Errorf(contacts.EInvalid, "the file has no rows")
		}
		cols = headerColumns(rows[hdr])
	}
	checkPhoneColumns(cols, rows[hdr+1:])
	found, err := applyMap(cols, opt.Map, opt.lenientMap)
	if err != nil {
		return err
	}
	src.mapFound = found
	t := newTable(cols, opt.Region)
	src.HeaderRow, src.Columns = hdr+1, cols
	for i := hdr + 1; i < len(rows); i++ {
		src.Records = append(src.Records, t.record(rows[i], i+1))
	}
	return nil
}

// checkPhoneColumns keeps a column whose header only has a phone word in it
// ("Доп. телефон") as numbers when its cells are phone numbers (most of
// those filled); otherwise it is read as the custom field it was ("Phone
// type": Mobile, Work ...).
func checkPhoneColumns(cols []Column, rows [][]string) {
	for i := range cols {
		c := &cols[i]
		if !c.phoneByWord {
			continue
		}
		filled, phones := 0, 0
		for _, r := range rows {
			if c.Index >= len(r) {
				continue
			}
			if v := strings.TrimSpace(r[c.Index]); v != "" {
				filled++
				for _, p := range splitMulti(v, true) {
					if looksLikePhone(p) {
						phones++
						break
					}
				}
			}
		}
		if filled > 0 && phones*2 <= filled {
			c.Field, c.phoneByWord = "custom:"+strings.TrimSpace(c.Header), false
		}
	}
}

func firstNonEmptyRow(rows [][]string) int {
	for i, r := range rows {
		for _, c := range r {
			if strings.TrimSpace(c) != "" {
				return i
			}
		}
	}
	return -1
}

// csvRows decodes CSV text in UTF-8 (with or without a BOM), UTF-16 (with a
// BOM) or Windows-1251/1252, with comma, semicolon or tab separators.
func csvRows(data []byte) ([][]string, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = detectComma(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	rows, err := r.ReadAll()
	if err != nil {
		return nil, contacts.Errorf(contacts.EInvalid, "not readable as CSV: %v", err)
	}
	return rows, nil
}

// textEncoding names the encoding decodeText will use.
func textEncoding(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return "UTF-16LE"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return "UTF-16BE"
	case utf8.Valid(data):
		return "UTF-8"
	case cyrillicShare(data) > 0.5:
		return "Windows-1251"
	}
	return "Windows-1252"
}

func decodeText(data []byte) (string, error) {
	enc := textEncoding(data)
	var out []byte
	var err error
	switch enc {
	case "UTF-8":
		return string(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))), nil
	case "UTF-16LE":
		out, err = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
	case "UTF-16BE":
		out, err = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
	case "Windows-1251":
		out, err = charmap.Windows1251.NewDecoder().Bytes(data)
	default:
		out, err = charmap.Windows1252.NewDecoder().Bytes(data)
	}
	if err != nil {
		return "", contacts.Errorf(contacts.EInvalid, "text is not valid %s: %v", enc, err)
	}
	return string(out), nil
}

// cyrillicShare is the share of high bytes in the range Windows-1251 uses
// for Cyrillic letters (0xC0-0xFF); Latin text in Windows-1252 has few
// high bytes between many ASCII letters, Russian text almost only these.
func cyrillicShare(data []byte) float64 {
	var high, letters int
	for _, b := range data {
		switch {
		case b >= 0xC0:
			high++
			letters++
		case b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z':
			letters++
		}
	}
	if letters == 0 {
		return 0
	}
	return float64(high) / float64(letters)
}

// detectComma picks the separator that splits the first line most often
// outside quotes (Italian and Russian Excel save CSV with semicolons).
func detectComma(text string) rune {
	line := text
	if i := strings.IndexAny(text, "\r\n"); i >= 0 {
		line = text[:i]
	}
	best, bestN := ',', 0
	for _, sep := range []rune{',', ';', '\t', '|'} {
		n, quoted := 0, false
		for _, r := range line {
			switch {
			case r == '"':
				quoted = !quoted
			case r == sep && !quoted:
				n++
			}
		}
		if n > bestN {
			best, bestN = sep, n
		}
	}
	return best
}
