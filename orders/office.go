package orders

import (
	"strings"

	"github.com/ringcard/ringcard/contacts"
)

// Office is what the office's documents show about it, and how it numbers
// and weighs its orders. Admins set it.
type Office struct {
	Name     string         `json:"name"`
	Address  string         `json:"address"`
	TaxID    string         `json:"tax_id"`
	Bank     string         `json:"bank"`              // bank name, IBAN or account, BIC: as printed
	Logo     []byte         `json:"logo,omitempty"`    // PNG or JPEG, printed at the top
	Prefix   string         `json:"prefix"`            // order numbers: PREFIX-YEAR-0001
	Lang     string         `json:"lang"`              // documents' language: en, ru, it
	Currency string         `json:"currency"`          // the default for new orders
	VATRate  int64          `json:"vat_rate_bp"`       // the default for new lines
	DueDays  int            `json:"due_days"`          // default payment terms
	Weights  map[string]int `json:"stage_probability"` // per pipeline stage, percent likely to be won
}

// DefaultOffice is what an office starts with until an admin sets its details.
func DefaultOffice() Office {
	return Office{Name: "ringcard office", Prefix: "RC", Lang: "en", Currency: "EUR", VATRate: 2200, DueDays: 14,
		Weights: map[string]int{"new": 10, "quoted": 30, "ordered": 70, "paid": 100, "done": 100, "lost": 0}}
}

// Validate checks the office's details before they are saved.
func (o *Office) Validate() error {
	o.Prefix = strings.TrimSpace(o.Prefix)
	if o.Prefix == "" || len(o.Prefix) > 10 || strings.ContainsAny(o.Prefix, " /\\") {
		return contacts.Errorf(contacts.EInvalid, "prefix: 1 to 10 characters, no spaces or slashes")
	}
	switch o.Lang {
	case "en", "ru", "it":
	default:
		return contacts.Errorf(contacts.EInvalid, "lang: one of en, ru, it")
	}
	if _, err := LookupCurrency(o.Currency); err != nil {
		return err
	}
	if len(o.Name) > 200 || len(o.Address) > 500 || len(o.TaxID) > 100 || len(o.Bank) > 500 {
		return contacts.Errorf(contacts.EInvalid, "name, address, tax_id, bank: too long")
	}
	if len(o.Logo) > 512<<10 {
		return contacts.Errorf(contacts.EInvalid, "logo: at most 512 KiB")
	}
	if len(o.Logo) > 0 && LogoType(o.Logo) == "" {
		return contacts.Errorf(contacts.EInvalid, "logo: a PNG or JPEG image")
	}
	if o.VATRate < 0 || o.VATRate > RateScale || o.DueDays < 0 || o.DueDays > 365 {
		return contacts.Errorf(contacts.EInvalid, "vat_rate_bp: 0 to 10000; due_days: 0 to 365")
	}
	for s, w := range o.Weights {
		if w < 0 || w > 100 {
			return contacts.Errorf(contacts.EInvalid, "stage_probability[%s]: 0 to 100", s)
		}
	}
	return nil
}

// LogoType is "PNG" or "JPG" for an image the documents can print, else "".
func LogoType(b []byte) string {
	switch {
	case len(b) > 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return "PNG"
	case len(b) > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "JPG"
	}
	return ""
}
