package dataio

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard"
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
	for _, r := range plan.Rows {
		if r.Name == "Numero sconosciuto" && (r.Action != ActionCreate || !strings.Contains(strings.Join(r.Notes, ";"), `dropped number: "***"`)) {
			t.Errorf("a card with a bad number keeps its name and says why the number was dropped: %+v", r)
		}
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

func TestExportImportRoundTrip(t *testing.T) {
	seed, err := contacts.ParseSeed(ringcard.DemoData)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{FormatXLSX, FormatCSV, FormatVCF} {
		t.Run(format, func(t *testing.T) {
			ctx := cliCtx()
			from := openDB(t)
			s, _ := contacts.ParseSeed(ringcard.DemoData)
			if err := from.ImportSeed(ctx, s.Contacts); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "export."+format)
			res, err := Export(ctx, from, format, path)
			if err != nil {
				t.Fatal(err)
			}
			if res.Contacts != len(seed.Contacts) || res.History == 0 {
				t.Fatalf("exported %d contacts, %d history lines", res.Contacts, res.History)
			}
			to := openDB(t)
			plan := importFile(t, to, path, false)
			if plan.Skipped != 0 || plan.Merged != 0 {
				t.Errorf("import of an export: %d skipped, %d merged, want none", plan.Skipped, plan.Merged)
			}
			wantC, wantH := snapshot(t, from)
			gotC, gotH := snapshot(t, to)
			if len(gotC) != len(wantC) {
				t.Fatalf("contacts = %d, want %d", len(gotC), len(wantC))
			}
			diffs := 0
			for id, want := range wantC {
				if got := gotC[id]; got != want && diffs < 3 {
					diffs++
					t.Errorf("contact %s differs:\n got %s\nwant %s", id, got, want)
				}
			}
			if len(gotH) != len(wantH) {
				t.Fatalf("history lines = %d, want %d", len(gotH), len(wantH))
			}
			for i := range wantH {
				if gotH[i] != wantH[i] {
					t.Errorf("history differs:\n got %s\nwant %s", gotH[i], wantH[i])
					break
				}
			}
			// Importing the export again adds nothing, not even history.
			again := importFile(t, to, path, false)
			if _, h := snapshot(t, to); again.Created != 0 || len(h) != len(wantH) {
				t.Errorf("second import: %d created, %d history lines (want 0, %d)", again.Created, len(h), len(wantH))
			}
		})
	}
}
