// Package dataio reads contacts from the files offices bring (Excel
// workbooks, Google Contacts CSV exports, phones' vCard exports), plans an
// import that merges into existing contacts instead of duplicating them, and
// writes everything back out (CSV, vCard, XLSX) with the history. It does no
// HTTP; the CLI and the server call it.
package dataio

import (
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/ringcard/ringcard/contacts"
)

// Fields a column can be mapped to (with --map col=field). "custom:Key"
// keeps a column as a custom field named Key; "ignore" drops it.
var Fields = []string{
	"id", "name", "given", "middle", "family", "nickname", "company", "title", "department",
	"phone", "mobile", "work_phone", "home_phone", "fax", "email",
	"address", "street", "city", "zip", "province", "country",
	"website", "birthday", "groups", "note", "stage", "photo", "resource_name", "no_sms", "no_email", "ignore",
}

// headerWords maps folded header texts (English, Italian, Russian) to fields.
var headerWords = map[string][]string{
	"id":            {"id", "ringcard id", "contact id"},
	"name":          {"name", "full name", "display name", "contact", "contact name", "contact person", "referente", "persona di riferimento", "контактное лицо", "nominativo", "nome e cognome", "nome completo", "cliente", "contatto", "фио", "имя и фамилия", "полное имя", "контакт", "клиент", "наименование"},
	"given":         {"first name", "given name", "nome", "имя"},
	"middle":        {"middle name", "additional name", "secondo nome", "отчество"},
	"family":        {"last name", "family name", "surname", "cognome", "фамилия"},
	"nickname":      {"nickname", "soprannome", "прозвище"},
	"company":       {"company", "organization", "organisation", "organization name", "azienda", "ragione sociale", "ditta", "societa", "impresa", "компания", "организация", "фирма"},
	"title":         {"job title", "title", "organization title", "position", "qualifica", "ruolo", "mansione", "carica", "должность"},
	"department":    {"department", "organization department", "reparto", "ufficio", "отдел"},
	"phone":         {"phone", "telephone", "phone number", "tel", "telefono", "tel fisso", "fisso", "telefono fisso", "numero", "numero di telefono", "телефон", "номер", "номер телефона", "тел", "городской"},
	"mobile":        {"mobile", "mobile phone", "cell", "cell phone", "cellulare", "cell", "mobile number", "мобильный", "мобильный телефон", "сотовый", "моб", "моб тел"},
	"work_phone":    {"work phone", "business phone", "office phone", "telefono ufficio", "tel ufficio", "рабочий телефон", "рабочий", "раб тел"},
	"home_phone":    {"home phone", "telefono casa", "tel casa", "домашний телефон", "домашний", "дом тел"},
	"fax":           {"fax", "факс"},
	"email":         {"email", "e mail", "mail", "email address", "e mail address", "posta elettronica", "indirizzo email", "indirizzo e mail", "pec", "эл почта", "электронная почта", "почта", "e mail адрес"},
	"address":       {"address", "full address", "indirizzo", "indirizzo completo", "адрес"},
	"street":        {"street", "via", "улица"},
	"city":          {"city", "town", "citta", "comune", "localita", "город"},
	"zip":           {"zip", "zip code", "postal code", "postcode", "cap", "индекс", "почтовый индекс"},
	"province":      {"province", "provincia", "prov", "state", "region", "regione", "регион", "область"},
	"country":       {"country", "nazione", "paese", "stato", "страна"},
	"website":       {"website", "web", "url", "sito", "sito web", "сайт", "веб сайт"},
	"birthday":      {"birthday", "date of birth", "birth date", "data di nascita", "compleanno", "день рождения", "дата рождения"},
	"groups":        {"group", "groups", "labels", "group membership", "category", "categories", "gruppo", "gruppi", "categoria", "группа", "группы", "категория"},
	"note":          {"note", "notes", "comment", "comments", "osservazioni", "annotazioni", "commento", "примечание", "примечания", "комментарий", "заметки"},
	"stage":         {"stage", "status", "pipeline stage", "stato ordine", "fase", "этап", "статус"},
	"photo":         {"photo", "photo url"},
	"resource_name": {"resource name", "google resource name"},
	// Opt-outs: a "yes" (x, 1, sì, да...) marks the client; a blank leaves them as they are.
	"no_sms":   {"no sms", "sms no", "opt out sms", "sms opt out", "non inviare sms", "no sms si", "не отправлять sms", "не отправлять смс", "без смс", "без sms"},
	"no_email": {"no email", "no e mail", "opt out email", "email opt out", "non inviare email", "non inviare e mail", "не отправлять email", "не отправлять e mail", "не отправлять письма", "без писем"},
}

