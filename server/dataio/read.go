package dataio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/orders"
)

// File formats.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
	FormatVCF  = "vcf"
)

// DefaultMaxBytes is the largest file an import reads (64 MiB): a 25,000-row
// workbook is about 2 MB, so anything near this is not an address book.
const DefaultMaxBytes = 64 << 20

// ReadOptions says how to read a file. Zero values detect.
type ReadOptions struct {
	Format   string            // force xlsx, csv or vcf instead of detecting from the content
	Map      map[string]string // column (header, letter or number) -> field, over the detected mapping
	Region   string            // country national numbers are read in (for lost leading zeros)
	MaxBytes int64             // larger files are refused (default DefaultMaxBytes)
	Sheet    string            // the workbook sheet to read: a name or SheetAll (default: the first that is not History)
	Sheets   []string          // several sheets by name (over Sheet)
	// SheetGroup puts each contact read from a workbook in a group named
	// after its sheet ("Fornitori").
	SheetGroup bool
	lenientMap bool // a Map key may name no column of this table (one of several sheets)
}

// Source is a file read into records, with how it was read.
type Source struct {
	Name        string
	Format      string
	Sheet       string      // the (first) workbook sheet read
	Sheets      []SheetInfo // every sheet of a workbook, read or not
	HeaderRow   int         // 1-based; 0 for vCard
	Columns     []Column    // the mapping used (tables)
	Records     []Record
	Warnings    []string
	HistoryRows int // history lines read (a ringcard export)
	// NumberHistory holds the export's calls and notes of numbers no
	// contact in the file has (unknown callers): an import keeps them
	// against their number.
	NumberHistory []sqlite.ImportEntry
	// Orders are the orders, documents and payments of a ringcard export
	// (its -orders.json file next to it); nil for other files.
	Orders   *orders.Archive
	mapFound map[string]bool // the Map keys that named a column
}

// ReadFile reads contacts from path. The format is told by the content,
// not the extension (a CSV named .xlsx is read as CSV, with a warning);
// a file that is none of XLSX, CSV or vCard is refused with what it looks
// like; a file over MaxBytes is refused before it is read.
func ReadFile(path string, opt ReadOptions) (*Source, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, contacts.Errorf(contacts.ENotFound, "%s does not exist", path)
		}
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if st.Size() > opt.MaxBytes {
		return nil, contacts.Errorf(contacts.ETooLarge, "%s is %s; an import reads at most %s (split the file)", filepath.Base(path), sizeText(st.Size()), sizeText(opt.MaxBytes))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, opt.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > opt.MaxBytes { // grew while we read it
		return nil, contacts.Errorf(contacts.ETooLarge, "%s is larger than %s", filepath.Base(path), sizeText(opt.MaxBytes))
	}
	src, err := Read(filepath.Base(path), data, opt)
	if err != nil {
		return nil, err
	}
	if src.Format != FormatXLSX {
		if err := readSiblingHistory(path, src); err != nil {
			return nil, err
		}
	}
	if err := readSiblingOrders(path, src); err != nil {
		return nil, err
	}
	return src, nil
}

// Read reads contacts from a file's content; name is used in messages and
// to compare the extension with the content.
func Read(name string, data []byte, opt ReadOptions) (*Source, error) {
	format := opt.Format
	var warnings []string
	if format == "" {
		detected, err := Sniff(name, data)
		if err != nil {
			return nil, err
		}
		format = detected
		if ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(name)), "."); ext != "" && ext != format && !(ext == "vcard" && format == FormatVCF) && !(ext == "txt" && format == FormatCSV) {
			warnings = append(warnings, fmt.Sprintf("%s is named .%s but holds %s: read as %s", name, ext, formatName(format), formatName(format)))
		}
	}
	if opt.Format != "" {
		// A forced format never overrides what a file unmistakably is
		// (a workbook's zip, a vCard's BEGIN:VCARD): read as CSV its lines
		// would only make nonsense contacts.
		if detected, err := Sniff(name, data); err == nil && detected != format && detected != FormatCSV {
			return nil, contacts.Errorf(contacts.EInvalid, "%s does not look like %s (format %s was asked for); it looks like %s: leave the format out to read it as that", name, formatName(format), format, formatName(detected))
		}
	}
	var src *Source
	var err error
	switch format {
	case FormatXLSX:
		src, err = readXLSX(data, opt)
	case FormatCSV:
		src, err = readCSV(data, opt)
	case FormatVCF:
		src, err = readVCF(data, opt)
	default:
		return nil, contacts.Errorf(contacts.EInvalid, "format %q: want xlsx, csv or vcf", format)
	}
	if opt.Format != "" && (err != nil || !hasContacts(src)) {
		if msg, wrong := notThatFormat(name, data, format); wrong {
			return nil, contacts.Errorf(contacts.EInvalid, "%s", msg)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, validMessage(err))
	}
	src.Name, src.Format = name, format
	src.Warnings = append(warnings, src.Warnings...)
	return src, nil
}

