package dataio

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

func cliCtx() context.Context {
	return contacts.WithActor(context.Background(), contacts.Actor{Kind: contacts.ActorCLI, Name: "test"})
}

func importFile(t *testing.T, db *sqlite.DB, path string, dry bool) *Plan {
	t.Helper()
	src, err := ReadFile(path, ReadOptions{Region: "IT"})
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	plan, err := PlanImport(cliCtx(), db, src)
	if err != nil {
		t.Fatal(err)
	}
	if !dry {
		if err := plan.Apply(cliCtx(), db, nil); err != nil {
			t.Fatalf("apply %s: %v", path, err)
		}
	}
	return plan
}

func count(t *testing.T, db *sqlite.DB) int {
	t.Helper()
	n, err := db.ContactCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportSamplesMergeInsteadOfDuplicating(t *testing.T) {
	db := openDB(t)
	plan := importFile(t, db, samples+"office-clients.xlsx", true)
	if count(t, db) != 0 {
		t.Fatal("a dry run wrote contacts")
	}
	// The workbook's own duplicate row (same mobile as Mario Rossi) merges into the earlier row.
	var dupRow *RowResult
	for i := range plan.Rows {
		if strings.Contains(plan.Rows[i].Reason, "same number +393331234567 as row") {
			dupRow = &plan.Rows[i]
		}
	}
	if plan.Created != 11 || dupRow == nil || dupRow.Action != ActionMerge {
		t.Fatalf("dry run: %d created (want 11), duplicate row %+v", plan.Created, dupRow)
	}
	importFile(t, db, samples+"office-clients.xlsx", false)
	if got := count(t, db); got != 11 {
		t.Fatalf("contacts after the workbook = %d, want 11", got)
	}
	plan = importFile(t, db, samples+"phone-export.vcf", false)
	reasons := map[string]string{}
	for _, r := range plan.Rows {
		reasons[r.Name] = r.Action + ": " + r.Reason
	}
	if !strings.HasPrefix(reasons["Mario Rossi"], "merge: same number") || !strings.HasPrefix(reasons["Giulia Bianchi"], "merge: same number") {
		t.Errorf("vCard rows: %v", reasons)
	}
	sawUnknown := false
	for _, r := range plan.Rows {
		if r.Name == "Numero sconosciuto" {
			sawUnknown = true
			if r.Action != ActionSkip || !strings.Contains(r.Reason, `no readable number and no real name: number: "***"`) {
				t.Errorf("a card whose only identity was an unreadable number is skipped with the reason: %+v", r)
			}
		}
	}
	if !sawUnknown {
		t.Error(`the card "Numero sconosciuto" is missing from the plan`)
	}
	if err := db.EachContact(context.Background(), func(c *contacts.Contact) error {
		if len(c.Numbers) == 0 && len(c.Emails) == 0 {
			t.Errorf("contact %q was created with nothing to call or write to", c.Name())
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rossi, err := db.ContactsByNumber(context.Background(), "+393331234567")
	if err != nil || len(rossi) != 1 {
		t.Fatalf("Mario Rossi by mobile: %v %v", rossi, err)
	}
	if !strings.Contains(rossi[0].Note, "Preventivo caldaia inviato") || !strings.Contains(rossi[0].Note, "condensazione") {
		t.Errorf("merged note = %q: both notes must be kept", rossi[0].Note)
	}
	before := count(t, db)
	importFile(t, db, samples+"google-contacts.csv", false)
	importFile(t, db, samples+"rubrica-cp1251.csv", false)
	importFile(t, db, samples+"contacts-bom.csv", false)
	after := count(t, db)
	// Google adds Galli, Smirnov, Fontana, Da Gino (Bianchi and Conti merge); the
	// Russian file adds Kuznetsova and Yolkin (Smirnov merges); the BOM file adds 3.
	if after-before != 4+2+3 {
		t.Errorf("contacts added = %d, want 9", after-before)
	}
	// Importing the same file again changes nothing.
	again := importFile(t, db, samples+"google-contacts.csv", false)
	if again.Created != 0 || count(t, db) != after {
		t.Errorf("re-import created %d", again.Created)
	}
	audit, err := db.Audit(context.Background(), sqlite.AuditFilter{Action: "contact.import", ActorKind: contacts.ActorCLI, Limit: 1000})
	if want := after; err != nil || len(audit) != want || audit[0].Actor.Name != "test" {
		t.Errorf("audit: %d contact.import entries by the CLI (want one per contact, %d), err %v", len(audit), want, err)
	}
}

// comparable is a contact without what the store sets on its own.
func comparable(c *contacts.Contact) string {
	cp := *c
	cp.Rev, cp.CreatedAt, cp.UpdatedAt = 0, time.Time{}, time.Time{}
	b, _ := json.Marshal(cp)
	return string(b)
}

func snapshot(t *testing.T, db *sqlite.DB) (map[string]string, []string) {
	t.Helper()
	ctx := context.Background()
	cs := map[string]string{}
	if err := db.EachContact(ctx, func(c *contacts.Contact) error { cs[c.ID] = comparable(c); return nil }); err != nil {
		t.Fatal(err)
	}
	var hist []string
	err := db.EachHistory(ctx, func(e sqlite.ExportEntry) error {
		e.CallID = ""
		b, _ := json.Marshal(e)
		hist = append(hist, string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(hist)
	return cs, hist
}

// activity records what phones do and the demo seed does not: a call from
// a contact's second number with a note tied to it, a note against a
// number, an unknown caller with a note, a withheld call, and a contact
// whose number has an extension in tel: form. It returns the IDs of the
// call to Tedeschi's switchboard and of the unknown caller's call.
func activity(t *testing.T, db *sqlite.DB) (tedeschiCall, unknownCall string) {
	t.Helper()
	ctx := cliCtx()
	norm := contacts.Normalizer{DefaultRegion: "IT"}
	at := time.Date(2026, 11, 3, 9, 30, 15, 123e6, time.UTC)
	call := func(raw string, dir, outcome string, by string) string {
		t.Helper()
		p, err := norm.Parse(raw, "")
		if raw == "" {
			p, err = contacts.Parsed{}, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Hour)
		c := &contacts.Call{ID: contacts.NewID(), Number: p, Direction: dir, SIMSlot: 2, DeviceID: "dev-1", By: by, StartedAt: at}
		if _, err := db.StartCall(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, err := db.EndCall(ctx, c.ID, "dev-1", contacts.Call{Outcome: outcome, EndedAt: at.Add(95 * time.Second), DurationS: 95}); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	note := func(n contacts.Note) {
		t.Helper()
		at = at.Add(time.Minute)
		n.ID, n.At, n.DeviceID = contacts.NewID(), at, "dev-1"
		if _, err := db.AddNote(ctx, &n); err != nil {
			t.Fatal(err)
		}
	}
	tedeschiCall = call("(06) 2013-2036", contacts.Incoming, contacts.OutcomeAnswered, "Marco")
	note(contacts.Note{CallID: tedeschiCall, Text: "Ha chiamato dal centralino per l'ordine di Natale.", Author: "Marco"})
	note(contacts.Note{NumberKey: "+390620132036", Text: "Il centralino chiude alle 17.", Author: "Anna"})
	unknownCall = call("+39 347 000 1122", contacts.Incoming, contacts.OutcomeMissed, "Anna")
	note(contacts.Note{CallID: unknownCall, Text: "Sconosciuto: chiede un preventivo, richiamare.", Author: "Anna"})
	note(contacts.Note{NumberKey: "+393470001122", Text: "Non ha lasciato il nome.", Author: "Luca"})
	call("", contacts.Incoming, contacts.OutcomeRejected, "Luca") // withheld number
	ext := &contacts.Contact{DisplayName: "Studio Interno", Numbers: []contacts.Number{{Raw: "+39-06-9876-5432;ext=12", Type: "work"}, {Raw: "06 9876 5400 int. 7", Type: "main"}}}
	if _, err := db.CreateContact(ctx, ext, ""); err != nil {
		t.Fatal(err)
	}
	call("+39 06 9876 5432", contacts.Outgoing, contacts.OutcomeAnswered, "Marco")
	return tedeschiCall, unknownCall
}

func TestExportImportRoundTrip(t *testing.T) {
	for _, format := range []string{FormatXLSX, FormatCSV, FormatVCF} {
		t.Run(format, func(t *testing.T) {
			ctx := cliCtx()
			from := openDB(t)
			seed := syncedDemo(t)
			if err := from.ImportSeed(ctx, seed); err != nil {
				t.Fatal(err)
			}
			tedeschiCall, unknownCall := activity(t, from)
			addOrders(t, from)
			path := filepath.Join(t.TempDir(), "export."+format)
			res, err := Export(ctx, from, format, path)
			if err != nil {
				t.Fatal(err)
			}
			if res.Contacts != len(seed)+1 || res.History == 0 {
				t.Fatalf("exported %d contacts, %d history lines", res.Contacts, res.History)
			}
			to := openDB(t)
			src, err := ReadFile(path, ReadOptions{Region: "IT"})
			if err != nil {
				t.Fatal(err)
			}
			if len(src.Warnings) != 0 {
				t.Errorf("warnings reading an export: %v", src.Warnings)
			}
			plan, err := PlanImport(ctx, to, src)
			if err != nil {
				t.Fatal(err)
			}
			if err := plan.Apply(ctx, to, nil); err != nil {
				t.Fatal(err)
			}
			if plan.Skipped != 0 || plan.Merged != 0 || plan.NumberHistory != 4 {
				t.Errorf("import of an export: %d skipped, %d merged, %d lines of numbers without a contact; want 0, 0, 4 (the unknown caller's call and 2 notes, the withheld call)", plan.Skipped, plan.Merged, plan.NumberHistory)
			}
			for _, r := range plan.Rows {
				if len(r.Notes) > 0 {
					t.Errorf("row %d (%s): %v", r.Row, r.Name, r.Notes)
				}
			}
			checkOrdersCameBack(t, from, to)
			wantC, wantH := snapshot(t, from)
			gotC, gotH := snapshot(t, to)
			// Every field of every contact: numbers' type and label, resource
			// name, e-mail and address types, groups, custom fields, stage ...
			compareContacts(t, wantC, gotC)
			// Every line: contact, number (raw and key), kind, time, author, text, call fields, stage.
			if len(gotH) != len(wantH) {
				t.Errorf("history lines = %d, want %d", len(gotH), len(wantH))
			}
			for i := range min(len(gotH), len(wantH)) {
				if gotH[i] != wantH[i] {
					t.Errorf("history differs:\n got %s\nwant %s", gotH[i], wantH[i])
					break
				}
			}
			// The call from Tedeschi's switchboard keeps that number, not his first one.
			c, err := to.Call(context.Background(), tedeschiCall)
			if err != nil {
				t.Fatal(err)
			}
			if c.ContactID != "demo-0232" || c.Number.Raw != "(06) 2013-2036" || c.Number.Key != "+390620132036" || c.Number.E164 != "+390620132036" {
				t.Errorf("Tedeschi's call after the round trip: contact %s, number %+v", c.ContactID, c.Number)
			}
			// The unknown caller's call and notes wait against the number.
			h, err := to.History(context.Background(), "", "+393470001122", 10, "")
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, e := range h {
				kinds = append(kinds, e.Kind+":"+e.By)
			}
			if got := strings.Join(kinds, ","); got != "note:Luca,note:Anna,call:Anna" {
				t.Errorf("unknown number's history = %s, want note:Luca,note:Anna,call:Anna", got)
			}
			if c, err := to.Call(context.Background(), unknownCall); err != nil || c.ContactID != "" || c.Outcome != contacts.OutcomeMissed {
				t.Errorf("unknown caller's call: %+v, %v", c, err)
			}
			// Importing the export again adds nothing, not even history.
			again := importFile(t, to, path, false)
			if _, h := snapshot(t, to); again.Created != 0 || len(h) != len(wantH) {
				t.Errorf("second import: %d created, %d history lines (want 0, %d)", again.Created, len(h), len(wantH))
			}
		})
	}
}

func TestUnknownCallerHistoryJoinsALaterContact(t *testing.T) {
	ctx := cliCtx()
	from := openDB(t)
	_, unknownCall := activity(t, from)
	path := filepath.Join(t.TempDir(), "export.csv")
	if _, err := Export(ctx, from, FormatCSV, path); err != nil {
		t.Fatal(err)
	}
	to := openDB(t)
	known := &contacts.Contact{DisplayName: "Ora Conosciuto", Numbers: []contacts.Number{{Raw: "347 000 1122"}}}
	if _, err := to.CreateContact(ctx, known, ""); err != nil {
		t.Fatal(err)
	}
	importFile(t, to, path, false)
	c, err := to.Call(context.Background(), unknownCall)
	if err != nil || c.ContactID != known.ID {
		t.Fatalf("a call of a number a contact has now goes to that contact, as a phone's call would: %+v, %v", c, err)
	}
	h, err := to.History(context.Background(), known.ID, "", 10, "")
	if err != nil || len(h) != 3 {
		t.Errorf("the contact's history has %d lines (want the call and its 2 notes): %v", len(h), err)
	}
}

func TestUnreadableNumberOnlyIdentity(t *testing.T) {
	card := func(lines ...string) string {
		return "BEGIN:VCARD\r\nVERSION:3.0\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCARD\r\n"
	}
	vcf := card("FN:Numero sconosciuto", "TEL:***") + card("FN:***", "TEL:***") + card("N:;;;;", "TEL:***") +
		card("FN:Unknown", "TEL:***", "TEL:+39 06 1234 5678") + card("FN:Mario Bianchi", "TEL:***") + card("FN:Sconosciuto", "TEL:***", "EMAIL:info@example.it")
	src, err := Read("cards.vcf", []byte(vcf), ReadOptions{Region: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	plan, err := PlanImport(cliCtx(), db, src)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ActionSkip, ActionSkip, ActionSkip, ActionCreate, ActionCreate, ActionCreate}
	for i, r := range plan.Rows {
		t.Run(fmt.Sprintf("card %d %s", r.Row, r.Name), func(t *testing.T) {
			if r.Action != want[i] {
				t.Fatalf("action = %s (%s), want %s", r.Action, r.Reason, want[i])
			}
			why := r.Reason
			if r.Action == ActionCreate {
				why = strings.Join(r.Notes, "; ")
			}
			if !strings.Contains(why, `number: "***" has no digits`) {
				t.Errorf("the dropped number is not explained: reason %q, notes %q", r.Reason, r.Notes)
			}
		})
	}
}

func TestCSVAndVCardExportsKeepTheirOwnHistory(t *testing.T) {
	ctx := cliCtx()
	from := openDB(t)
	activity(t, from)
	dir := t.TempDir()
	csvRes, err := Export(ctx, from, FormatCSV, filepath.Join(dir, "contacts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	vcfRes, err := Export(ctx, from, FormatVCF, filepath.Join(dir, "contacts.vcf"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := csvRes.Files, []string{filepath.Join(dir, "contacts.csv"), filepath.Join(dir, "contacts-csv-history.csv")}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("csv export wrote %v, want %v", got, want)
	}
	if got, want := vcfRes.Files, []string{filepath.Join(dir, "contacts.vcf"), filepath.Join(dir, "contacts-vcf-history.csv")}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("vcf export wrote %v, want %v", got, want)
	}
	for _, name := range []string{"contacts.csv", "contacts.vcf"} {
		src, err := ReadFile(filepath.Join(dir, name), ReadOptions{Region: "IT"})
		if err != nil {
			t.Fatal(err)
		}
		if src.HistoryRows != csvRes.History || csvRes.History == 0 {
			t.Errorf("%s: read %d history lines, want %d", name, src.HistoryRows, csvRes.History)
		}
	}
	tests := []struct{ path, want string }{
		{"a/contacts.csv", "a/contacts-csv-history.csv"},
		{"a/contacts.vcf", "a/contacts-vcf-history.csv"},
		{"a/contacts.VCF", "a/contacts-vcf-history.csv"},
		{"a/contacts", "a/contacts-history.csv"},
	}
	for _, tt := range tests {
		if got := HistoryPath(tt.path); got != tt.want {
			t.Errorf("HistoryPath(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
