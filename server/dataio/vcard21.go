package dataio

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// normalizeVCards rewrites a vCard file into the one-line-per-property
// form go-vcard reads whole, before it reads it. Phones and Outlook write
// vCard 2.1, which go-vcard does not understand:
//
//   - bare type parameters (TEL;CELL:, TEL;WORK;PREF:, EMAIL;HOME:,
//     TEL;X-Cantiere:) become TYPE= parameters (go-vcard would read the
//     value as the parameter's value and drop the line);
//   - quoted-printable values (ENCODING=QUOTED-PRINTABLE or a bare
//     QUOTED-PRINTABLE) are joined across their soft line breaks (a line
//     ending in "=") and decoded, in the CHARSET the line names (UTF-8,
//     windows-1251, ISO-8859-1 ...), into escaped vCard 3.0 text;
//   - values in a CHARSET other than UTF-8 (Outlook's raw windows-1251) are
//     decoded from it.
//
// Folded lines (3.0 and 4.0) are unfolded here too. Lines that need none of
// this are passed on as they are (in UTF-8). A UTF-16 file is decoded first.
func normalizeVCards(data []byte) (string, error) {
	if enc := textEncoding(data); strings.HasPrefix(enc, "UTF-16") {
		text, err := decodeText(data)
		if err != nil {
			return "", err
		}
		data = []byte(text)
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte("\r"))
	}
	fallback := textEncoding(data)
	var out strings.Builder
	out.Grow(len(data) + len(data)/8)
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		head, value, ok := splitProperty(line)
		if !ok {
			out.WriteString(lineText(line, fallback))
			out.WriteString("\r\n")
			continue
		}
		p := parseHead(head, fallback)
		value = append([]byte(nil), value...) // lines share one array: never append into it
		if p.qp {
			// Soft line breaks: a value line ending in "=" goes on on the
			// next line, whose leading spaces are part of the text.
			// Android ends a value whose length is a multiple of 23 bytes
			// with one too: a next line that starts a property ends it.
			for bytes.HasSuffix(value, []byte("=")) {
				value = value[:len(value)-1]
				if i+1 >= len(lines) || startsProperty(lines[i+1]) {
					break
				}
				i++
				value = append(value, lines[i]...)
			}
		}
		for i+1 < len(lines) && len(lines[i+1]) > 0 && (lines[i+1][0] == ' ' || lines[i+1][0] == '\t') {
			i++
			value = append(value, lines[i][1:]...)
		}
		if !p.changed {
			out.WriteString(lineText(head, fallback))
			out.WriteByte(':')
			out.WriteString(lineText(value, fallback))
			out.WriteString("\r\n")
			continue
		}
		out.WriteString(p.head)
		out.WriteByte(':')
		if p.qp {
			out.WriteString(escapeVCardText(decodeCharset(decodeQPBytes(value), p.charset, fallback)))
		} else {
			out.WriteString(decodeCharset(value, p.charset, fallback))
		}
		out.WriteString("\r\n")
	}
	return out.String(), nil
}

// vcardProperties are the property names writers put at the start of a
// line (X- names aside): a line starting with one followed by ; or : is a
// new property, not the rest of a quoted-printable value.
var vcardProperties = map[string]bool{
	"BEGIN": true, "END": true, "VERSION": true, "N": true, "FN": true, "TEL": true, "EMAIL": true,
	"ADR": true, "LABEL": true, "ORG": true, "TITLE": true, "ROLE": true, "NOTE": true, "URL": true,
	"BDAY": true, "PHOTO": true, "LOGO": true, "NICKNAME": true, "CATEGORIES": true, "REV": true,
	"UID": true, "PRODID": true, "SOUND": true, "GEO": true, "TZ": true, "KEY": true, "MAILER": true,
	"AGENT": true, "SORT-STRING": true, "CLASS": true, "IMPP": true, "ANNIVERSARY": true, "GENDER": true,
}

// startsProperty tells a line that begins a property: NAME or group.NAME
// (upper-case, as writers write it) followed by ";" or ":".
func startsProperty(line []byte) bool {
	i := bytes.IndexAny(line, ";:")
	if i <= 0 {
		return false
	}
	name := string(line[:i])
	if _, after, ok := strings.Cut(name, "."); ok {
		name = after
	}
	if name == "" || strings.ToUpper(name) != name {
		return false
	}
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return vcardProperties[name] || strings.HasPrefix(name, "X-")
}

