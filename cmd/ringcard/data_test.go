package main_test

import (
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// TestServeLockGuardsRestore runs a server on one address and checks that
// restore given another address, and a second server on the same database,
// are refused, leaving the database as it was.
func TestServeLockGuardsRestore(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ringcard.db")
	out := run(t, "import", "--db", dbPath, "../../testdata/import/office-clients.xlsx")
	if !strings.Contains(out, "11 created") {
		t.Fatalf("import: %s", out)
	}
	p := serve(t, dbPath, freeAddr(t))
	out = run(t, "backup", "--db", dbPath)
	m := regexp.MustCompile(`verified: (\S+) `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("backup: %s", out)
	}
	backup := m[1]

	other := freeAddr(t) // nothing answers there: only the lock tells a server runs
	b, err := exec.Command(binary(t), "restore", "--db", dbPath, "--addr", other, backup).CombinedOutput()
	if err == nil || !strings.Contains(string(b), "a ringcard server is running on "+dbPath) {
		t.Errorf("restore under a server on another address: err %v, output %s", err, b)
	}
	if m, _ := filepath.Glob(dbPath + ".before-restore-*"); len(m) != 0 {
		t.Errorf("a refused restore wrote %v", m)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err = exec.CommandContext(ctx, binary(t), "serve", "--db", dbPath, "--addr", freeAddr(t)).CombinedOutput()
	if err == nil || !strings.Contains(string(b), "a ringcard server is running on "+dbPath) {
		t.Errorf("a second server on the same database: err %v, output %s", err, b)
	}

	if resp, err := http.Get(p.url + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("the first server after the refusals: %v, %v", resp, err)
	} else {
		resp.Body.Close()
	}
	_ = p.cmd.Process.Kill()
	_, _ = p.cmd.Process.Wait()
	if sqlite.ServeLocked(dbPath) {
		t.Fatal("the lock outlived the server process")
	}
	out = run(t, "restore", "--db", dbPath, "--addr", other, backup)
	if !strings.Contains(out, "restored") {
		t.Errorf("restore once the server is gone: %s", out)
	}
	db, err := sqlite.Open(context.Background(), dbPath, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, _ := db.ContactCount(context.Background()); n != 11 {
		t.Errorf("contacts after restore = %d, want 11", n)
	}
}

// TestImportEverySheet: the dry run of a two-sheet workbook lists both
// sheets and says how to import the one it leaves; --sheet all with
// --sheet-group imports both, each contact in its sheet's group; a sheet
// that is not there is refused with the sheets there are.
func TestImportEverySheet(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "ringcard.db")
	const file = "../../testdata/import/office-suite.xlsx"
	out := run(t, "import", "--db", dbPath, "--default-region", "IT", "--dry-run", file)
	for _, want := range []string{`"Clienti"            3 rows, 3 contacts: imported`,
		`"Fornitori"          2 rows, 2 contacts: NOT imported (add --sheet "Fornitori", or --sheet all)`, "would import office-suite.xlsx: 3 created"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	out = run(t, "import", "--db", dbPath, "--default-region", "IT", "--sheet", "all", "--sheet-group", file)
	if !strings.Contains(out, "imported office-suite.xlsx: 5 created") {
		t.Fatalf("import --sheet all: %s", out)
	}
	db, err := sqlite.Open(context.Background(), dbPath, contacts.Normalizer{DefaultRegion: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hits, err := db.Search(context.Background(), sqlite.SearchQuery{Text: "Sara De Luca"})
	if err != nil || len(hits) != 1 || strings.Join(hits[0].Contact.Groups, ",") != "Fornitori" {
		t.Errorf("Sara De Luca after the import: %d found (%v), want one in group Fornitori", len(hits), err)
	}
	b, err := exec.Command(binary(t), "import", "--db", dbPath, "--sheet", "Fatture", file).CombinedOutput()
	if err == nil || !strings.Contains(string(b), `the workbook has no sheet "Fatture" (sheets: Clienti, Fornitori; or all)`) {
		t.Errorf("--sheet Fatture: err %v, output %s", err, b)
	}
}
