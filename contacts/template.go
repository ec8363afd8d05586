package contacts

import (
	"strconv"
	"strings"
)

// Field keys a card template may name. "custom:<Key>" shows a custom field.
const (
	FieldCompany    = "company"
	FieldJobTitle   = "job_title"
	FieldDepartment = "department"
	FieldNickname   = "nickname"
	FieldStage      = "stage"
	FieldGroups     = "groups"
	FieldPhones     = "phones"
	FieldEmail      = "email"
	FieldAddress    = "address"
	FieldWebsite    = "website"
	FieldBirthday   = "birthday"
	// FieldDebt and FieldOpenOrders come from the client's orders and
	// invoices ("owes 1,240.00 €, 12 days overdue", "2 open orders"); the
	// store keeps them in one row per client so the card stays fast.
	FieldDebt       = "debt"
	FieldOpenOrders = "open_orders"
	CustomPrefix    = "custom:"
)

// KnownFields lists every built-in field key with its default label.
var KnownFields = []FieldSpec{
	{Key: FieldCompany, Label: "Company"},
	{Key: FieldJobTitle, Label: "Job title"},
	{Key: FieldDepartment, Label: "Department"},
	{Key: FieldNickname, Label: "Nickname"},
	{Key: FieldStage, Label: "Stage"},
	{Key: FieldGroups, Label: "Groups"},
	{Key: FieldPhones, Label: "Phones"},
	{Key: FieldEmail, Label: "E-mail"},
	{Key: FieldAddress, Label: "Address"},
	{Key: FieldWebsite, Label: "Website"},
	{Key: FieldBirthday, Label: "Birthday"},
	{Key: FieldDebt, Label: "Owes"},
	{Key: FieldOpenOrders, Label: "Orders"},
}

// Template says what a card shows and how it looks. A template with a Group
// applies to contacts in that group; the one with no group is the default.
type Template struct {
	Name       string      `json:"name"`
	Group      string      `json:"group,omitempty"`
	Fields     []FieldSpec `json:"fields"`
	NoteMax    int         `json:"note_max"`    // runes of the contact's note; 0 hides the note
	HistoryMax int         `json:"history_max"` // entries of history; 0 hides history
	Style      Style       `json:"style"`
}

// FieldSpec is one field of a template, in display order.
type FieldSpec struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Color string `json:"color,omitempty"` // #rrggbb
	Size  int    `json:"size,omitempty"`  // text size in sp
}

// Style is a card's look.
type Style struct {
	Background string `json:"background,omitempty"`
	Accent     string `json:"accent,omitempty"`
	Text       string `json:"text,omitempty"`
	NameSize   int    `json:"name_size,omitempty"`
	FieldSize  int    `json:"field_size,omitempty"`
	NoteSize   int    `json:"note_size,omitempty"`
}

// Templates is the office's set of card templates: a default and, in
// priority order, per-group templates. The first group template whose group
// the contact is in applies.
type Templates struct {
	Default Template   `json:"default"`
	Groups  []Template `json:"groups,omitempty"`
}

// DefaultTemplates is what a new office starts with.
func DefaultTemplates() Templates {
	base := Style{Background: "#FFFFFF", Accent: "#1565C0", Text: "#212121", NameSize: 24, FieldSize: 16, NoteSize: 14}
	supplier := base
	supplier.Accent = "#6D4C41"
	courier := base
	courier.Accent = "#2E7D32"
	return Templates{
		Default: Template{
			Name: "Clients",
			Fields: []FieldSpec{
				{Key: FieldCompany, Label: "Company"},
				{Key: FieldStage, Label: "Stage", Color: "#E65100"},
				{Key: FieldJobTitle, Label: "Job title"},
				{Key: FieldEmail, Label: "E-mail"},
			},
			NoteMax: 280, HistoryMax: 5, Style: base,
		},
		Groups: []Template{
			{Name: "Suppliers", Group: "Supplier", Fields: []FieldSpec{
				{Key: FieldCompany, Label: "Company"},
				{Key: FieldPhones, Label: "Phones"},
				{Key: FieldAddress, Label: "Address"},
			}, NoteMax: 140, HistoryMax: 3, Style: supplier},
			{Name: "Couriers", Group: "Courier", Fields: []FieldSpec{
				{Key: FieldCompany, Label: "Company"},
			}, NoteMax: 80, HistoryMax: 2, Style: courier},
		},
	}
}

// For returns the template that applies to a contact (nil for an unknown
// caller gets the default).
func (t *Templates) For(c *Contact) *Template {
	if c != nil {
		for i := range t.Groups {
			if c.InGroup(t.Groups[i].Group) {
				return &t.Groups[i]
			}
		}
	}
	return &t.Default
}

// UsesMoney reports whether the template for c shows the debt or the open
// orders field: only then does the card path read the client's money row.
func (t *Templates) UsesMoney(c *Contact) bool {
	for _, f := range t.For(c).Fields {
		if f.Key == FieldDebt || f.Key == FieldOpenOrders {
			return true
		}
	}
	return false
}

// Shows reports whether any template, the default or a group's, shows the
// field key.
func (t *Templates) Shows(key string) bool {
	for _, tp := range append([]Template{t.Default}, t.Groups...) {
		for _, f := range tp.Fields {
			if f.Key == key {
				return true
			}
		}
	}
	return false
}

// Validate checks a template set before it is saved.
func (t *Templates) Validate() error {
	if err := t.Default.validate("default"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range t.Groups {
		g := &t.Groups[i]
		if strings.TrimSpace(g.Group) == "" {
			return Errorf(EInvalid, "groups[%d].group: required", i)
		}
		if seen[strings.ToLower(g.Group)] {
			return Errorf(EInvalid, "groups[%d].group: %q has two templates", i, g.Group)
		}
		seen[strings.ToLower(g.Group)] = true
		if err := g.validate("groups[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	return nil
}

func (t *Template) validate(where string) error {
	if t.NoteMax < 0 || t.NoteMax > 5000 {
		return Errorf(EInvalid, "%s.note_max: between 0 and 5000", where)
	}
	if t.HistoryMax < 0 || t.HistoryMax > 50 {
		return Errorf(EInvalid, "%s.history_max: between 0 and 50", where)
	}
	if len(t.Fields) > 30 {
		return Errorf(EInvalid, "%s.fields: at most 30", where)
	}
	for i, f := range t.Fields {
		if !knownField(f.Key) {
			return Errorf(EInvalid, "%s.fields[%d].key: unknown field %q", where, i, f.Key)
		}
		if f.Color != "" && !isColor(f.Color) {
			return Errorf(EInvalid, "%s.fields[%d].color: %q is not #rrggbb", where, i, f.Color)
		}
	}
	for name, c := range map[string]string{"background": t.Style.Background, "accent": t.Style.Accent, "text": t.Style.Text} {
		if c != "" && !isColor(c) {
			return Errorf(EInvalid, "%s.style.%s: %q is not #rrggbb", where, name, c)
		}
	}
	return nil
}

func knownField(key string) bool {
	if strings.HasPrefix(key, CustomPrefix) {
		return len(key) > len(CustomPrefix)
	}
	for _, f := range KnownFields {
		if f.Key == key {
			return true
		}
	}
	return false
}

func isColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, r := range s[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}