// hasContacts tells whether any record of src is a contact.
func hasContacts(src *Source) bool {
	for _, r := range src.Records {
		if r.Skip == "" {
			return true
		}
	}
	return false
}

// notThatFormat explains a forced format that found no contacts in a file
// with content: the file does not look like that format (a CSV read with
// --format vcf skips every line as "not a vCard"). It reports false when
// the content is what was asked for (an export with no contacts, say).
func notThatFormat(name string, data []byte, format string) (string, bool) {
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))) == 0 {
		return "", false
	}
	msg := fmt.Sprintf("%s does not look like %s (format %s was asked for) and no contacts were found in it", name, formatName(format), format)
	detected, err := Sniff(name, data)
	switch {
	case err != nil:
		return msg, true
	case detected == format:
		return "", false
	}
	return msg + fmt.Sprintf("; it looks like %s: leave the format out to read it as that", formatName(detected)), true
}

// Sniff tells a file's format from its first bytes.
func Sniff(name string, data []byte) (string, error) {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	switch {
	case len(data) == 0:
		return "", contacts.Errorf(contacts.EInvalid, "%s is empty", name)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return FormatXLSX, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", contacts.Errorf(contacts.EInvalid, "%s is an old Excel .xls (or other Office 97) file: open it in Excel or LibreOffice and save it as .xlsx", name)
	}
	text := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(text) >= 11 && strings.EqualFold(string(text[:11]), "BEGIN:VCARD") {
		return FormatVCF, nil
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return FormatCSV, nil // UTF-16 text (Outlook's export); decoded in readCSV
	}
	if bytes.IndexByte(head, 0) >= 0 || (!utf8.Valid(head) && binaryShare(head) > 0.3) {
		kind := http.DetectContentType(head)
		return "", contacts.Errorf(contacts.EInvalid, "%s is not a workbook, CSV or vCard file (it looks like %s)", name, kind)
	}
	if t := http.DetectContentType(head); strings.HasPrefix(t, "text/html") || strings.HasPrefix(t, "text/xml") {
		return "", contacts.Errorf(contacts.EInvalid, "%s is not a workbook, CSV or vCard file (it looks like %s)", name, t)
	}
	return FormatCSV, nil
}

// binaryShare is the share of control bytes other than tab, CR and LF.
func binaryShare(b []byte) float64 {
	n := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' {
			n++
		}
	}
	return float64(n) / float64(len(b)+1)
}

func formatName(f string) string {
	return map[string]string{FormatXLSX: "an Excel workbook", FormatCSV: "CSV text", FormatVCF: "vCards"}[f]
}

func sizeText(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// readSiblingHistory reads the history file an export put next to a CSV
// or vCard file (HistoryPath, or the older NAME-history.csv).
func readSiblingHistory(path string, src *Source) error {
	for _, hp := range []string{HistoryPath(path), legacyHistoryPath(path)} {
		data, err := os.ReadFile(hp)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", hp, err)
		}
		rows, err := csvRows(data)
		if err != nil {
			return fmt.Errorf("read %s: %w", hp, err)
		}
		attachHistory(src, rows, filepath.Base(hp))
		return nil
	}
	return nil
}
