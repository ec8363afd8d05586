package main

import (
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// The vCard files below are written the way the programs that make them
// write them, byte for byte where it matters to a reader: CRLF line ends,
// the exact property order and parameters, and each program's own
// quoted-printable and folding rules.

// androidQP encodes like AOSP's com.android.vcard VCardBuilder
// (encodeQuotedPrintable): every byte of the UTF-8 text as =XX, and a soft
// line break "=\r\n" after every 23 bytes (a line count reaching 67),
// splitting multi-byte letters across lines, and ending a value whose
// length is a multiple of 23 bytes with a soft break too.
func androidQP(s string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "=%02X", s[i])
		n += 3
		if n >= 67 {
			b.WriteString("=\r\n")
			n = 0
		}
	}
	return b.String()
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

// androidEscape is VCardBuilder.escapeCharacters for vCard 2.1: a
// semicolon escaped, a line break as \n.
func androidEscape(s string) string {
	return strings.NewReplacer(";", `\;`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}

// androidText is appendLine with charset and quoted-printable detection.
func androidText(prop, params, v string) string {
	head := prop + params
	if printableASCII(v) {
		return head + ":" + androidEscape(v) + "\r\n"
	}
	return head + ";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + androidQP(v) + "\r\n"
}

// androidStructured is N or ADR: each part encoded on its own, joined by ;.
func androidStructured(prop, params string, parts ...string) string {
	ascii := true
	for _, p := range parts {
		ascii = ascii && printableASCII(p)
	}
	var enc []string
	for _, p := range parts {
		if ascii {
			enc = append(enc, androidEscape(p))
		} else {
			enc = append(enc, androidQP(p))
		}
	}
	head := prop + params
	if !ascii {
		head += ";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE"
	}
	return head + ":" + strings.Join(enc, ";") + "\r\n"
}

// androidPhoto is appendPhotoLine for 2.1: 74 characters on the first
// line, 73 after a leading space on the others, then an empty line.
func androidPhoto(img []byte) string {
	s := "PHOTO;ENCODING=BASE64;JPEG:" + base64.StdEncoding.EncodeToString(img)
	var b strings.Builder
	n, max := 0, 73
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		n++
		if n > max {
			b.WriteString("\r\n ")
			max, n = 72, 0
		}
	}
	return b.String() + "\r\n\r\n"
}

func sampleJPEG(seed int) []byte {
	img := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}
	for i := 0; i < 400; i++ {
		img = append(img, byte((i*seed)%251))
	}
	return append(img, 0xFF, 0xD9)
}

type androidContact struct {
	family, given, middle, display string
	nickname                       string
	tels                           []string // "PARAMS:number", PARAMS as Android writes them
	emails                         []string
	adr                            []string // ADR params then 7 parts: pobox, ext, street, city, region, zip, country
	org, title                     string
	photo                          bool
	note, bday                     string
}

// androidVCF is the Contacts app's "Export to .vcf file" (vCard 2.1,
// VCARD_TYPE_V21_GENERIC, UTF-8), in VCardComposer's order: names,
// nickname, phones, e-mails, addresses, organization, websites, photo,
// notes, birthday.
func androidVCF() string {
	people := []androidContact{
		{family: "Смирнов", given: "Иван", middle: "Петрович", display: "Иван Петрович Смирнов",
			tels:   []string{";CELL:+7 916 123-45-67", ";WORK;PREF:+7 (495) 123-45-67"},
			emails: []string{";HOME:ivan.smirnov@example.ru"},
			adr:    []string{";WORK", "", "", "ул. Тверская, 7, офис 12", "Москва", "", "125009", "Россия"},
			org:    "ООО «Север»", title: "Менеджер по закупкам",
			note: "Поставщик труб и фитингов. Звонить до 17:00 по Москве.\nЗаказ на 2025 год согласован."},
		{family: "Кузнец", given: "Мария", display: "Мария Кузнец", // FN is 23 bytes: Android ends it with a soft break
			tels: []string{";CELL:+7 921 333-22-11", ";HOME:+7 812 555-66-77"}},
		{family: "சுப்பிரமணியம்", given: "முருகன்", display: "முருகன் சுப்பிரமணியம்",
			tels:   []string{";CELL:+91 98400 12345", ";X-Negozio:+91 44 2434 5678"},
			emails: []string{";WORK:murugan@example.in"},
			org:    "முருகன் ஜவுளி கடை",
			note:   "சென்னை கடை. காலை 10 மணிக்கு பிறகு அழைக்கவும்."},
		{family: "Sforza", given: "Niccolò", display: "Niccolò Sforza", nickname: "Nicco",
			tels:   []string{";HOME:06 4567 8901", ";CELL:+39 366 123 4567", ";WORK;FAX:06 4567 8999"},
			emails: []string{";PREF;WORK:niccolo@caffesforza.it", ";HOME:niccolo.sforza@example.it"},
			adr:    []string{";HOME", "", "", "Via dell'Università 5", "Perugia", "PG", "06123", "Italia"},
			org:    "Caffè Sforza & C.", photo: true,
			note: "Chiamare lunedì o martedì: è il titolare, però il giovedì è al mercato.\nPreferisce WhatsApp.",
			bday: "1979-06-30"},
		{family: "Rossi", given: "Mario", display: "Mario Rossi",
			tels:   []string{";WORK;PREF:06 1234 5678", ";CELL:+39 333 123 4567"},
			emails: []string{":mario.rossi@rossiimpianti.it"},
			org:    "Rossi Impianti Srl",
			note:   "Preventivo caldaia; richiamare a giugno"},
	}
	var b strings.Builder
	for _, p := range people {
		b.WriteString("BEGIN:VCARD\r\nVERSION:2.1\r\n")
		b.WriteString(androidStructured("N", "", p.family, p.given, p.middle, "", ""))
		b.WriteString(androidText("FN", "", p.display))
		if p.nickname != "" {
			b.WriteString(androidText("X-ANDROID-CUSTOM", "", "vnd.android.cursor.item/nickname;"+p.nickname+";1;;;;;;;;;;;;;"))
		}
		for _, t := range p.tels {
			b.WriteString("TEL" + t + "\r\n")
		}
		for _, e := range p.emails {
			b.WriteString("EMAIL" + e + "\r\n")
		}
		if p.adr != nil {
			b.WriteString(androidStructured("ADR", p.adr[0], p.adr[1:]...))
		}
		if p.org != "" {
			b.WriteString(androidText("ORG", "", p.org))
		}
		if p.title != "" {
			b.WriteString(androidText("TITLE", "", p.title))
		}
		if p.photo {
			b.WriteString(androidPhoto(sampleJPEG(7)))
		}
		if p.note != "" {
			b.WriteString(androidText("NOTE", "", p.note))
		}
		if p.bday != "" {
			b.WriteString("BDAY:" + p.bday + "\r\n")
		}
		b.WriteString("END:VCARD\r\n")
	}
	return b.String()
}

