package dataio

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/internal/fsperm"
)

// ExportResult says what an export wrote.
type ExportResult struct {
	Contacts int
	History  int
	Orders   int // orders written to the -orders.json file (OrdersPath)
	Files    []string
	Warnings []string
}

// Export writes every live contact with all its fields and groups, and the
// history (calls, notes, stage changes), in format csv, vcf or xlsx: a CSV
// or vCard file plus its history file next to it (HistoryPath), or one workbook with a
// Contacts and a History sheet. Importing it into an empty ringcard gives
// the same contacts and history back.
func Export(ctx context.Context, db *sqlite.DB, format, path string) (*ExportResult, error) {
	var list []*contacts.Contact
	if err := db.EachContact(ctx, func(c *contacts.Contact) error { list = append(list, c); return nil }); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	names := make(map[string]string, len(list))
	for _, c := range list {
		names[c.ID] = c.Name()
	}
	res := &ExportResult{Contacts: len(list)}
	var err error
	switch format {
	case FormatCSV:
		err = writeCSVFile(path, contactRows(list))
		res.Files = append(res.Files, path)
	case FormatVCF:
		err = writeVCF(path, list)
		res.Files = append(res.Files, path)
	case FormatXLSX:
		err = writeXLSX(ctx, db, path, list, names, res)
		if err != nil {
			return res, err
		}
		res.Files = append(res.Files, path)
		return res, exportOrders(ctx, db, path, res)
	default:
		return nil, contacts.Errorf(contacts.EInvalid, "format %q: want csv, vcf or xlsx", format)
	}
	if err != nil {
		return nil, err
	}
	hp := HistoryPath(path)
	rows := [][]string{HistoryHeader}
	err = db.EachHistory(ctx, func(e sqlite.ExportEntry) error {
		rows = append(rows, historyRow(e, names[e.ContactID]))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export history: %w", err)
	}
	if err := writeCSVFile(hp, rows); err != nil {
		return nil, err
	}
	res.History = len(rows) - 1
	res.Files = append(res.Files, hp)
	return res, exportOrders(ctx, db, path, res)
}

// HistoryPath is where the history of a CSV or vCard export goes: next to
// it, named after the file and its kind, so a CSV and a vCard export in the
// same folder keep their own history: clients.csv -> clients-csv-history.csv,
// clients.vcf -> clients-vcf-history.csv.
func HistoryPath(path string) string {
	ext := filepath.Ext(path)
	kind := strings.ToLower(strings.TrimPrefix(ext, "."))
	if kind == "" {
		return path + "-history.csv"
	}
	return strings.TrimSuffix(path, ext) + "-" + kind + "-history.csv"
}

// legacyHistoryPath is where exports before HistoryPath put the history
// (clients-history.csv for both kinds); an import still finds it.
func legacyHistoryPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + "-history.csv"
}

// exportIDHeader heads an export's first column; a table that starts with
// it is read back exactly (see table.own).
const exportIDHeader = "ringcard ID"

// groupSep joins a contact's groups in one cell or property (Google's way).
const groupSep = " ::: "

