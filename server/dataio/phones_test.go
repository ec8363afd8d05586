package dataio

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ringcard/ringcard/contacts"
)

// wantCard is what one card of a phone's export must give, written out by
// hand from the source (quoted-printable decoded by eye, not by the code
// under test).
type wantCard struct {
	name, given, family, company, note string
	calls                              []string          // each number as the network presents it on a call (E.164)
	labels                             map[string]string // number key -> label or type the card gave it
}

// The contacts on staff phones come in whole, from the files the phones'
// own programs write: Android's vCard 2.1 (bare type parameters,
// quoted-printable UTF-8 split across soft line breaks, even inside a
// letter, a value ending in a soft break), iPhone's 3.0 (item groups,
// X-ABLabel, folded lines, a photo), Outlook's 2.1 (TEL;WORK;VOICE, a CRLF
// note in quoted-printable, raw windows-1251 values). Names and notes match
// the source character for character; every number finds its contact
// through the store's number lookup, as a ringing phone's card does; the
// same export imported twice creates and changes nothing.
func TestPhoneExportsComeInWhole(t *testing.T) {
	files := map[string][]wantCard{
		"android-contacts.vcf": {
			{name: "Иван Петрович Смирнов", given: "Иван Петрович", family: "Смирнов", company: "ООО «Север»",
				note:  "Поставщик труб и фитингов. Звонить до 17:00 по Москве.\nЗаказ на 2025 год согласован.",
				calls: []string{"+79161234567", "+74951234567"}, labels: map[string]string{"+79161234567": "mobile", "+74951234567": "work"}},
			{name: "Мария Кузнец", given: "Мария", family: "Кузнец",
				calls: []string{"+79213332211", "+78125556677"}, labels: map[string]string{"+79213332211": "mobile", "+78125556677": "home"}},
			{name: "முருகன் சுப்பிரமணியம்", given: "முருகன்", family: "சுப்பிரமணியம்", company: "முருகன் ஜவுளி கடை",
				note:  "சென்னை கடை. காலை 10 மணிக்கு பிறகு அழைக்கவும்.",
				calls: []string{"+919840012345", "+914424345678"}, labels: map[string]string{"+919840012345": "mobile", "+914424345678": "Negozio"}},
			{name: "Niccolò Sforza", given: "Niccolò", family: "Sforza", company: "Caffè Sforza & C.",
				note:  "Chiamare lunedì o martedì: è il titolare, però il giovedì è al mercato.\nPreferisce WhatsApp.",
				calls: []string{"+390645678901", "+393661234567", "+390645678999"}, labels: map[string]string{"+390645678901": "home", "+393661234567": "mobile", "+390645678999": "fax"}},
			{name: "Mario Rossi", given: "Mario", family: "Rossi", company: "Rossi Impianti Srl",
				note:  "Preventivo caldaia; richiamare a giugno",
				calls: []string{"+390612345678", "+393331234567"}, labels: map[string]string{"+390612345678": "work", "+393331234567": "mobile"}},
		},
		"iphone-contacts.vcf": {
			{name: "Giulia Bianchi", given: "Giulia", family: "Bianchi", company: "Studio Bianchi",
				note:  "Preferisce essere chiamata dopo le 15.\nUfficio chiuso il venerdì pomeriggio, meglio il cellulare; mai la domenica.",
				calls: []string{"+393479876543", "+390287651234", "+393491110000"}, labels: map[string]string{"+393479876543": "mobile", "+390287651234": "work", "+393491110000": "Cantiere"}},
			{name: "Ольга Лебедева", given: "Ольга", family: "Лебедева",
				note:  "Говорит по-итальянски. Клиентка с 2021 года, заказывает весной.",
				calls: []string{"+79265551234", "+78125556677", "+390244556677"}, labels: map[string]string{"+79265551234": "mobile", "+78125556677": "home", "+390244556677": "Ufficio Milano"}},
			{name: "Idraulico Sergio", company: "Idraulico Sergio",
				calls: []string{"+393492223344"}, labels: map[string]string{"+393492223344": "mobile"}},
		},
		"outlook-contact.vcf": {
			{name: "Marco Ferrari", given: "Marco", family: "Ferrari", company: "Ferrari Hotel",
				note:  "Cliente dal 2019.\nSopralluogo fissato per giovedì 12 alle 10:30 con il geometra; portare il preventivo firmato.\nChiede 40 camere = 2 piani.",
				calls: []string{"+390541778899", "+393391122334", "+390541778800"}, labels: map[string]string{"+390541778899": "work", "+393391122334": "mobile", "+390541778800": "fax"}},
		},
		"outlook-contact-ru.vcf": {
			{name: "Василий Пупкин", given: "Василий", family: "Пупкин", company: "ЗАО «Трубопрокат»",
				note:  "Поставщик: трубы, фитинги.\nОплата по счёту = 30 дней.",
				calls: []string{"+74957654321", "+79037654321"}, labels: map[string]string{"+74957654321": "work", "+79037654321": "mobile"}},
		},
	}
	for file, want := range files {
		t.Run(file, func(t *testing.T) {
			db := openDB(t)
			plan := importFile(t, db, samples+file, false)
			if plan.Created != len(want) || plan.Merged != 0 || plan.Skipped != 0 {
				t.Fatalf("first import: %d created, %d merged, %d skipped; want %d created", plan.Created, plan.Merged, plan.Skipped, len(want))
			}
			for _, w := range want {
				for _, e164 := range w.calls {
					// A call rings from the number as the network gives it:
					// the lookup a phone's card is built with.
					p, err := db.Normalizer().Parse(e164, "")
					if err != nil {
						t.Fatal(err)
					}
					found, err := db.ContactsByNumber(context.Background(), p.Key)
					if err != nil {
						t.Fatal(err)
					}
					if len(found) != 1 {
						t.Errorf("a call from %s finds %d contacts, want %s", e164, len(found), w.name)
						continue
					}
					checkCard(t, found[0], w, p.Key)
				}
			}
			again := importFile(t, db, samples+file, false)
			if again.Created != 0 || again.Merged != 0 || again.Contacts() != 0 {
				t.Errorf("second import of the same export: %d created, %d merged, %d written; want nothing", again.Created, again.Merged, again.Contacts())
			}
			if n := count(t, db); n != len(want) {
				t.Errorf("%d contacts after importing twice, want %d", n, len(want))
			}
		})
	}
}