// appleFold folds a line at 75 octets (not inside a letter), the
// continuation starting with a space, as iOS Contacts does.
func appleFold(line string) string { return fold(line) }

// iphoneVCF is iOS Contacts' "Share Contact" / export of several contacts
// (vCard 3.0): lower-case type= parameters repeated, item groups with
// X-ABLabel for labels (Apple's own in _$!<...>!$_), X-ABADR, folded lines,
// an embedded photo.
func iphoneVCF() string {
	photo := base64.StdEncoding.EncodeToString(sampleJPEG(11))
	cards := [][]string{
		{"VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.5.1//EN", "N:Bianchi;Giulia;;;", "FN:Giulia Bianchi",
			"ORG:Studio Bianchi;", "TITLE:Architetta",
			"item1.EMAIL;type=INTERNET;type=pref:giulia.bianchi@example.it",
			"TEL;type=CELL;type=VOICE;type=pref:+39 347 987 6543",
			"TEL;type=WORK;type=VOICE:02 8765 1234",
			"item2.TEL:349 111 0000", "item2.X-ABLabel:Cantiere",
			"item3.ADR;type=WORK;type=pref:;;Corso Buenos Aires 8;Milano;MI;20124;Italia", "item3.X-ABADR:it",
			`NOTE:Preferisce essere chiamata dopo le 15.\nUfficio chiuso il venerdì pomeriggio\, meglio il cellulare\; mai la domenica.`,
			"BDAY:1985-11-02",
			"PHOTO;ENCODING=b;TYPE=JPEG:" + photo},
		{"VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.5.1//EN", "N:Лебедева;Ольга;;;", "FN:Ольга Лебедева",
			"item1.TEL;type=pref:+7 926 555-12-34", "item1.X-ABLabel:_$!<Mobile>!$_",
			"TEL;type=HOME;type=VOICE:+7 (812) 555-66-77",
			"item2.TEL:+39 02 4455 6677", "item2.X-ABLabel:Ufficio Milano",
			"item3.EMAIL;type=INTERNET:olga.lebedeva@example.ru", "item3.X-ABLabel:_$!<Other>!$_",
			"NOTE:Говорит по-итальянски. Клиентка с 2021 года\\, заказывает весной."},
		{"VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.5.1//EN", "N:;;;;", "FN:Idraulico Sergio", "ORG:Idraulico Sergio;",
			"TEL;type=IPHONE;type=CELL;type=VOICE;type=pref:+39 349 222 3344",
			"X-ABShowAs:COMPANY"},
	}
	var b strings.Builder
	for _, c := range cards {
		b.WriteString("BEGIN:VCARD\r\n")
		for _, l := range c {
			b.WriteString(appleFold(l))
		}
		b.WriteString("END:VCARD\r\n")
	}
	return b.String()
}

// outlookQP encodes like Outlook's vCard 2.1 writer: printable ASCII as is,
// "=" and 8-bit bytes as =XX, a line break as =0D=0A followed by a soft
// break, and lines kept under 76 characters with "=" soft breaks.
func outlookQP(prefixLen int, b []byte) string {
	var out strings.Builder
	n := prefixLen
	put := func(s string) {
		if n+len(s) > 75 {
			out.WriteString("=\r\n")
			n = 0
		}
		out.WriteString(s)
		n += len(s)
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
			put("=0D")
			put("=0A")
			out.WriteString("=\r\n")
			n = 0
			i++
		case c == '=' || c < 0x20 || c > 0x7E:
			put(fmt.Sprintf("=%02X", c))
		default:
			put(string(c))
		}
	}
	return out.String()
}