// contactRows lays contacts out as a table with Google-style numbered
// columns (Phone 1 - Value ...), as many as the contact with most needs.
func contactRows(list []*contacts.Contact) [][]string {
	var phones, emails, addrs, webs, customs int
	for _, c := range list {
		phones, emails, addrs = max(phones, len(c.Numbers)), max(emails, len(c.Emails)), max(addrs, len(c.Addresses))
		webs, customs = max(webs, len(c.Websites)), max(customs, len(c.Custom))
	}
	header := []string{exportIDHeader, "Name", "Given Name", "Family Name", "Nickname", "Organization Name", "Organization Title",
		"Organization Department", "Birthday", "Notes", "Labels", "Stage", "Photo", "Resource Name"}
	num := func(kind string, n int, parts ...string) {
		for i := 1; i <= n; i++ {
			for _, p := range parts {
				header = append(header, fmt.Sprintf("%s %d - %s", kind, i, p))
			}
		}
	}
	num("Phone", phones, "Type", "Label", "Value")
	num("E-mail", emails, "Type", "Value")
	num("Address", addrs, "Type", "Formatted")
	num("Website", webs, "Value")
	num("Custom Field", customs, "Label", "Value")
	rows := [][]string{header}
	for _, c := range list {
		r := []string{c.ID, c.DisplayName, c.GivenName, c.FamilyName, c.Nickname, c.Company, c.JobTitle, c.Department,
			c.Birthday, c.Note, strings.Join(c.Groups, groupSep), c.Stage, c.PhotoURL, c.ResourceName}
		for i := 0; i < phones; i++ {
			if i < len(c.Numbers) {
				r = append(r, c.Numbers[i].Type, c.Numbers[i].Label, c.Numbers[i].Raw)
			} else {
				r = append(r, "", "", "")
			}
		}
		for i := 0; i < emails; i++ {
			if i < len(c.Emails) {
				r = append(r, c.Emails[i].Type, c.Emails[i].Address)
			} else {
				r = append(r, "", "")
			}
		}
		for i := 0; i < addrs; i++ {
			if i < len(c.Addresses) {
				r = append(r, c.Addresses[i].Type, c.Addresses[i].Formatted)
			} else {
				r = append(r, "", "")
			}
		}
		for i := 0; i < webs; i++ {
			r = append(r, at(c.Websites, i))
		}
		for i := 0; i < customs; i++ {
			if i < len(c.Custom) {
				r = append(r, c.Custom[i].Key, c.Custom[i].Value)
			} else {
				r = append(r, "", "")
			}
		}
		rows = append(rows, r)
	}
	return rows
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// writeCSVFile writes UTF-8 CSV with a BOM (so Excel shows accents and
// Cyrillic right), replacing path only once it is complete.
func writeCSVFile(path string, rows [][]string) error {
	return fsperm.WriteAtomic(path, fsperm.File, func(f *os.File) error {
		w := bufio.NewWriter(f)
		if _, err := w.WriteString("\xEF\xBB\xBF"); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
		return w.Flush()
	})
}

// xlsxCellMax is the longest text a workbook cell holds.
const xlsxCellMax = 32767

func writeXLSX(ctx context.Context, db *sqlite.DB, path string, list []*contacts.Contact, names map[string]string, res *ExportResult) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Contacts"); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if _, err := f.NewSheet("History"); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	write := func(sheet string, next func() ([]string, bool)) (int, error) {
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return 0, err
		}
		n := 0
		for {
			row, ok := next()
			if !ok {
				break
			}
			n++
			cells := make([]any, len(row))
			for i, v := range row {
				if len(v) > xlsxCellMax {
					v = contacts.Truncate(v, xlsxCellMax/4)
					res.Warnings = append(res.Warnings, fmt.Sprintf("%s row %d: text longer than a cell holds, cut", sheet, n))
				}
				cells[i] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, n)
			if err := sw.SetRow(cell, cells); err != nil {
				return 0, err
			}
		}
		return n, sw.Flush()
	}
	rows := contactRows(list)
	i := 0
	if _, err := write("Contacts", func() ([]string, bool) {
		if i >= len(rows) {
			return nil, false
		}
		i++
		return rows[i-1], true
	}); err != nil {
		return fmt.Errorf("export contacts sheet: %w", err)
	}
	hist := [][]string{HistoryHeader}
	if err := db.EachHistory(ctx, func(e sqlite.ExportEntry) error {
		hist = append(hist, historyRow(e, names[e.ContactID]))
		return nil
	}); err != nil {
		return fmt.Errorf("export history: %w", err)
	}
	j := 0
	if _, err := write("History", func() ([]string, bool) {
		if j >= len(hist) {
			return nil, false
		}
		j++
		return hist[j-1], true
	}); err != nil {
		return fmt.Errorf("export history sheet: %w", err)
	}
	res.History = len(hist) - 1
	return fsperm.WriteAtomic(path, fsperm.File, func(out *os.File) error {
		_, err := f.WriteTo(out)
		return err
	})
}
