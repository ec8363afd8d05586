package dataio

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

const samples = "../../testdata/import/"

func openDB(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "ringcard.db"), contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func readSample(t *testing.T, name string) *Source {
	t.Helper()
	src, err := ReadFile(samples+name, ReadOptions{Region: "IT"})
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return src
}

// byName finds the record whose contact is called name.
func byName(t *testing.T, src *Source, name string) *Record {
	t.Helper()
	for i := range src.Records {
		if src.Records[i].Contact.Name() == name || strings.TrimSpace(src.Records[i].Contact.GivenName+" "+src.Records[i].Contact.FamilyName) == name {
			return &src.Records[i]
		}
	}
	t.Fatalf("no record named %q", name)
	return nil
}

func keys(t *testing.T, c contacts.Contact) []string {
	t.Helper()
	n := contacts.Normalizer{DefaultRegion: "IT"}
	var out []string
	for _, num := range c.Numbers {
		p, err := n.Parse(num.Raw, "")
		if err != nil {
			t.Fatalf("number %q: %v", num.Raw, err)
		}
		out = append(out, p.Key)
	}
	return out
}

func TestOfficeWorkbook(t *testing.T) {
	src := readSample(t, "office-clients.xlsx")
	if src.HeaderRow != 3 {
		t.Errorf("header row = %d, want 3 (below the merged title and an empty row)", src.HeaderRow)
	}
	rossi := byName(t, src, "Mario Rossi")
	t.Run("leading zero lost by a number cell", func(t *testing.T) {
		got := keys(t, rossi.Contact)
		want := []string{"+390612345678", "+393331234567"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("numbers = %v, want %v", got, want)
		}
	})
	t.Run("formula without a saved value is computed", func(t *testing.T) {
		if rossi.Contact.DisplayName != "Mario Rossi" {
			t.Errorf("display name (formula B&\" \"&A) = %q", rossi.Contact.DisplayName)
		}
	})
	t.Run("date serial", func(t *testing.T) {
		if rossi.Contact.Birthday != "1971-03-14" {
			t.Errorf("birthday = %q, want 1971-03-14", rossi.Contact.Birthday)
		}
		found := false
		for _, f := range rossi.Contact.Custom {
			if f.Key == "Ultimo contatto" && f.Value == "2024-05-02" {
				found = true
			}
		}
		if !found {
			t.Errorf("custom fields = %+v, want Ultimo contatto 2024-05-02", rossi.Contact.Custom)
		}
	})
	t.Run("postal code zeros and address", func(t *testing.T) {
		if len(rossi.Contact.Addresses) != 1 || rossi.Contact.Addresses[0].Formatted != "Via Appia Nuova 112, 00181 Roma, (RM)" {
			t.Errorf("addresses = %+v", rossi.Contact.Addresses)
		}
	})
	t.Run("merged group cell fills every row of the group", func(t *testing.T) {
		for name, group := range map[string]string{"Greco": "Clienti", "Conti": "Fornitori", "Colombo": "Prospect"} {
			var rec *Record
			for i := range src.Records {
				if src.Records[i].Contact.FamilyName == name {
					rec = &src.Records[i]
					break
				}
			}
			if rec == nil || len(rec.Contact.Groups) != 1 || rec.Contact.Groups[0] != group {
				t.Errorf("%s: groups = %v, want [%s]", name, rec.Contact.Groups, group)
			}
		}
	})
	t.Run("empty rows and a stray note are skipped with reasons", func(t *testing.T) {
		var empty, noName int
		for _, r := range src.Records {
			switch r.Skip {
			case "empty row":
				empty++
			case "no name, company, number or e-mail":
				noName++
			}
		}
		if empty < 4 || noName != 1 {
			t.Errorf("skips: %d empty rows (want >= 4), %d without a name (want 1)", empty, noName)
		}
	})
	t.Run("foreign number typed as text stays foreign", func(t *testing.T) {
		if got := keys(t, byName(t, src, "Stefano Colombo").Contact); len(got) != 1 || got[0] != "+41912345678" {
			t.Errorf("numbers = %v", got)
		}
	})
}