var headerIndex = func() map[string]string {
	m := map[string]string{}
	for field, words := range headerWords {
		for _, w := range words {
			m[foldHeader(w)] = field
		}
	}
	return m
}()

// foldHeader lower-cases, strips accents and keeps letters and digits
// separated by single spaces: "E-mail 1 - Value" -> "e mail 1 value".
func foldHeader(s string) string {
	return strings.Join(strings.FieldsFunc(contacts.Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// googleHeader matches Google's numbered columns: "Phone 2 - Value".
var googleHeader = regexp.MustCompile(`^(.+?) (\d+) - (Value|Type|Label|Formatted|Name|Title|Department|Street|City|Postal Code|Region|Country|PO Box|Extended Address)$`)

var googleKinds = map[string]string{
	"phone": "phone", "e-mail": "email", "email": "email", "address": "address", "website": "website",
	"organization": "company", "custom field": "custom", "relation": "custom", "event": "custom", "im": "custom",
	"external id": "custom",
}

// Column says how one column of a table is read.
type Column struct {
	Index  int    `json:"index"` // 0-based
	Letter string `json:"column"`
	Header string `json:"header"`
	Field  string `json:"field"` // one of Fields, "custom:Key" or "ignore"
	Group  string `json:"-"`     // numbered columns of one item (Google's "Phone 2 - ...") share a group
	Part   string `json:"-"`     // value, type, label
	// phoneByWord: the field is a phone because a word of the header says
	// so ("Доп. телефон", "Other phone"); the column stays one only if its
	// values are phone numbers (checkPhoneColumns).
	phoneByWord bool
}

// mapHeader decides the field of one header cell.
// Mappable reports whether the column is read on its own (not one part of
// a numbered item such as Google's "Phone 2 - Type"), so a person may
// choose its field (ReadOptions.Map, the import page).
func (c Column) Mappable() bool { return strings.HasPrefix(c.Group, "col") }

func mapHeader(i int, header string) Column {
	c := Column{Index: i, Letter: columnLetter(i), Header: header, Group: "col" + itoa(i), Part: "value"}
	h := strings.TrimSpace(header)
	if m := googleHeader.FindStringSubmatch(h); m != nil {
		kind := googleKinds[strings.ToLower(m[1])]
		if kind == "" {
			kind = "custom"
		}
		c.Group = strings.ToLower(m[1]) + " " + m[2] // one group per kind and number
		part := strings.ToLower(m[3])
		switch {
		case kind == "company":
			c.Field = map[string]string{"name": "company", "title": "title", "department": "department"}[part]
			if c.Field == "" {
				c.Field = "ignore"
			}
			c.Group = "col" + itoa(i)
			return c
		case kind == "address" && part != "formatted" && part != "type" && part != "label":
			c.Field = "ignore" // the formatted column holds the whole address
			return c
		case part == "formatted" || part == "value":
			c.Part = "value"
		default:
			c.Part = part
		}
		c.Field = kind
		if kind == "custom" {
			c.Field = "custom:" + m[1]
		}
		return c
	}
	f := foldHeader(h)
	switch {
	case f == "":
		c.Field = "ignore"
	case headerIndex[f] != "":
		c.Field = headerIndex[f]
	case headerIndex[strings.TrimRight(f, " 0123456789")] != "": // "Telefono 2", "Email2"
		c.Field = headerIndex[strings.TrimRight(f, " 0123456789")]
	default:
		c.Field = "custom:" + h
		if field := phoneHeader(f); field != "" {
			c.Field, c.phoneByWord = field, true
		}
	}
	return c
}

// phoneWords say a column holds phone numbers, in any of the UI languages;
// phoneKinds are the words that say which kind.
var phoneWords = wordSet("phone", "telephone", "tel", "telefono", "cell", "cellulare", "mobile", "telefonino",
	"телефон", "тел", "мобильный", "сотовый", "моб", "fax", "факс")

var phoneKinds = map[string]string{}

func init() {
	for field, words := range map[string][]string{
		"mobile":     {"mobile", "cell", "cellulare", "cellular", "telefonino", "мобильный", "сотовый", "моб"},
		"work_phone": {"work", "business", "office", "ufficio", "lavoro", "рабочий", "раб", "служебный"},
		"home_phone": {"home", "casa", "abitazione", "домашний", "дом"},
		"fax":        {"fax", "факс"},
	} {
		for _, w := range words {
			phoneKinds[foldHeader(w)] = field
		}
	}
}

func wordSet(words ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words {
		m[foldHeader(w)] = true
	}
	return m
}

// phoneHeader reads a folded header no exact name matched that has a
// phone word among its words ("доп телефон", "other phone", "телефон
// рабочий", "altro telefono"): the phone field its other words say
// (mobile, work, home, fax), else "phone". "" when no word says phone.
func phoneHeader(folded string) string {
	words := strings.Fields(folded)
	found := false
	for _, w := range words {
		found = found || phoneWords[w]
	}
	if !found {
		return ""
	}
	for _, w := range words {
		if k := phoneKinds[w]; k != "" {
			return k
		}
	}
	return "phone"
}

// looksLikePhone tells a cell that holds a phone number: digits (at least
// five) with only the signs people write numbers with.
func looksLikePhone(v string) bool {
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-()./ \u00a0", r):
		default:
			return false
		}
	}
	return digits >= 5
}

func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// recognized counts the columns mapped to a known field.
func recognized(cols []Column) int {
	n := 0
	for _, c := range cols {
		if c.Field != "ignore" && !strings.HasPrefix(c.Field, "custom:") {
			n++
		}
	}
	return n
}

// applyMap overrides detected fields: keys are a header text, a column
// letter (B) or a 1-based column number; values a field, "custom:Key" or
// "ignore". It returns the keys that named a column; lenient lets a key
// that names none pass (one of several sheets read).
func applyMap(cols []Column, m map[string]string, lenient bool) (map[string]bool, error) {
	found := map[string]bool{}
	for k, v := range m {
		v = strings.TrimSpace(v)
		if !validField(v) {
			return nil, contacts.Errorf(contacts.EInvalid, "--map %s=%s: unknown field %q (known: %s, custom:NAME)", k, v, v, strings.Join(Fields, ", "))
		}
		for i := range cols {
			c := &cols[i]
			if foldHeader(c.Header) == foldHeader(k) || c.Letter == strings.ToUpper(strings.TrimSpace(k)) || itoa(c.Index+1) == strings.TrimSpace(k) {
				c.Field, c.Group, c.Part, c.phoneByWord, found[k] = v, "col"+itoa(c.Index), "value", false, true
				if v == "custom" {
					c.Field = "custom:" + c.Header
				}
			}
		}
		if !found[k] && !lenient {
			return nil, contacts.Errorf(contacts.EInvalid, "--map %s=%s: no column %q (columns: %s)", k, v, k, columnNames(cols))
		}
	}
	return found, nil
}

func validField(f string) bool {
	if f == "custom" || (strings.HasPrefix(f, "custom:") && len(f) > len("custom:")) {
		return true
	}
	for _, k := range Fields {
		if k == f {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func columnNames(cols []Column) string {
	var out []string
	for _, c := range cols {
		out = append(out, c.Letter+"="+c.Header)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