func checkCard(t *testing.T, c *contacts.Contact, w wantCard, key string) {
	t.Helper()
	for _, f := range []struct{ what, got, want string }{
		{"name", c.Name(), w.name}, {"given name", c.GivenName, w.given}, {"family name", c.FamilyName, w.family},
		{"company", c.Company, w.company}, {"note", c.Note, w.note},
	} {
		if f.got != f.want {
			t.Errorf("%s: %s is %q, want %q", w.name, f.what, f.got, f.want)
		}
	}
	i := slices.IndexFunc(c.Numbers, func(n contacts.Number) bool { return n.Key == key })
	if i < 0 {
		t.Fatalf("%s: number %s not on the contact", w.name, key)
	}
	if n := c.Numbers[i]; n.Type != w.labels[key] && n.Label != w.labels[key] {
		t.Errorf("%s: number %s has type %q label %q, want %q", w.name, key, n.Type, n.Label, w.labels[key])
	}
	if len(c.Numbers) != len(w.calls) {
		t.Errorf("%s has %d numbers, want %d", w.name, len(c.Numbers), len(w.calls))
	}
}

// The soft line breaks of quoted-printable: each way a writer puts them
// (Android after every 23 bytes, inside a letter and at a value's end;
// Outlook after a line break; RFC 2045's example with the leading space of
// the next line kept), bare parameters and a non-UTF-8 CHARSET.
func TestVCard21Lines(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"soft break inside a letter", "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=B2=D0=\r\n=B0=D0=BD\r\n", "FN:Иван\r\n"},
		{"soft break at the value's end", "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=\r\n\r\nTEL;CELL:1\r\n", "FN:И\r\nTEL;TYPE=CELL:1\r\n"},
		{"soft break before the next property", "NOTE;ENCODING=QUOTED-PRINTABLE:a=3Db=\r\nTEL;WORK;PREF:2\r\n", "NOTE:a=b\r\nTEL;TYPE=WORK;TYPE=PREF:2\r\n"},
		{"leading space kept after a soft break", "NOTE;ENCODING=QUOTED-PRINTABLE:time =\r\nfor all=\r\n to come\r\n", "NOTE:time for all to come\r\n"},
		{"line breaks and backslashes escaped", "NOTE;QUOTED-PRINTABLE:a=0D=0Ab\\c\r\n", "NOTE:a\\nb\\\\c\r\n"},
		{"windows-1251 quoted-printable", "NOTE;CHARSET=windows-1251;ENCODING=QUOTED-PRINTABLE:=CF=F0=E8=E2=E5=F2\r\n", "NOTE:Привет\r\n"},
		{"raw windows-1251", "FN;CHARSET=windows-1251:\xCF\xF0\xE8\xE2\xE5\xF2\r\n", "FN:Привет\r\n"},
		{"ISO-8859-1", "FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Niccol=F2\r\n", "FN:Niccolò\r\n"},
		{"custom label", "TEL;X-Cantiere:349 111 0000\r\n", "TEL;TYPE=X-Cantiere:349 111 0000\r\n"},
		{"3.0 untouched, folds joined", "item1.TEL;type=CELL;type=pref:+39 3\r\n 47\r\n", "item1.TEL;type=CELL;type=pref:+39 347\r\n"},
		{"base64 photo kept as one line", "PHOTO;ENCODING=BASE64;JPEG:/9j/\r\n AAA\r\n\r\n", "PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/AAA\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalizeVCards([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// A phone's card with a custom label that names a type reads as that type.
func TestVCard21LabelThatNamesAType(t *testing.T) {
	src, err := Read("x.vcf", []byte("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ufficio Rossi\r\nTEL;X-Ufficio:06 1234 5678\r\nEND:VCARD\r\n"), ReadOptions{Region: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	if n := src.Records[0].Contact.Numbers; len(n) != 1 || n[0].Type != "work" || !strings.HasPrefix(n[0].Raw, "06") {
		t.Errorf("numbers %+v, want one work number", n)
	}
}

// FuzzVCard21Normalize: whatever a file holds, the 2.1 rewrite neither
// panics nor produces text that is not UTF-8, and reading it stays an
// answer (contacts or a clear error).
func FuzzVCard21Normalize(f *testing.F) {
	for _, name := range []string{"android-contacts.vcf", "iphone-contacts.vcf", "outlook-contact.vcf", "outlook-contact-ru.vcf"} {
		b, err := os.ReadFile(samples + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("BEGIN:VCARD\r\nN;QUOTED-PRINTABLE:=\r\n=\r\n=E\r\nEND:VCARD"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := normalizeVCards(data)
		if err != nil {
			return
		}
		if !utf8.ValidString(out) {
			t.Fatalf("not UTF-8: %q", out)
		}
		_, _ = Read("f.vcf", data, ReadOptions{Region: "IT", Format: FormatVCF})
	})
}
