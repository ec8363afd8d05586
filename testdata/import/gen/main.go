// Command gen writes the sample import files in testdata/import: an
// office's Excel workbook with Italian headers and the usual damage, a
// Google Contacts CSV export, a phone's vCard export, and two CSVs in the
// encodings offices send (Windows-1251, UTF-8 with a BOM). The output is
// deterministic: run `go run ./testdata/import/gen` from the repository
// root and commit what changes.
package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

func main() {
	dir := "testdata/import"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	files := map[string]func() ([]byte, error){
		"office-clients.xlsx":    officeWorkbook,
		"google-contacts.csv":    func() ([]byte, error) { return []byte(googleCSV()), nil },
		"phone-export.vcf":       func() ([]byte, error) { return []byte(phoneVCF()), nil },
		"rubrica-cp1251.csv":     cp1251CSV,
		"contacts-bom.csv":       func() ([]byte, error) { return append([]byte("\xEF\xBB\xBF"), bomCSV()...), nil },
		"android-contacts.vcf":   func() ([]byte, error) { return []byte(androidVCF()), nil },
		"iphone-contacts.vcf":    func() ([]byte, error) { return []byte(iphoneVCF()), nil },
		"outlook-contact.vcf":    func() ([]byte, error) { return []byte(outlookVCF()), nil },
		"outlook-contact-ru.vcf": outlookRuVCF,
		"office-suite.xlsx":      officeSuiteWorkbook,
	}
	for name, make := range files {
		b, err := make()
		if err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("wrote %s (%d bytes)\n", filepath.Join(dir, name), len(b))
	}
}

// officeRow is one client of the workbook. Phone and mobile are what the
// office typed; stored as numbers, Excel drops the landline's leading 0.
type officeRow struct {
	family, given, company string
	phone                  int64  // stored as a number: 0612345678 becomes 612345678
	phoneText              string // or as text, when the office typed it with spaces
	mobile                 int64
	email, street          string
	cap                    int64 // stored as a number: 00184 becomes 184
	city, prov             string
	birth                  time.Time
	note                   string
	last                   time.Time
}

