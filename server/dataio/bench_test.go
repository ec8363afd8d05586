package dataio

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard/contacts/contactstest"
)

// writeWorkbook writes an office-style workbook of n clients: Italian
// headers, landlines stored as numbers (zeros lost), dates as serials.
func writeWorkbook(b *testing.B, path string, n int) {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"Cognome", "Nome", "Ragione sociale", "Telefono", "Cellulare", "E-mail", "Indirizzo", "CAP", "Città", "Data di nascita", "Gruppo", "Note"})
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{fmt.Sprintf("Cognome%d", i), "Nome", fmt.Sprintf("Ditta %d srl", i/3), 600000000 + i, 3200000000 + i,
			fmt.Sprintf("cliente%d@example.it", i), fmt.Sprintf("Via Roma %d", i%300), 184, "Roma", 28000 + i%9000, "Clienti", "Interessato al listino"}
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkImportWorkbook25k reads, plans and writes a 25,000-row workbook
// into an empty store (target: under 20 s).
func BenchmarkImportWorkbook25k(b *testing.B) {
	const n = 25_000
	path := filepath.Join(b.TempDir(), "clients.xlsx")
	writeWorkbook(b, path, n)
	ctx := cliCtx()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := openDB(b)
		b.StartTimer()
		src, err := ReadFile(path, ReadOptions{Region: "IT"})
		if err != nil {
			b.Fatal(err)
		}
		plan, err := PlanImport(ctx, db, src)
		if err != nil {
			b.Fatal(err)
		}
		if err := plan.Apply(ctx, db, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if plan.Created != n {
			b.Fatalf("created %d, want %d", plan.Created, n)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkExport25k exports 25,000 contacts with 3 history entries each.
func BenchmarkExport25k(b *testing.B) {
	db := openDB(b)
	if err := db.ImportSeed(context.Background(), contactstest.Synthetic(25_000, 3)); err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{FormatXLSX, FormatCSV, FormatVCF} {
		b.Run(format, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res, err := Export(context.Background(), db, format, filepath.Join(b.TempDir(), "export."+format))
				if err != nil {
					b.Fatal(err)
				}
				if res.Contacts != 25_000 || res.History < 25_000 {
					b.Fatalf("exported %d contacts, %d history lines", res.Contacts, res.History)
				}
			}
		})
	}
}
