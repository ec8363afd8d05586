package messages

import (
	"fmt"
	"strings"
)

// Placeholders a message template may use, as {name}.
var Placeholders = []string{"name", "first_name", "company", "stage", "order", "staff"}

// Fields are the values a template is filled with for one contact.
type Fields map[string]string

// Fill replaces each {placeholder} in text with its value; an unknown
// placeholder is an error (a typo must not reach a client as "{nmae}").
func Fill(text string, f Fields) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		key := text[i+1 : i+j]
		if !known(key) {
			return "", fmt.Errorf("template: unknown placeholder {%s} (known: %s)", key, strings.Join(Placeholders, ", "))
		}
		b.WriteString(text[:i])
		b.WriteString(f[key])
		text = text[i+j+1:]
	}
}

func known(key string) bool {
	for _, p := range Placeholders {
		if p == key {
			return true
		}
	}
	return false
}

// Template is a stored message text for one language and channel.
type Template struct {
	Name     string `json:"name"`
	Language string `json:"language"` // en, ru, it
	Channel  string `json:"channel"`
	Subject  string `json:"subject,omitempty"`
	Text     string `json:"text"`
}
