package dataio

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Record is one contact read from a file.
type Record struct {
	Row     int    // the row (table) or card (vCard) number, 1-based
	Sheet   string // the workbook sheet of the row
	Contact contacts.Contact
	History []sqlite.ImportEntry // from a ringcard export's history
	Notes   []string             // what was changed or dropped while reading
	Skip    string               // why the row is not a contact ("" when it is)
	// NoSMS and NoEmail: the row's opt-out columns said yes.
	NoSMS, NoEmail bool
}

// table turns rows of cells into records once the header row is known.
type table struct {
	cols      []Column
	region    string
	addrParts bool // the table has city/zip/province/country columns: "address" is the street
	// own: the table is a ringcard export (its first column is
	// exportIDHeader). Its numbered columns hold one item each with the
	// type and label exactly as stored, so they are read back as written,
	// not understood the way people's and Google's files are.
	own bool
}

func newTable(cols []Column, region string) *table {
	t := &table{cols: cols, region: region}
	t.own = len(cols) > 0 && strings.EqualFold(strings.TrimSpace(cols[0].Header), exportIDHeader)
	for _, c := range cols {
		switch c.Field {
		case "city", "zip", "province", "country":
			t.addrParts = true
		}
	}
	return t
}

// findHeader returns the index of the header row among the first rows: the
// first with at least two recognized column names (a title row above it,
// merged across the columns, is passed over).
func findHeader(rows [][]string) (int, []Column) {
	best, bestN := -1, 0
	var bestCols []Column
	for i := 0; i < len(rows) && i < 15; i++ {
		cols := headerColumns(rows[i])
		if n := recognized(cols); n > bestN {
			best, bestN, bestCols = i, n, cols
			if n >= 2 {
				break
			}
		}
	}
	if bestN == 0 {
		return -1, nil
	}
	return best, bestCols
}

func headerColumns(row []string) []Column {
	cols := make([]Column, len(row))
	for i, h := range row {
		cols[i] = mapHeader(i, h)
	}
	return cols
}

type item struct{ value, typ, label string }

// record reads one data row.
func (t *table) record(row []string, rowNum int) Record {
	r := Record{Row: rowNum}
	c := &r.Contact
	empty := true
	groups := map[string]*item{}
	var order []string
	var addr struct{ street, city, zip, province, country string }
	for _, col := range t.cols {
		if col.Index >= len(row) {
			continue
		}
		v := strings.TrimSpace(row[col.Index])
		if v == "" {
			continue
		}
		empty = false
		if col.Field == "ignore" {
			continue
		}
		if col.Field == "address" && t.addrParts && strings.HasPrefix(col.Group, "col") {
			addr.street = v // the other address columns complete it
			continue
		}
		switch col.Field {
		case "id":
			c.ID = v
		case "name":
			c.DisplayName = v
		case "given":
			c.GivenName = v
		case "middle":
			c.GivenName = strings.TrimSpace(c.GivenName + " " + v)
		case "family":
			c.FamilyName = v
		case "nickname":
			c.Nickname = v
		case "company":
			c.Company = v
		case "title":
			c.JobTitle = v
		case "department":
			c.Department = v
		case "street":
			addr.street = v

		case "city":
			addr.city = v
		case "zip":
			addr.zip = fixZip(v)
		case "province":
			addr.province = v
		case "country":
			addr.country = v
		case "birthday":
			if d, ok := parseDate(v); ok {
				c.Birthday = d
			} else {
				c.Custom = append(c.Custom, contacts.CustomField{Key: col.Header, Value: v})
				r.Notes = append(r.Notes, fmt.Sprintf("birthday %q not understood: kept as a custom field", v))
			}
		case "groups":
			if t.own {
				c.Groups = appendOwnGroups(c.Groups, v)
			} else {
				c.Groups = appendGroups(c.Groups, v)
			}
		case "note":
			if c.Note != "" {
				c.Note += "\n"
			}
			c.Note += v
		case "stage":
			c.Stage = v
			if !t.own {
				c.Stage = strings.ToLower(v)
			}
		case "photo":
			c.PhotoURL = v
		case "resource_name":
			c.ResourceName = v
		case "no_sms", "no_email":
			yes, ok := yesNo(v)
			if !ok {
				r.Notes = append(r.Notes, fmt.Sprintf("%s %q not understood: not opted out", col.Header, v))
			}
			if col.Field == "no_sms" {
				r.NoSMS = r.NoSMS || yes
			} else {
				r.NoEmail = r.NoEmail || yes
			}
		default: // numbered items: phones, e-mails, addresses, websites, custom fields
			g := groups[col.Group]
			if g == nil {
				g = &item{}
				groups[col.Group] = g
				order = append(order, col.Group)
			}
			switch col.Part {
			case "type":
				g.typ = v
			case "label":
				g.label = v
			default:
				g.value = v
			}
		}
	}
	if empty {
		r.Skip = "empty row"
		return r
	}
	for _, key := range order {
		g := groups[key]
		if g.value == "" {
			continue
		}
		field := t.fieldOf(key)
		if t.own && !strings.HasPrefix(key, "col") && t.addOwnItem(&r, field, g) {
			continue
		}
		t.addItem(&r, field, g)
	}
	if f := contacts.JoinNonEmpty(", ", addr.street, strings.TrimSpace(addr.zip+" "+addr.city), wrapProvince(addr.province), addr.country); f != "" {
		c.Addresses = append(c.Addresses, contacts.Address{Formatted: f})
	}
	finish(&r)
	return r
}

