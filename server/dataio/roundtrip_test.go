package dataio

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ringcard/ringcard"
	"github.com/ringcard/ringcard/contacts"
)

// syncedDemo is the demo data as a database synced with Google holds it:
// most contacts have a resource name, and a number whose Google type is a
// custom word ("Office", "Ufficio", "Casa", "Lavoro") has no type of its
// own, only that label. A few contacts carry values that need care in
// every format: labels and group names with commas, colons and
// semicolons, e-mail and address types that are not vCard's, a custom
// field key with punctuation, a stage written in capitals.
func syncedDemo(t *testing.T) []contacts.SeedContact {
	t.Helper()
	s, err := contacts.ParseSeed(ringcard.DemoData)
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Contacts {
		c := &s.Contacts[i].Contact
		if i%10 != 9 { // every tenth contact was never synced
			c.ResourceName = fmt.Sprintf("people/c%d", 4100000000000000000+int64(i)*7919)
		}
		if i%2 == 0 {
			for j := range c.Numbers {
				if c.Numbers[j].Label != "" {
					c.Numbers[j].Type = ""
				}
			}
		}
	}
	extras := []contacts.Contact{{
		ID: "rt-0001", DisplayName: "Bar Centrale, Roma", ResourceName: "people/c900001",
		Numbers: []contacts.Number{
			{Raw: "06 5555 1234", Label: "Ufficio, interno 2"},
			{Raw: "347 555 1234", Type: "mobile", Label: "Sede: Roma; piano 2"},
			{Raw: "06 5555 1299", Label: "Office"},
			{Raw: "06 5555 1288", Type: "main", Label: "Casa"},
		},
		Emails: []contacts.Email{
			{Address: "bar.centrale@pec.example.it", Type: "PEC"},
			{Address: "ufficio@barcentrale.example.it", Type: "Ufficio"},
			{Address: "info@barcentrale.example.it", Type: "work"},
			{Address: "mario@barcentrale.example.it"},
		},
		Addresses: []contacts.Address{
			{Formatted: "Via Roma 1\n00184 Roma RM\nItaly", Type: "Sede legale"},
			{Formatted: "Via Appia 20, 00179 Roma", Type: "home"},
		},
		Groups: []string{"Clienti, VIP"},
		Custom: []contacts.CustomField{{Key: "Orari: apertura, chiusura; festivi", Value: "8-20, chiuso lunedì"}},
		Stage:  "Quoted",
	}, {
		ID: "rt-0002", DisplayName: "Trattoria Da Gino", ResourceName: "people/c900002",
		Numbers: []contacts.Number{{Raw: "06 4444 1234", Label: "Lavoro"}, {Raw: "333 444 1234", Label: "Cellulare"}},
		Groups:  []string{"Bar / Ristoranti"},
	}, {
		ID: "rt-0003", DisplayName: "Ferramenta Neri", ResourceName: "people/c900003",
		Numbers: []contacts.Number{{Raw: "06 3333 1234", Type: "work", Label: "Ufficio"}},
		Groups:  []string{"Fornitori;Roma", "starred"},
	}}
	for _, c := range extras {
		s.Contacts = append(s.Contacts, contacts.SeedContact{Contact: c})
	}
	return s.Contacts
}

// TestSyncedDemoHasWhatTheRoundTripMustKeep guards the test data: without
// these cases the round trip proves nothing about them.
func TestSyncedDemoHasWhatTheRoundTripMustKeep(t *testing.T) {
	seen := map[string]int{}
	for _, sc := range syncedDemo(t) {
		if sc.ResourceName != "" {
			seen["resource name"]++
		}
		for _, n := range sc.Numbers {
			if n.Type == "" && knownType(n.Label) != "" {
				seen["untyped number labelled "+n.Label]++
			}
		}
	}
	for _, want := range []string{"resource name", "untyped number labelled Office", "untyped number labelled Ufficio", "untyped number labelled Casa", "untyped number labelled Lavoro"} {
		if seen[want] == 0 {
			t.Errorf("no %s in the test data", want)
		}
	}
}

// contactDiffs lists where two contacts (as JSON) differ, one line per
// field: "numbers[1].type: want \"\", got \"work\"".
func contactDiffs(want, got string) []string {
	var w, g any
	_ = json.Unmarshal([]byte(want), &w)
	_ = json.Unmarshal([]byte(got), &g)
	var out []string
	jsonDiff("", w, g, &out)
	return out
}