// outlookVCF is Outlook's File > Save As > vCard (2.1) of one contact:
// TEL;WORK;VOICE, the note quoted-printable with CRLF line breaks, the
// address with its LABEL, X-MS-OL- properties and the business-card design.
func outlookVCF() string {
	note := "Cliente dal 2019.\r\nSopralluogo fissato per giovedì 12 alle 10:30 con il geometra; portare il preventivo firmato.\r\nChiede 40 camere = 2 piani."
	noteCP, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(note))
	head := "NOTE;ENCODING=QUOTED-PRINTABLE:"
	return "BEGIN:VCARD\r\n" +
		"VERSION:2.1\r\n" +
		"N;LANGUAGE=it:Ferrari;Marco\r\n" +
		"FN:Marco Ferrari\r\n" +
		"ORG:Ferrari Hotel;Direzione\r\n" +
		"TITLE:Direttore\r\n" +
		head + outlookQP(len(head), noteCP) + "\r\n" +
		"TEL;WORK;VOICE:+39 0541 778899\r\n" +
		"TEL;CELL;VOICE:+39 339 112 2334\r\n" +
		"TEL;WORK;FAX:+39 0541 778800\r\n" +
		"ADR;WORK;PREF:;;Viale Vespucci 22;Rimini;RN;47921;Italia\r\n" +
		"LABEL;WORK;PREF;ENCODING=QUOTED-PRINTABLE:Viale Vespucci 22=0D=0A=\r\n" +
		"47921 Rimini RN=0D=0A=\r\n" +
		"Italia\r\n" +
		"X-MS-OL-DEFAULT-POSTAL-ADDRESS:2\r\n" +
		"URL;WORK:https://ferrarihotel.it\r\n" +
		"EMAIL;PREF;INTERNET:direzione@ferrarihotel.it\r\n" +
		`X-MS-OL-DESIGN;CHARSET=utf-8:<card xmlns="http://schemas.microsoft.com/office/outlook/12/electronicbusinesscards" ver="1.0" layout="left" bgcolor="ffffff"><img xmlns="" align="tleft" area="32" use="photo"/><fld xmlns="" prop="name" align="left" dir="ltr" style="b" color="000000" size="10"/><fld xmlns="" prop="org" align="left" dir="ltr" color="000000" size="8"/><fld xmlns="" prop="title" align="left" dir="ltr" color="000000" size="8"/><fld xmlns="" prop="telwork" align="left" dir="ltr" color="000000" size="8"><label align="right" color="626262">Ufficio</label></fld><fld xmlns="" prop="email" align="left" dir="ltr" color="000000" size="8"/><fld xmlns="" prop="blank" size="8"/></card>` + "\r\n" +
		"REV:20240610T090000Z\r\n" +
		"END:VCARD\r\n"
}

// outlookRuVCF is the same export from a Russian Outlook: names and the
// address in raw Windows-1251 bytes with CHARSET=windows-1251, the note
// quoted-printable in that code page.
func outlookRuVCF() ([]byte, error) {
	enc := charmap.Windows1251.NewEncoder()
	cp := func(s string) string {
		b, err := enc.Bytes([]byte(s))
		if err != nil {
			panic(err)
		}
		return string(b)
	}
	noteCP, err := enc.Bytes([]byte("Поставщик: трубы, фитинги.\r\nОплата по счёту = 30 дней."))
	if err != nil {
		return nil, err
	}
	head := "NOTE;CHARSET=windows-1251;ENCODING=QUOTED-PRINTABLE:"
	return []byte("BEGIN:VCARD\r\n" +
		"VERSION:2.1\r\n" +
		"N;LANGUAGE=ru;CHARSET=windows-1251:" + cp("Пупкин;Василий") + "\r\n" +
		"FN;CHARSET=windows-1251:" + cp("Василий Пупкин") + "\r\n" +
		"ORG;CHARSET=windows-1251:" + cp("ЗАО «Трубопрокат»") + "\r\n" +
		head + outlookQP(len(head), noteCP) + "\r\n" +
		"TEL;WORK;VOICE:+7 (495) 765-43-21\r\n" +
		"TEL;CELL;VOICE:+7 903 765-43-21\r\n" +
		"ADR;WORK;PREF;CHARSET=windows-1251:;;" + cp("Ленина д. 1;Москва;;101000;Россия") + "\r\n" +
		"LABEL;WORK;PREF;CHARSET=windows-1251:" + cp("Ленина д. 1") + "\r\n" +
		"X-MS-OL-DEFAULT-POSTAL-ADDRESS:2\r\n" +
		"EMAIL;PREF;INTERNET:v.pupkin@truboprokat.ru\r\n" +
		"REV:20240610T090000Z\r\n" +
		"END:VCARD\r\n"), nil
}