func (t *table) fieldOf(group string) string {
	for _, c := range t.cols {
		if c.Group == group && c.Part == "value" {
			return c.Field
		}
	}
	for _, c := range t.cols {
		if c.Group == group {
			return c.Field
		}
	}
	return "ignore"
}

// addItem adds one numbered item (a phone with its type, an e-mail ...).
func (t *table) addItem(r *Record, field string, g *item) {
	c := &r.Contact
	switch field {
	case "phone", "mobile", "work_phone", "home_phone", "fax":
		typ, label := phoneType(field, g.typ, g.label)
		for _, raw := range splitMulti(g.value, true) {
			fixed := FixNumber(raw, t.region)
			if fixed != raw {
				r.Notes = append(r.Notes, fmt.Sprintf("number %s read as %s (a leading 0 or + was lost)", raw, fixed))
			}
			c.Numbers = append(c.Numbers, contacts.Number{Raw: fixed, Type: typ, Label: label})
		}
	case "email":
		typ := itemType(g.typ, g.label)
		for _, e := range splitMulti(g.value, false) {
			c.Emails = append(c.Emails, contacts.Email{Address: e, Type: typ})
		}
	case "address":
		for _, a := range strings.Split(g.value, " ::: ") {
			c.Addresses = append(c.Addresses, contacts.Address{Formatted: strings.TrimSpace(a), Type: itemType(g.typ, g.label)})
		}
	case "website":
		for _, w := range strings.Split(g.value, " ::: ") {
			c.Websites = append(c.Websites, strings.TrimSpace(w))
		}
	default:
		key, _ := strings.CutPrefix(field, "custom:")
		if lbl := firstNonEmpty(g.label, g.typ); lbl != "" && strings.HasPrefix(strings.ToLower(key), "custom field") {
			key = lbl
		} else if lbl != "" {
			key += " (" + lbl + ")"
		}
		if !strings.HasPrefix(field, "custom:Custom Field") && isDateHeader(key) {
			if f, err := strconv.ParseFloat(g.value, 64); err == nil && f >= 20000 {
				if d, ok := serialDate(g.value); ok {
					g.value = d
				}
			}
		}
		c.Custom = append(c.Custom, contacts.CustomField{Key: key, Value: g.value})
	}
}

