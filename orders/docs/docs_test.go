package docs_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard/orders"
	"github.com/ringcard/ringcard/orders/docs"
)

// pdfText reads a PDF's text back with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (Debian poppler-utils) is needed to read the PDFs back")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.ReplaceAll(string(out), "\u00a0", " ")
}

func sample(lang, kind, client, currency string) docs.Input {
	issued := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return docs.Input{
		Office: orders.Office{Name: "Studio Verdi S.r.l.", Address: "Via Roma 1, 00100 Roma", TaxID: "IT01234567890",
			Bank: "IBAN IT60 X054 2811 1010 0000 0123 456", Lang: lang, Prefix: "RC", Currency: currency},
		Doc: orders.Document{Number: "RC-2026-0007/F1", Kind: kind, Lang: lang, Currency: currency, IssuedAt: issued, DueAt: issued.AddDate(0, 0, 14)},
		Order: orders.Order{Number: "RC-2026-0007", Currency: currency, Lines: []orders.Line{
			{Name: "Caldaia a condensazione", Quantity: 1000, Unit: "pz", UnitPrice: 100000, VATRate: 2200},
			{Name: "Installazione", Quantity: 1500, Unit: "h", UnitPrice: 4000, VATRate: 2200, Discount: 1000}, // 60.00 - 10% = 54.00
			{Name: "Manuale", Quantity: 2000, UnitPrice: 1005, VATRate: 1000},                                  // 20.10 at 10%
		}},
		Client: client,
	}
}

func TestDocumentsInEachLanguageReadBack(t *testing.T) {
	// Net 1,074.10; VAT 22% on 1,054.00 = 231.88; VAT 10% on 20.10 = 2.01; total 1,307.99.
	tests := []struct {
		lang, kind, client, currency string
		want                         []string
	}{
		{"en", orders.KindOffer, "Mario Rossi", "EUR", []string{"Offer No. RC-2026-0007/F1 of 2 Mar 2026", "Mario Rossi",
			"1,074.10 €", "VAT 22% on 1,054.00", "231.88 €", "VAT 10% on 20.10", "2.01 €", "1,307.99 €", "Studio Verdi S.r.l.", "IT01234567890"}},
		{"en", orders.KindInvoice, "முருகன் செல்வம்", "EUR", []string{"Invoice No. RC-2026-0007/F1", "1,307.99 €", "Payment due by: 16 Mar 2026"}},
		{"it", orders.KindOffer, "Giulia Bianchi", "EUR", []string{"Offerta n. RC-2026-0007/F1 del 02/03/2026", "Giulia Bianchi",
			"Imponibile", "1.074,10 €", "IVA 22% su 1.054,00", "231,88 €", "1.307,99 €"}},
		{"it", orders.KindInvoice, "Giulia Bianchi", "EUR", []string{"Fattura n. RC-2026-0007/F1", "Scadenza pagamento: 16/03/2026", "1.307,99 €"}},
		{"ru", orders.KindOffer, "Анна Смирнова", "RUB", []string{"Коммерческое предложение № RC-2026-0007/F1 от 02.03.2026", "Анна Смирнова",
			"НДС 22% с суммы 1 054,00", "231,88 ₽", "1 307,99 ₽", "Сумма прописью: Одна тысяча триста семь рублей 99 копеек"}},
		{"ru", orders.KindInvoice, "Анна Смирнова", "RUB", []string{"Счёт на оплату № RC-2026-0007/F1", "Всего к оплате", "1 307,99 ₽",
			"Одна тысяча триста семь рублей 99 копеек", "Оплатить до: 16.03.2026"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.kind, func(t *testing.T) {
			in := sample(tt.lang, tt.kind, tt.client, tt.currency)
			pdf, err := docs.PDF(in)
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, pdf)
			for _, w := range append(tt.want, tt.client) {
				if !strings.Contains(text, w) {
					t.Errorf("PDF text lacks %q:\n%s", w, text)
				}
			}
			again, _ := docs.PDF(in)
			if !bytes.Equal(pdf, again) {
				t.Error("the same input rendered different bytes")
			}
			xb, err := docs.XLSX(in)
			if err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenReader(bytes.NewReader(xb))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := x.GetRows("Sheet1", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, r := range rows {
				all = append(all, strings.Join(r, "|"))
			}
			joined := strings.Join(all, "\n")
			for _, w := range []string{tt.client, "|1074.1", "|231.88", "|2.01", "|1307.99", "Studio Verdi S.r.l."} {
				if !strings.Contains(joined, w) {
					t.Errorf("XLSX lacks %q:\n%s", w, joined)
				}
			}
		})
	}
}

func BenchmarkInvoicePDF(b *testing.B) {
	in := sample("ru", orders.KindInvoice, "Анна Смирнова", "RUB")
	for b.Loop() {
		if _, err := docs.PDF(in); err != nil {
			b.Fatal(err)
		}
	}
}