func TestFixNumber(t *testing.T) {
	tests := []struct{ raw, region, want string }{
		{"612345678", "IT", "0612345678"},       // Rome landline, zero lost
		{"287654321", "IT", "0287654321"},       // Milan
		{"3331234567", "IT", "3331234567"},      // a mobile needs nothing
		{"393331234567", "IT", "+393331234567"}, // the + lost
		{"3.93331234567E+11", "IT", "+393331234567"},
		{"612345678.0", "IT", "0612345678"},
		{"79161234567", "IT", "+79161234567"},
		{"06 1234 5678", "IT", "06 1234 5678"}, // typed text is left alone
		{"0612345678", "IT", "0612345678"},
		{"112", "IT", "112"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := FixNumber(tt.raw, tt.region); got != tt.want {
				t.Errorf("FixNumber(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestCSVEncodings(t *testing.T) {
	t.Run("Windows-1251 with semicolons", func(t *testing.T) {
		src := readSample(t, "rubrica-cp1251.csv")
		r := byName(t, src, "Иван Петрович Смирнов")
		if r.Contact.Company != "ООО «Север»" || r.Contact.Birthday != "1979-06-30" {
			t.Errorf("record = %+v", r.Contact)
		}
		if got := keys(t, r.Contact); strings.Join(got, ",") != "+74951234567,+79161234567" {
			t.Errorf("numbers = %v", got)
		}
		if e := byName(t, src, "Фёдор Ёлкин"); e.Contact.Note != "Звонить после обеда" {
			t.Errorf("note = %q", e.Contact.Note)
		}
		if !strings.Contains(strings.Join(src.Warnings, ";"), "Windows-1251") {
			t.Errorf("warnings = %v, want the encoding named", src.Warnings)
		}
	})
	t.Run("UTF-8 with a BOM", func(t *testing.T) {
		src := readSample(t, "contacts-bom.csv")
		if src.Columns[0].Field != "name" {
			t.Errorf("first column = %+v: the BOM must not stick to the header", src.Columns[0])
		}
		r := byName(t, src, "Jürgen Weiß")
		if r.Contact.Note != "Consegne: lunedì, mercoledì" || r.Contact.Company != "Weiß GmbH" {
			t.Errorf("record = %+v", r.Contact)
		}
		if g := byName(t, src, "Niccolò Sforza").Contact.Groups; strings.Join(g, ",") != "Clienti,VIP" {
			t.Errorf("groups = %v", g)
		}
	})
}

func TestGoogleCSV(t *testing.T) {
	src := readSample(t, "google-contacts.csv")
	g := byName(t, src, "Tommaso Galli").Contact
	if g.Company != "Galli Engineering" || g.JobTitle != "Direttore tecnico" || g.Department != "Progettazione" || g.Birthday != "--04-12" {
		t.Errorf("organization/birthday: %+v", g)
	}
	if len(g.Numbers) != 4 || g.Numbers[0].Type != "work" || g.Numbers[1].Type != "mobile" || g.Numbers[3].Label != "Work Fax" {
		t.Errorf("numbers = %+v, want work, two mobiles from one ::: cell, a fax", g.Numbers)
	}
	if strings.Join(g.Groups, ",") != "Clienti,VIP" {
		t.Errorf("groups = %v (myContacts must be dropped)", g.Groups)
	}
	if len(g.Addresses) != 1 || !strings.HasPrefix(g.Addresses[0].Formatted, "Via Torino 61\n20123 Milano") {
		t.Errorf("addresses = %+v", g.Addresses)
	}
	found := false
	for _, f := range g.Custom {
		found = found || (f.Key == "Partita IVA" && f.Value == "IT01234567890")
	}
	if !found {
		t.Errorf("custom = %+v", g.Custom)
	}
	if last := src.Records[len(src.Records)-1]; last.Skip == "" {
		t.Errorf("a row with only a label must be skipped, got %+v", last.Contact)
	}
}

func TestGoogleSystemLabelsDropped(t *testing.T) {
	src := readSample(t, "google-contacts.csv")
	if f := byName(t, src, "Chiara Fontana").Contact; len(f.Groups) != 0 {
		t.Errorf(`"* starred ::: * myContacts" gave groups %q, want none`, f.Groups)
	}
	for _, r := range src.Records {
		for _, g := range r.Contact.Groups {
			if strings.HasPrefix(g, "*") || strings.EqualFold(g, "myContacts") || strings.EqualFold(g, "starred") {
				t.Errorf("row %d: system label kept as group %q", r.Row, g)
			}
		}
	}
	tests := []struct{ in, want string }{
		{"* starred ::: * myContacts", ""},
		{"* myContacts ::: Clienti ::: * starred", "Clienti"},
		{"Clienti ::: * friends ::: VIP", "Clienti,VIP"},
		{"* coworkers", ""},
		{"Clienti, * starred", "Clienti"},
		{"Fornitori;Clienti", "Fornitori,Clienti"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := strings.Join(appendGroups(nil, tt.in), ","); got != tt.want {
				t.Errorf("groups of %q = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNumberCellsKeepExtensions(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"+39-06-9876-5432;ext=12", []string{"+39-06-9876-5432;ext=12"}},
		{"+39-06-9876-5432;EXT=12;06 1234 5678", []string{"+39-06-9876-5432;EXT=12", "06 1234 5678"}},
		{"tel:+39-06-9876-5432;ext=12 ::: 333 123 4567", []string{"tel:+39-06-9876-5432;ext=12", "333 123 4567"}},
		{"06 1234 5678; 333 123 4567", []string{"06 1234 5678", "333 123 4567"}},
		{"+39 06 5241 6509 ext. 183", []string{"+39 06 5241 6509 ext. 183"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := splitMulti(tt.in, true); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("splitMulti(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	csv := "Name,Phone 1 - Value\nStudio Interno,+39-06-9876-5432;ext=12\n"
	src, err := Read("ext.csv", []byte(csv), ReadOptions{Region: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	if n := src.Records[0].Contact.Numbers; len(n) != 1 || n[0].Raw != "+39-06-9876-5432;ext=12" || len(src.Records[0].Notes) != 0 {
		t.Errorf("numbers = %+v, notes %v", n, src.Records[0].Notes)
	}
}

func TestPhoneVCard(t *testing.T) {
	src := readSample(t, "phone-export.vcf")
	if len(src.Records) != 6 {
		t.Fatalf("cards = %d, want 6", len(src.Records))
	}
	rossi := byName(t, src, "Mario Rossi")
	if !strings.Contains(rossi.Contact.Note, "manutenzione annuale dell'impianto") {
		t.Errorf("folded note not unfolded: %q", rossi.Contact.Note)
	}
	if got := keys(t, rossi.Contact); strings.Join(got, ",") != "+393331234567,+390612345678" {
		t.Errorf("numbers = %v", got)
	}
	if !strings.Contains(strings.Join(rossi.Notes, ";"), "embedded photo") || rossi.Contact.PhotoURL != "" {
		t.Errorf("an inline photo must be dropped with a note: notes %v, photo %q", rossi.Notes, rossi.Contact.PhotoURL)
	}
	olga := byName(t, src, "Ольга Лебедева")
	if len(olga.Contact.Numbers) != 3 || olga.Contact.Addresses[0].Formatted != "Невский проспект, 28, Санкт-Петербург, 191186, Россия" {
		t.Errorf("olga = %+v", olga.Contact)
	}
	m := byName(t, src, "Dott. Alessandro Moretti").Contact
	if got := keys(t, m); strings.Join(got, ",") != "+393357654321,+390698765432" {
		t.Errorf("vCard 4 tel: URIs = %v", got)
	}
	if m.PhotoURL != "https://example.it/foto/moretti.jpg" || m.Birthday != "--07-05" || m.Department != "Amministrazione" {
		t.Errorf("moretti = %+v", m)
	}
	if s := byName(t, src, "Idraulico Sergio").Contact; s.Numbers[0].Label != "Cantiere" {
		t.Errorf("item1.X-ABLabel: %+v", s.Numbers)
	}
}

func TestNotWhatTheExtensionSays(t *testing.T) {
	dir := t.TempDir()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	csvText := []byte("Nome,Telefono\nMario,06 1234 5678\n")
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	zipNotXLSX := []byte("PK\x03\x04 this is not a workbook at all")
	tests := []struct {
		name    string
		data    []byte
		wantErr string
		format  string
	}{
		{"photo.csv", png, "looks like image/png", ""},
		{"contacts.xlsx", csvText, "", FormatCSV},
		{"old.xlsx", ole, "old Excel .xls", ""},
		{"broken.xlsx", zipNotXLSX, "not a readable Excel workbook", ""},
		{"empty.vcf", nil, "is empty", ""},
		{"page.csv", []byte("<!DOCTYPE html><html><body>login</body></html>"), "text/html", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name)
			if err := os.WriteFile(p, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			src, err := ReadFile(p, ReadOptions{Region: "IT"})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(contacts.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src.Format != tt.format || len(src.Warnings) == 0 || !strings.Contains(src.Warnings[0], "named .xlsx but holds CSV") {
				t.Errorf("format %s, warnings %v", src.Format, src.Warnings)
			}
		})
	}
}

func TestHugeFileRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte("Mario Rossi,+39 06 1234 5678,mario@example.it,Una nota abbastanza lunga per riempire la riga\n")
	block := bytes.Repeat(line, 10_000)
	for written := 0; written < 100<<20; written += len(block) {
		if _, err := f.Write(block); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	_, err = ReadFile(p, ReadOptions{})
	if contacts.ErrorCode(err) != contacts.ETooLarge || !strings.Contains(contacts.ErrorMessage(err), "at most 64.0 MB") {
		t.Fatalf("err = %v, want too_large naming the limit", err)
	}
}

func TestMapOverride(t *testing.T) {
	p := filepath.Join(t.TempDir(), "odd.csv")
	os.WriteFile(p, []byte("Chi,Dove,Boh\nMario Rossi,333 123 4567,x\n"), 0o600)
	_, err := ReadFile(p, ReadOptions{Region: "IT"})
	if err == nil || !strings.Contains(contacts.ErrorMessage(err), "--map") {
		t.Fatalf("no header recognized: err = %v, want a hint about --map", err)
	}
	src, err := ReadFile(p, ReadOptions{Region: "IT", Map: map[string]string{"Chi": "name", "B": "mobile", "3": "ignore"}})
	if err != nil {
		t.Fatal(err)
	}
	c := src.Records[0].Contact
	if c.DisplayName != "Mario Rossi" || len(c.Numbers) != 1 || c.Numbers[0].Type != "mobile" || len(c.Custom) != 0 {
		t.Errorf("contact = %+v", c)
	}
	if _, err := ReadFile(p, ReadOptions{Map: map[string]string{"Chi": "nonsense"}}); err == nil {
		t.Error("an unknown field must be refused")
	}
}