// addOwnItem adds one numbered item of a ringcard export: one value per
// cell, the type and label as they are (an untyped number labelled
// "Office" stays untyped). It reports false for a column it does not
// handle, which addItem reads as usual.
func (t *table) addOwnItem(r *Record, field string, g *item) bool {
	c := &r.Contact
	switch field {
	case "phone":
		fixed := FixNumber(g.value, t.region) // the CSV may have been saved by Excel since
		if fixed != g.value {
			r.Notes = append(r.Notes, fmt.Sprintf("number %s read as %s (a leading 0 or + was lost)", g.value, fixed))
		}
		c.Numbers = append(c.Numbers, contacts.Number{Raw: fixed, Type: g.typ, Label: g.label})
	case "email":
		c.Emails = append(c.Emails, contacts.Email{Address: g.value, Type: g.typ})
	case "address":
		c.Addresses = append(c.Addresses, contacts.Address{Formatted: g.value, Type: g.typ})
	case "website":
		c.Websites = append(c.Websites, g.value)
	case "custom:Custom Field":
		c.Custom = append(c.Custom, contacts.CustomField{Key: g.label, Value: g.value})
	default:
		return false
	}
	return true
}

// appendOwnGroups reads the groups of a ringcard export: names joined with
// " ::: ", each kept whole (commas, slashes and all).
func appendOwnGroups(groups []string, v string) []string {
	for _, g := range strings.Split(v, groupSep) {
		if g = strings.TrimSpace(g); g != "" && !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	return groups
}

// finish names a contact known only by its e-mail and says why a row with
// nothing to call or write to is skipped.
func finish(r *Record) {
	c := &r.Contact
	if c.Name() == "" && len(c.Emails) > 0 {
		c.DisplayName = c.Emails[0].Address
	}
	if c.Name() == "" {
		r.Skip = "no name, company, number or e-mail"
	}
}

// phoneType reads a phone's type from its column and Google's type/label.
func phoneType(field, typ, label string) (string, string) {
	switch field {
	case "mobile":
		return "mobile", label
	case "work_phone":
		return "work", label
	case "home_phone":
		return "home", label
	case "fax":
		return "other", "fax"
	}
	if t := knownType(typ); t != "" {
		return t, label
	}
	if typ != "" && label == "" {
		return "other", strings.TrimPrefix(typ, "* ")
	}
	if t := knownType(label); t != "" && typ == "" {
		return t, ""
	}
	return "", label
}

func itemType(typ, label string) string {
	if t := knownType(firstNonEmpty(typ, label)); t != "" {
		return t
	}
	return strings.ToLower(strings.TrimPrefix(firstNonEmpty(typ, label), "* "))
}

func knownType(s string) string {
	return typeWords[foldHeader(s)]
}

var typeWords = func() map[string]string {
	m := map[string]string{}
	for typ, words := range map[string][]string{
		"mobile": {"mobile", "cell", "cellular", "cellulare", "mobile phone", "мобильный", "сотовый"},
		"work":   {"work", "business", "office", "lavoro", "ufficio", "рабочий"},
		"home":   {"home", "casa", "домашний"},
		"main":   {"main", "principale", "основной"},
		"other":  {"other", "altro", "другой"},
	} {
		for _, w := range words {
			m[foldHeader(w)] = typ
		}
	}
	return m
}()

// splitMulti splits a cell holding several values: Google's " ::: ",
// semicolons, new lines, " / " and (for numbers only with a space after)
// commas.
func splitMulti(v string, numbers bool) []string {
	seps := []string{" ::: ", ";", "\n", " / "}
	if numbers {
		seps = append(seps, ", ")
		v = telParam.ReplaceAllString(v, "\x00$1=") // "+39 06 1234;ext=12" is one number
	} else {
		seps = append(seps, ",", " ")
	}
	parts := []string{v}
	for _, sep := range seps {
		var next []string
		for _, p := range parts {
			next = append(next, strings.Split(p, sep)...)
		}
		parts = next
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(strings.ReplaceAll(p, "\x00", ";")); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// telParam is a tel: URI parameter after a number (RFC 3966: ;ext=12,
// ;isub=, ;phone-context=, ;postd=): part of the number, not a separator.
var telParam = regexp.MustCompile(`(?i);\s*(ext|isub|phone-context|postd)=`)

func appendGroups(groups []string, v string) []string {
	parts := strings.Split(v, ":::")
	if len(parts) == 1 {
		parts = splitMulti(strings.ReplaceAll(v, ",", ";"), true)
	}
	for _, g := range parts {
		g = strings.TrimSpace(g)
		if strings.HasPrefix(g, "* ") { // Google's system labels: "* myContacts", "* starred", "* friends" ...
			continue
		}
		switch strings.ToLower(g) {
		case "", "mycontacts", "starred", "my contacts":
			continue
		}
		dup := false
		for _, have := range groups {
			if strings.EqualFold(have, g) {
				dup = true
			}
		}
		if !dup {
			groups = append(groups, g)
		}
	}
	return groups
}

// FixNumber restores what a spreadsheet did to a phone number stored as a
// number: "612345678" was "0612345678" (Excel drops leading zeros) and
// "393331234567" was "+393331234567". It changes only a bare run of digits
// that is not a valid number in region as it stands but becomes one with
// the 0 or the + back; anything else is returned as given.
func FixNumber(raw, region string) string {
	s := strings.TrimSpace(raw)
	if f, err := strconv.ParseFloat(s, 64); err == nil && strings.ContainsAny(s, "Ee.") && f >= 1 && f < 1e15 && f == math.Trunc(f) {
		s = strconv.FormatInt(int64(f), 10) // 3.93331234567E+11, 612345678.0
	}
	if s == "" || strings.Trim(s, "0123456789") != "" || s[0] == '0' {
		return raw
	}
	region = strings.ToUpper(region)
	valid := func(n string, reg string) bool {
		p, err := phonenumbers.Parse(n, reg)
		return err == nil && phonenumbers.IsValidNumber(p)
	}
	// 393331234567: Italian numbers can be 12 digits, but a run that starts
	// with the country's own code and is valid after a + lost the +.
	if cc := phonenumbers.GetCountryCodeForRegion(region); cc > 0 && len(s) > 10 && strings.HasPrefix(s, strconv.Itoa(cc)) && valid("+"+s, "") {
		return "+" + s
	}
	if valid(s, region) {
		return s
	}
	if valid("0"+s, region) {
		return "0" + s
	}
	if valid("+"+s, "") {
		return "+" + s
	}
	return s
}

// fixZip puts back the leading zeros of a postal code stored as a number
// (Italian CAP 00184 becomes 184).
func fixZip(v string) string {
	if len(v) < 5 && strings.Trim(v, "0123456789") == "" {
		return strings.Repeat("0", 5-len(v)) + v
	}
	return v
}

func wrapProvince(p string) string {
	if p == "" {
		return ""
	}
	if len(p) == 2 {
		return "(" + strings.ToUpper(p) + ")"
	}
	return p
}

// parseDate reads a birthday: a spreadsheet serial, YYYY-MM-DD, --MM-DD,
// DD/MM/YYYY, DD.MM.YYYY, DD-MM-YYYY or YYYYMMDD. It returns YYYY-MM-DD or
// --MM-DD.
func parseDate(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if d, ok := serialDate(v); ok {
		return d, true
	}
	if strings.HasPrefix(v, "--") {
		md := strings.ReplaceAll(v[2:], "-", "")
		if len(md) == 4 {
			if _, err := time.Parse("0102", md); err == nil {
				return "--" + md[:2] + "-" + md[2:], true
			}
		}
		return "", false
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "02/01/2006", "2/1/2006", "02.01.2006", "2.1.2006", "02-01-2006", "20060102", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// serialDate turns a spreadsheet date serial (days since 1899-12-30) into
// YYYY-MM-DD; only plausible dates (1900 to 2100) are read as dates.
func serialDate(v string) (string, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 1 || f > 73415 {
		return "", false
	}
	t, err := excelize.ExcelDateToTime(f, false)
	if err != nil {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

func isDateHeader(h string) bool {
	f := foldHeader(h)
	for _, w := range []string{"data", "date", "дата", "giorno", "scadenza"} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// yesNo reads an opt-out cell: yes, x, 1, true, sì, да (and their "no"s).
func yesNo(v string) (yes, ok bool) {
	switch foldHeader(v) {
	case "yes", "y", "x", "1", "true", "si", "s", "да", "д", "v":
		return true, true
	case "no", "n", "0", "false", "нет", "н":
		return false, true
	}
	switch v {
	case "✓", "✔", "☑":
		return true, true
	}
	return false, false
}