var officeGroups = []struct {
	name string
	rows []officeRow
}{
	{"Clienti", []officeRow{
		{"Rossi", "Mario", "Rossi Impianti Srl", 612345678, "", 3331234567, "mario.rossi@rossiimpianti.it", "Via Appia Nuova 112", 181, "Roma", "RM", date(1971, 3, 14), "Preventivo caldaia inviato", date(2024, 5, 2)},
		{"Bianchi", "Giulia", "", 287654321, "", 3479876543, "giulia.bianchi@example.it", "Corso Buenos Aires 8", 20124, "Milano", "MI", date(1985, 11, 2), "", date(2024, 4, 18)},
		{"Esposito", "Ciro", "Esposito & Figli", 815550123, "", 0, "info@espositoefigli.it", "Via Toledo 256", 80134, "Napoli", "NA", time.Time{}, "Chiamare dopo le 15", date(2024, 3, 30)},
		{"Ricci", "Anna", "", 0, "+39 011 556 7788", 3201112233, "", "Via Po 17", 10124, "Torino", "TO", date(1990, 7, 21), "", time.Time{}},
		{"Marino", "Luca", "Marino Costruzioni", 0, "055 234 5678", 3356677889, "l.marino@marinocostruzioni.it", "", 0, "Firenze", "FI", time.Time{}, "Interessato al contratto annuale", date(2024, 5, 20)},
		{"Greco", "Francesca", "", 0, "", 3409988776, "francesca.greco@example.it", "Via Etnea 45", 95131, "Catania", "CT", date(1978, 1, 9), "", date(2024, 2, 11)},
	}},
	{"Fornitori", []officeRow{
		{"Conti", "Paolo", "Conti Ricambi SpA", 516443322, "", 0, "ordini@contiricambi.it", "Via Emilia 300", 40139, "Bologna", "BO", time.Time{}, "Fornitore valvole", date(2024, 5, 28)},
		{"De Luca", "Sara", "Idraulica De Luca", 0, "0461 234567", 3497654321, "sara@idraulicadeluca.it", "Via Brennero 5", 38121, "Trento", "TN", time.Time{}, "", time.Time{}},
		{"Rossi", "Mario", "", 0, "", 3331234567, "", "", 0, "", "", time.Time{}, "Stesso cellulare del cliente: doppione", time.Time{}},
	}},
	{"Prospect", []officeRow{
		{"Ferrari", "Marco", "Ferrari Hotel", 0, "0541 778899", 0, "direzione@ferrarihotel.it", "Viale Vespucci 22", 47921, "Rimini", "RN", time.Time{}, "Chiede sopralluogo", date(2024, 6, 3)},
		{"Romano", "Elena", "", 0, "", 3391122334, "elena.romano@example.it", "", 0, "Bari", "BA", date(1982, 9, 30), "", date(2024, 6, 5)},
		{"Colombo", "Stefano", "Colombo Logistica", 0, "+41 91 234 56 78", 0, "s.colombo@colombologistica.ch", "Via Nassa 3", 6900, "Lugano", "", time.Time{}, "Sede in Svizzera", time.Time{}},
	}},
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func serial(t time.Time) float64 {
	return float64(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

func officeWorkbook() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sh = "Clienti"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return nil, err
	}
	fixed := time.Date(2024, 6, 10, 9, 0, 0, 0, time.UTC).Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "Ufficio vendite", Created: fixed, Modified: fixed, LastModifiedBy: "Ufficio vendite"}); err != nil {
		return nil, err
	}
	headers := []string{"Cognome", "Nome", "Ragione sociale", "Telefono", "Cellulare", "E-mail", "Indirizzo", "CAP", "Città", "Prov.", "Data di nascita", "Gruppo", "Note", "Nome completo", "Ultimo contatto"}
	last := string(rune('A' + len(headers) - 1))
	// A title row merged across the table, then an empty row, then the header.
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			log.Fatal(err)
		}
	}
	set("A1", "Rubrica clienti e fornitori — Ufficio vendite (aggiornata giugno 2024)")
	if err := f.MergeCell(sh, "A1", last+"1"); err != nil {
		return nil, err
	}
	for i, h := range headers {
		set(fmt.Sprintf("%c3", 'A'+i), h)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return nil, err
	}
	row := 4
	for _, g := range officeGroups {
		first := row
		for _, r := range g.rows {
			cell := func(col byte) string { return fmt.Sprintf("%c%d", col, row) }
			set(cell('A'), r.family)
			set(cell('B'), r.given)
			if r.company != "" {
				set(cell('C'), r.company)
			}
			if r.phone != 0 {
				set(cell('D'), r.phone) // a number: the leading 0 is gone
			} else if r.phoneText != "" {
				set(cell('D'), r.phoneText)
			}
			if r.mobile != 0 {
				set(cell('E'), r.mobile)
			}
			if r.email != "" {
				set(cell('F'), r.email)
			}
			if r.street != "" {
				set(cell('G'), r.street)
			}
			if r.cap != 0 {
				set(cell('H'), r.cap)
			}
			if r.city != "" {
				set(cell('I'), r.city)
			}
			if r.prov != "" {
				set(cell('J'), r.prov)
			}
			if !r.birth.IsZero() {
				set(cell('K'), serial(r.birth))
				if err := f.SetCellStyle(sh, cell('K'), cell('K'), dateStyle); err != nil {
					return nil, err
				}
			}
			if r.note != "" {
				set(cell('M'), r.note)
			}
			if err := f.SetCellFormula(sh, cell('N'), fmt.Sprintf(`B%d&" "&A%d`, row, row)); err != nil {
				return nil, err
			}
			if !r.last.IsZero() {
				set(cell('O'), serial(r.last))
				if err := f.SetCellStyle(sh, cell('O'), cell('O'), dateStyle); err != nil {
					return nil, err
				}
			}
			row++
		}
		// The group name sits once in a cell merged down the group's rows.
		set(fmt.Sprintf("L%d", first), g.name)
		if err := f.MergeCell(sh, fmt.Sprintf("L%d", first), fmt.Sprintf("L%d", row-1)); err != nil {
			return nil, err
		}
		row += 2 // two empty rows between groups
	}
	// A note someone left under the table: no name, no number.
	set(fmt.Sprintf("M%d", row), "Totale clienti da richiamare: vedi foglio Note")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func googleCSV() string {
	header := "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Phone 3 - Label,Phone 3 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,Website 1 - Label,Website 1 - Value,Custom Field 1 - Label,Custom Field 1 - Value"
	rows := [][]string{
		{"Giulia", "", "Bianchi", "", "", "", "", "", "", "", "", "", "", "1985-11-02", "Cliente dal 2019", "", "* myContacts ::: Clienti", "Work", "giulia.bianchi@example.it", "", "", "Mobile", "+39 347 987 6543", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"Tommaso", "", "Galli", "", "", "", "Ing.", "", "Tom", "", "Galli Engineering", "Direttore tecnico", "Progettazione", "--04-12", "", "https://lh3.googleusercontent.com/contacts/AG6tpzGalli", "* myContacts ::: Clienti ::: VIP", "Work", "t.galli@galliengineering.it", "Home", "tommaso.galli@example.com", "Work", "+39 02 8765 1234", "Mobile", "+39 348 111 2222 ::: +39 348 111 3333", "Work Fax", "+39 02 8765 1299", "Work", "Via Torino 61\n20123 Milano MI\nItalia", "Via Torino 61", "Milano", "", "MI", "20123", "Italia", "", "Work", "https://galliengineering.it", "Partita IVA", "IT01234567890"},
		{"Иван", "Петрович", "Смирнов", "", "", "", "", "", "", "", "ООО «Север»", "Менеджер", "", "1979-06-30", "Говорит по-итальянски", "", "* myContacts ::: Поставщики", "Work", "smirnov@sever.ru", "", "", "Mobile", "+7 916 123-45-67", "Work", "+7 (495) 123-45-67 доб. 204", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"Chiara", "", "Fontana", "", "", "", "", "", "", "", "", "", "", "", "", "", "* starred ::: * myContacts", "", "", "", "", "Mobile", "3385544332", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"", "", "", "", "", "", "", "", "", "", "Pizzeria Da Gino", "", "", "", "Ordini per eventi", "", "* myContacts", "", "", "", "", "Work", "06 5544 3322", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"Paolo", "", "Conti", "", "", "", "", "", "", "", "Conti Ricambi SpA", "Titolare", "", "", "", "", "* myContacts ::: Fornitori", "Work", "ordini@contiricambi.it", "", "", "Work", "+39 051 644 3322", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "* myContacts", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
	}
	var b strings.Builder
	b.WriteString(header + "\n")
	for _, r := range rows {
		for i, v := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			if strings.ContainsAny(v, ",\"\n") {
				v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
			}
			b.WriteString(v)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// fold wraps a vCard line at 75 bytes the way phones do.
func fold(line string) string {
	var b strings.Builder
	for len(line) > 75 {
		cut := 75
		for cut > 0 && line[cut]&0xC0 == 0x80 {
			cut--
		}
		b.WriteString(line[:cut] + "\r\n ")
		line = line[cut:]
	}
	b.WriteString(line + "\r\n")
	return b.String()
}

func phoneVCF() string {
	// A small deterministic "JPEG": the header bytes and a fixed pattern.
	img := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}
	for i := 0; i < 600; i++ {
		img = append(img, byte(i*7%251))
	}
	img = append(img, 0xFF, 0xD9)
	photo := base64.StdEncoding.EncodeToString(img)
	cards := [][]string{
		{"VERSION:3.0", "N:Rossi;Mario;;;", "FN:Mario Rossi", "ORG:Rossi Impianti Srl", "TEL;TYPE=CELL:+39 333 123 4567", "TEL;TYPE=WORK,VOICE:06 1234 5678", "EMAIL;TYPE=INTERNET:mario.rossi@rossiimpianti.it",
			"NOTE:Ha chiesto il preventivo per la caldaia a condensazione e per la manutenzione annuale dell'impianto di riscaldamento del condominio.",
			"PHOTO;ENCODING=b;TYPE=JPEG:" + photo},
		{"VERSION:3.0", "N:Лебедева;Ольга;;;", "FN:Ольга Лебедева", "TEL;TYPE=CELL:+7 926 555-12-34", "TEL;TYPE=HOME:+7 (812) 555-66-77", "TEL;TYPE=WORK:+39 02 4455 6677", "EMAIL;TYPE=WORK:olga.lebedeva@example.ru",
			"ADR;TYPE=HOME:;;Невский проспект\\, 28;Санкт-Петербург;;191186;Россия", "CATEGORIES:Clienti,Russia", "BDAY:1988-02-29"},
		{"VERSION:4.0", "FN:Dott. Alessandro Moretti", "N:Moretti;Alessandro;;Dott.;", "TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+39-335-765-4321", "TEL;VALUE=uri;TYPE=work:tel:+39-06-9876-5432;ext=12", "EMAIL:a.moretti@studiomoretti.it", "ORG:Studio Moretti;Amministrazione", "TITLE:Commercialista", "URL:https://studiomoretti.it", "BDAY:--0705",
			"PHOTO:https://example.it/foto/moretti.jpg"},
		{"VERSION:3.0", "FN:Idraulico Sergio", "item1.TEL:349 111 0000", "item1.X-ABLabel:Cantiere", "TEL;TYPE=CELL:+393491110000", "NOTE:Numero del cantiere e cellulare: stesso numero salvato due volte"},
		{"VERSION:3.0", "FN:Giulia Bianchi", "TEL;TYPE=CELL:347 9876543", "EMAIL:giulia.bianchi@example.it", "EMAIL;TYPE=HOME:giulia.b@example.com"},
		{"VERSION:3.0", "FN:Numero sconosciuto", "TEL:***"},
	}
	var b strings.Builder
	for _, c := range cards {
		b.WriteString("BEGIN:VCARD\r\n")
		for _, l := range c {
			b.WriteString(fold(l))
		}
		b.WriteString("END:VCARD\r\n")
	}
	return b.String()
}

func cp1251CSV() ([]byte, error) {
	text := "Фамилия;Имя;Отчество;Организация;Телефон;Мобильный;Эл. почта;Адрес;Примечание;Дата рождения\r\n" +
		"Смирнов;Иван;Петрович;ООО «Север»;+7 (495) 123-45-67;+7 916 123-45-67;smirnov@sever.ru;Москва, ул. Тверская, 7;Поставщик труб;30.06.1979\r\n" +
		"Кузнецова;Мария;;ИП Кузнецова;8 (812) 333-22-11;89215554433;maria@kuznetsova.ru;Санкт-Петербург;;12.12.1990\r\n" +
		";;;;;;;;;\r\n" +
		"Ёлкин;Фёдор;;;;+7 903 777 88 99;;;Звонить после обеда;\r\n"
	return charmap.Windows1251.NewEncoder().Bytes([]byte(text))
}

func bomCSV() []byte {
	return []byte("Name,Company,Phone,Mobile,Email,Notes,Groups\r\n" +
		"Léa Dubois,Atelier Dubois,+33 1 42 68 53 00,+33 6 12 34 56 78,lea@atelierdubois.fr,Cliente francese,Clienti\r\n" +
		"Jürgen Weiß,Weiß GmbH,+49 30 1234567,,j.weiss@weiss.de,\"Consegne: lunedì, mercoledì\",Fornitori\r\n" +
		"Niccolò Sforza,,,+39 366 123 4567,niccolo@example.it,,Clienti;VIP\r\n")
}