// splitProperty splits a content line at the colon that ends its name and
// parameters (a colon inside a quoted parameter value does not count). A
// line with no colon, or one that starts with a space (a folded line of a
// value the reader already passed), is not a property.
func splitProperty(line []byte) (head, value []byte, ok bool) {
	if len(line) == 0 || line[0] == ' ' || line[0] == '\t' {
		return nil, nil, false
	}
	quoted := false
	for i, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == ':' && !quoted:
			return line[:i], line[i+1:], true
		}
	}
	return nil, nil, false
}

// propHead is a property's name and parameters, rewritten for go-vcard.
type propHead struct {
	head    string // group.NAME;PARAM=V... without ENCODING=QUOTED-PRINTABLE and CHARSET
	qp      bool   // the value is quoted-printable
	charset string // the CHARSET parameter, "" when none
	changed bool   // head differs from the line's
}

// parseHead reads a property's name and parameters: bare 2.1 parameters
// become TYPE= (or ENCODING= for an encoding), ENCODING=QUOTED-PRINTABLE
// and CHARSET are taken out (normalizeVCards decodes the value).
func parseHead(head []byte, fallback string) propHead {
	parts := splitParams(string(head))
	p := propHead{}
	var b strings.Builder
	b.WriteString(parts[0])
	for _, param := range parts[1:] {
		k, v, hasValue := strings.Cut(param, "=")
		key := strings.ToUpper(strings.TrimSpace(k))
		if !hasValue {
			switch key {
			case "QUOTED-PRINTABLE":
				p.qp, p.changed = true, true
				continue
			case "BASE64", "8BIT", "7BIT", "B":
				b.WriteString(";ENCODING=" + key)
				p.changed = true
				continue
			case "":
				p.changed = true
				continue
			}
			b.WriteString(";TYPE=" + strings.TrimSpace(k))
			p.changed = true
			continue
		}
		switch {
		case key == "ENCODING" && strings.EqualFold(strings.TrimSpace(v), "QUOTED-PRINTABLE"):
			p.qp, p.changed = true, true
			continue
		case key == "CHARSET":
			p.charset, p.changed = strings.Trim(strings.TrimSpace(v), `"`), true
			continue
		}
		b.WriteString(";" + param)
	}
	p.head = lineText([]byte(b.String()), fallback)
	return p
}

// splitParams splits "NAME;P1;P2=V" at the semicolons outside quotes.
func splitParams(s string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			quoted = !quoted
		case s[i] == ';' && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// decodeQPBytes decodes quoted-printable text leniently: "=XX" (either
// case) is a byte, anything else is kept as written (a stray "=" included).
func decodeQPBytes(v []byte) []byte {
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '=' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]) {
			out = append(out, unhex(v[i+1])<<4|unhex(v[i+2]))
			i += 2
			continue
		}
		out = append(out, v[i])
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// decodeCharset turns a value's bytes into text: from the CHARSET the line
// named, else as lineText does.
func decodeCharset(b []byte, charset, fallback string) string {
	if charset != "" && !strings.EqualFold(charset, "utf-8") && !strings.EqualFold(charset, "utf8") {
		if enc, err := htmlindex.Get(charset); err == nil {
			if s, err := enc.NewDecoder().Bytes(b); err == nil {
				return string(s)
			}
		}
	}
	return lineText(b, fallback)
}

// lineText is bytes of the file as text: UTF-8 as they are, anything else
// in the 8-bit encoding textEncoding guessed for the whole file
// (Windows-1251 or -1252).
func lineText(b []byte, fallback string) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var dec *encoding.Decoder
	if fallback == "Windows-1251" {
		dec = charmap.Windows1251.NewDecoder()
	} else {
		dec = charmap.Windows1252.NewDecoder()
	}
	s, err := dec.Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(s)
}

// escapeVCardText writes decoded text the way go-vcard reads it back:
// backslashes doubled, line breaks (CRLF, CR or LF) as \n.
var vcardTextEscaper = strings.NewReplacer(`\`, `\\`, "\r\n", `\n`, "\r", `\n`, "\n", `\n`)

func escapeVCardText(s string) string { return vcardTextEscaper.Replace(s) }
