package messages

import (
	"fmt"
	"slices"
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
	// Stage, when set, is a pipeline stage this template is offered on:
	// after staff move a client (or one of their orders) to it, the office
	// web view offers this message for the client ("order ready").
	Stage string `json:"stage,omitempty"`
}

// Languages a template may be written in (the office's languages).
var Languages = []string{"en", "ru", "it"}

// ValidateTemplates checks a set of templates: a name, a known language and
// channel, a text, a subject for e-mail, only known placeholders, and one
// template per name, language and channel.
func ValidateTemplates(ts []Template) error {
	seen := map[string]bool{}
	for i, t := range ts {
		where := fmt.Sprintf("templates[%d]", i)
		if strings.TrimSpace(t.Name) == "" || len(t.Name) > 100 {
			return fmt.Errorf("%s.name: required, at most 100 bytes", where)
		}
		if !slices.Contains(Languages, t.Language) {
			return fmt.Errorf("%s.language: one of %s", where, strings.Join(Languages, ", "))
		}
		if t.Channel != SMS && t.Channel != Email {
			return fmt.Errorf("%s.channel: sms or email", where)
		}
		if strings.TrimSpace(t.Text) == "" || len(t.Text) > 10000 {
			return fmt.Errorf("%s.text: required, at most 10,000 bytes", where)
		}
		if t.Channel == Email && strings.TrimSpace(t.Subject) == "" {
			return fmt.Errorf("%s.subject: required for e-mail", where)
		}
		if t.Stage != "" && (len(t.Stage) > 40 || t.Stage != strings.ToLower(strings.TrimSpace(t.Stage))) {
			return fmt.Errorf("%s.stage: a pipeline stage: a lower-case name of at most 40 bytes", where)
		}
		if _, err := Fill(t.Text+t.Subject, Fields{}); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		key := t.Name + "\x00" + t.Language + "\x00" + t.Channel
		if seen[key] {
			return fmt.Errorf("%s: a second %s template %q in %s", where, t.Channel, t.Name, t.Language)
		}
		seen[key] = true
	}
	return nil
}

// Find returns the template with this name, language and channel.
func Find(ts []Template, name, lang, channel string) (Template, bool) {
	for _, t := range ts {
		if t.Name == name && t.Language == lang && t.Channel == channel {
			return t, true
		}
	}
	return Template{}, false
}

// OnStage returns the templates offered when a client moves to stage, in
// their stored order.
func OnStage(ts []Template, stage string) []Template {
	var out []Template
	for _, t := range ts {
		if stage != "" && t.Stage == stage {
			out = append(out, t)
		}
	}
	return out
}