func jsonDiff(path string, want, got any, out *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		for k := range keys {
			jsonDiff(strings.TrimPrefix(path+"."+k, "."), w[k], g[k], out)
		}
		return
	case []any:
		g, _ := got.([]any)
		for i := range max(len(w), len(g)) {
			var wi, gi any
			if i < len(w) {
				wi = w[i]
			}
			if i < len(g) {
				gi = g[i]
			}
			jsonDiff(fmt.Sprintf("%s[%d]", path, i), wi, gi, out)
		}
		return
	}
	if g, ok := got.([]any); ok && want == nil {
		jsonDiff(path, []any{}, g, out)
		return
	}
	if g, ok := got.(map[string]any); ok && want == nil {
		jsonDiff(path, map[string]any{}, g, out)
		return
	}
	if fmt.Sprint(want) != fmt.Sprint(got) {
		*out = append(*out, fmt.Sprintf("%s: want %s, got %s", path, quoteJSON(want), quoteJSON(got)))
	}
}

func quoteJSON(v any) string {
	if v == nil {
		return `""`
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// diffIndex and diffID are what the summary leaves out to count alike
// differences together: item positions, and long runs of digits (resource
// names, IDs).
var diffIndex, diffID = regexp.MustCompile(`\[\d+\]`), regexp.MustCompile(`\d{6,}`)

// compareContacts reports every contact that differs, and a summary of
// the kinds of difference with how many fields each touched (the shape of
// the acceptance test's report: `numbers[].type: want "", got "work"` x48).
func compareContacts(t *testing.T, wantC, gotC map[string]string) {
	t.Helper()
	if len(gotC) != len(wantC) {
		t.Errorf("contacts = %d, want %d", len(gotC), len(wantC))
	}
	kinds := map[string]int{}
	var ids []string
	for id := range wantC {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	shown := 0
	for _, id := range ids {
		got, ok := gotC[id]
		if !ok {
			t.Errorf("contact %s missing after the round trip", id)
			continue
		}
		d := contactDiffs(wantC[id], got)
		sort.Strings(d)
		for _, line := range d {
			kinds[diffID.ReplaceAllString(diffIndex.ReplaceAllString(line, "[]"), "N")]++
		}
		if len(d) > 0 && shown < 5 {
			shown++
			t.Errorf("contact %s: %s", id, strings.Join(d, "; "))
		}
	}
	var summary []string
	for k, n := range kinds {
		summary = append(summary, fmt.Sprintf("%4d x %s", n, k))
	}
	sort.Sort(sort.Reverse(sort.StringSlice(summary)))
	if len(summary) > 0 {
		t.Errorf("fields that differ after the round trip:\n%s", strings.Join(summary, "\n"))
	}
}

func TestContactDiffs(t *testing.T) {
	want := `{"id":"a","numbers":[{"raw":"1","type":"","label":"Office"}],"resource_name":"people/c1"}`
	got := `{"id":"a","numbers":[{"raw":"1","type":"work"}]}`
	d := contactDiffs(want, got)
	sort.Strings(d)
	wantD := []string{`numbers[0].label: want "Office", got ""`, `numbers[0].type: want "", got "work"`, `resource_name: want "people/c1", got ""`}
	if strings.Join(d, "\n") != strings.Join(wantD, "\n") {
		t.Errorf("diffs:\n%s\nwant\n%s", strings.Join(d, "\n"), strings.Join(wantD, "\n"))
	}
	if d := contactDiffs(want, want); len(d) != 0 {
		t.Errorf("equal contacts differ: %v", d)
	}
}

// TestOwnExportsReadExactlyOthersAsBefore: a ringcard export gives back a
// number's type and label as stored, while the same words in people's and
// Google's files still say the type, as they always did.
func TestOwnExportsReadExactlyOthersAsBefore(t *testing.T) {
	card := func(lines ...string) string {
		return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mario Rossi\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCARD\r\n"
	}
	const own = "PRODID:-//ringcard//export//EN"
	tests := []struct {
		name, file, data string
		typ, label       string   // of the first number
		groups           []string // nil: not checked
		custom           string   // "key=value" of the first custom field, "" not checked
	}{
		{name: "Google CSV label only", file: "g.csv", data: "Name,Phone 1 - Label,Phone 1 - Value\nMario Rossi,Ufficio,06 1234 5678\n", typ: "work"},
		{name: "Google CSV Casa", file: "g.csv", data: "Name,Phone 1 - Label,Phone 1 - Value\nMario Rossi,Casa,06 1234 5678\n", typ: "home"},
		{name: "Google CSV custom label", file: "g.csv", data: "Name,Phone 1 - Label,Phone 1 - Value\nMario Rossi,Work Fax,06 1234 5678\n", label: "Work Fax"},
		{name: "CSV type and label columns", file: "g.csv", data: "Name,Phone 1 - Type,Phone 1 - Label,Phone 1 - Value\nMario Rossi,,Office,06 1234 5678\n", typ: "work"},
		{name: "office workbook column", file: "w.csv", data: "Nome e cognome;Telefono ufficio;Gruppo\nMario Rossi;06 1234 5678;Clienti, VIP\n", typ: "work", groups: []string{"Clienti", "VIP"}},
		{name: "ringcard CSV export", file: "e.csv", data: "ringcard ID,Name,Labels,Phone 1 - Type,Phone 1 - Label,Phone 1 - Value,Custom Field 1 - Label,Custom Field 1 - Value\nabc,Mario Rossi,\"Clienti, VIP ::: starred\",,Office,06 1234 5678,Data contratto,45000\n",
			label: "Office", groups: []string{"Clienti, VIP", "starred"}, custom: "Data contratto=45000"},
		{name: "ringcard CSV export typed", file: "e.csv", data: "ringcard ID,Name,Phone 1 - Type,Phone 1 - Label,Phone 1 - Value\nabc,Mario Rossi,main,Ufficio,06 1234 5678\n", typ: "main", label: "Ufficio"},
		{name: "phone vCard X-ABLabel", file: "p.vcf", data: card("item1.TEL:06 1234 5678", "item1.X-ABLabel:Casa"), typ: "home"},
		{name: "phone vCard X-LABEL", file: "p.vcf", data: card("TEL;X-LABEL=Office:06 1234 5678", "CATEGORIES:Clienti,VIP"), typ: "work", groups: []string{"Clienti", "VIP"}},
		{name: "ringcard vCard", file: "e.vcf", data: card(own, "item1.TEL:06 1234 5678", "item1.X-ABLabel:Office", "CATEGORIES:Clienti\\, VIP"), label: "Office", groups: []string{"Clienti, VIP"}},
		{name: "older ringcard vCard", file: "e.vcf", data: card(own, "TEL;X-LABEL=Lavoro:06 1234 5678", "X-RINGCARD-FIELD;KEY=VAT:IT123"), label: "Lavoro", custom: "VAT=IT123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Read(tt.file, []byte(tt.data), ReadOptions{Region: "IT"})
			if err != nil {
				t.Fatal(err)
			}
			if len(src.Records) != 1 || len(src.Records[0].Contact.Numbers) != 1 {
				t.Fatalf("records %+v", src.Records)
			}
			c := src.Records[0].Contact
			if n := c.Numbers[0]; n.Type != tt.typ || n.Label != tt.label {
				t.Errorf("number type %q label %q, want %q %q", n.Type, n.Label, tt.typ, tt.label)
			}
			if tt.groups != nil && strings.Join(c.Groups, "|") != strings.Join(tt.groups, "|") {
				t.Errorf("groups %q, want %q", c.Groups, tt.groups)
			}
			if tt.custom != "" && (len(c.Custom) == 0 || c.Custom[0].Key+"="+c.Custom[0].Value != tt.custom) {
				t.Errorf("custom fields %+v, want %s", c.Custom, tt.custom)
			}
		})
	}
}

// TestForcedFormatThatFindsNothing: --format vcf on a CSV (or any forced
// format on a file of another kind) is refused, not read as zero rows.
func TestForcedFormatThatFindsNothing(t *testing.T) {
	csvData := "Name,Phone\nMario Rossi,06 1234 5678\nAnna Neri,347 123 4567\n"
	vcfData := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mario Rossi\r\nTEL:06 1234 5678\r\nEND:VCARD\r\n"
	tests := []struct {
		name, file, data, format string
		want                     string // "" when it reads
	}{
		{"csv as vcf", "clients.csv", csvData, FormatVCF, "clients.csv does not look like vCards (format vcf was asked for) and no contacts were found in it; it looks like CSV text"},
		{"vcf as csv", "phone.vcf", vcfData, FormatCSV, "phone.vcf does not look like CSV text (format csv was asked for); it looks like vCards"},
		{"csv as xlsx", "clients.csv", csvData, FormatXLSX, "clients.csv does not look like an Excel workbook"},
		{"binary as vcf", "photo.vcf", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", FormatVCF, "photo.vcf does not look like vCards"},
		{"vcf as vcf", "phone.vcf", vcfData, FormatVCF, ""},
		{"csv as csv", "clients.csv", csvData, FormatCSV, ""},
		{"header-only csv as csv", "empty.csv", "Name,Phone\n", FormatCSV, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Read(tt.file, []byte(tt.data), ReadOptions{Format: tt.format, Region: "IT"})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				if n := len(src.Records); tt.name != "header-only csv as csv" && (n == 0 || src.Records[0].Skip != "") {
					t.Errorf("no contacts read: %+v", src.Records)
				}
				return
			}
			if contacts.ErrorCode(err) != contacts.EInvalid || !strings.Contains(contacts.ErrorMessage(err), tt.want) {
				t.Fatalf("err = %v (code %q), want %s containing %q", err, contacts.ErrorCode(err), contacts.EInvalid, tt.want)
			}
		})
	}
}
