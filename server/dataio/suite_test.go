package dataio

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard/contacts"
)

// An office suite's workbook (testdata/import/office-suite.xlsx): date
// cells come in as dates (with the time of day when they have one), the
// second phone column gives numbers, and both sheets are listed; read with
// --sheet all, both come in, each row saying its sheet.
func TestOfficeSuiteWorkbook(t *testing.T) {
	src, err := ReadFile(samples+"office-suite.xlsx", ReadOptions{Region: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Sheets) != 2 || !src.Sheets[0].Read || src.Sheets[1].Read || src.Sheets[1].Name != "Fornitori" || src.Sheets[1].Contacts != 2 {
		t.Fatalf("sheets %+v: want Clienti read and Fornitori listed with 2 contacts, not read", src.Sheets)
	}
	mario := src.Records[0].Contact
	if mario.Birthday != "1971-03-14" {
		t.Errorf("birthday %q, want 1971-03-14", mario.Birthday)
	}
	if got := customValue(mario, "Ultima chiamata"); got != "2024-10-29 14:30" {
		t.Errorf("last call %q, want 2024-10-29 14:30", got)
	}
	if got := customValue(src.Records[2].Contact, "Ultima chiamata"); got != "2024-09-02" {
		t.Errorf("a last call at midnight %q, want 2024-09-02", got)
	}
	if n := mario.Numbers; len(n) != 2 || n[1].Raw != "3331234567" || len(mario.Custom) != 1 {
		t.Errorf("Mario's numbers %+v custom %+v: want both phone columns as numbers", n, mario.Custom)
	}

	all, err := ReadFile(samples+"office-suite.xlsx", ReadOptions{Region: "IT", Sheet: SheetAll})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Records) != 5 || all.Records[3].Sheet != "Fornitori" || all.Records[3].Contact.Name() != "Paolo Conti" {
		t.Fatalf("--sheet all read %d records (4th %+v), want 5 with Paolo Conti of Fornitori 4th", len(all.Records), all.Records[3])
	}
	conti := all.Records[3].Contact
	if len(conti.Numbers) != 2 || customValue(conti, "Ultimo ordine") != "2024-05-28" || len(conti.Groups) != 0 {
		t.Errorf("Paolo Conti: numbers %+v custom %+v groups %v; want two numbers, last order 2024-05-28, no group", conti.Numbers, conti.Custom, conti.Groups)
	}
	db := openDB(t)
	plan, err := PlanImport(cliCtx(), db, all)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Created != 5 || plan.Rows[3].Sheet != "Fornitori" {
		t.Errorf("plan: %d created, row 4 of sheet %q", plan.Created, plan.Rows[3].Sheet)
	}
}

func customValue(c contacts.Contact, key string) string {
	for _, f := range c.Custom {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// workbook writes a one-sheet workbook: a header row, then rows; a cell
// given as a float is a date serial with the style.
func workbook(t *testing.T, date1904 bool, header []string, style *excelize.Style, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		v := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &v}); err != nil {
			t.Fatal(err)
		}
	}
	id := 0
	if style != nil {
		var err error
		if id, err = f.NewStyle(style); err != nil {
			t.Fatal(err)
		}
	}
	f.SetSheetRow("Sheet1", "A1", &header)
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			f.SetCellValue("Sheet1", cell, v)
			if _, ok := v.(float64); ok && id != 0 {
				f.SetCellStyle("Sheet1", cell, cell, id)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWorkbookDates(t *testing.T) {
	custom := func(s string) *excelize.Style { return &excelize.Style{CustomNumFmt: &s} }
	tests := []struct {
		name     string
		date1904 bool
		style    *excelize.Style
		serial   float64
		want     string
	}{
		{"short date (14)", false, &excelize.Style{NumFmt: 14}, 45594, "2024-10-29"},
		{"date and time (22)", false, &excelize.Style{NumFmt: 22}, 45594.6041666667, "2024-10-29 14:30"},
		{"custom dd/mm/yyyy", false, custom("dd/mm/yyyy"), 45594, "2024-10-29"},
		{"custom with a locale", false, custom("[$-410]d\\ mmmm\\ yyyy"), 45594, "2024-10-29"},
		{"1904 date system", true, &excelize.Style{NumFmt: 14}, 45594 - 1462, "2024-10-29"},
		{"a number with quoted text is no date", false, custom(`0 "days"`), 45593, "45593"},
		{"a plain number", false, &excelize.Style{NumFmt: 1}, 45593, "45593"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := workbook(t, tt.date1904, []string{"Name", "Phone", "Last call"}, tt.style, []any{"Mario Rossi", "06 1234 5678", tt.serial})
			src, err := Read("w.xlsx", data, ReadOptions{Region: "IT"})
			if err != nil {
				t.Fatal(err)
			}
			if got := customValue(src.Records[0].Contact, "Last call"); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// A second phone column under any header that says phone gives numbers,
// with the kind its words say; one whose cells are not numbers stays a
// custom field.
func TestSecondPhoneColumns(t *testing.T) {
	tests := []struct{ header, typ string }{
		{"Доп. телефон", ""}, {"Telefono 2", ""}, {"Other phone", ""}, {"Mobile 2", "mobile"}, {"Tel. 2", ""},
		{"Телефон (рабочий)", "work"}, {"Cellulare 2", "mobile"}, {"Altro telefono", ""}, {"Telefono casa 2", "home"},
		{"Phone (work)", "work"}, {"Сотовый 2", "mobile"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			csv := "Name,Phone," + tt.header + "\nMario Rossi,06 1234 5678,+39 333 123 4567\nGiulia Bianchi,02 8765 1234,\n"
			src, err := Read("c.csv", []byte(csv), ReadOptions{Region: "IT"})
			if err != nil {
				t.Fatal(err)
			}
			c := src.Records[0].Contact
			if len(c.Numbers) != 2 || c.Numbers[1].Raw != "+39 333 123 4567" || c.Numbers[1].Type != tt.typ || len(c.Custom) != 0 {
				t.Errorf("numbers %+v custom %+v: want the second a %q number", c.Numbers, c.Custom, tt.typ)
			}
		})
	}
	src, err := Read("c.csv", []byte("Name,Phone,Phone type\nMario Rossi,06 1234 5678,Ufficio\n"), ReadOptions{Region: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	if c := src.Records[0].Contact; len(c.Numbers) != 1 || customValue(c, "Phone type") != "Ufficio" {
		t.Errorf("a 'Phone type' column of words: numbers %+v custom %+v, want it kept as a custom field", c.Numbers, c.Custom)
	}
	// The office maps a column once (--map) whatever its header says.
	src, err = Read("c.csv", []byte("Name,Phone,Linea diretta\nMario Rossi,06 1234 5678,06 1234 5600\n"), ReadOptions{Region: "IT", Map: map[string]string{"Linea diretta": "work_phone"}})
	if err != nil {
		t.Fatal(err)
	}
	if c := src.Records[0].Contact; len(c.Numbers) != 2 || c.Numbers[1].Type != "work" {
		t.Errorf("mapped column: numbers %+v, want a work number", c.Numbers)
	}
}
