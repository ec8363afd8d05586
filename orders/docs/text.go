// Package docs renders offers and invoices as PDF (go-pdf/fpdf with
// embedded DejaVu Sans and Lohit Tamil fonts, so Latin, Cyrillic and Tamil
// names print) and as XLSX (excelize), in English, Russian or Italian.
package docs

import (
	"time"

	"github.com/ringcard/ringcard/orders"
)

// words are a document's fixed texts per language.
type words struct {
	Offer, Invoice, No, Of, Client, Item, Qty, Unit, Price, Discount, VAT, Amount string
	Net, VATOn, Total, Due, TaxID, Bank, InWords, Paid, Owed, Page                string
}

var dict = map[string]words{
	"en": {Offer: "Offer", Invoice: "Invoice", No: "No.", Of: "of", Client: "Client", Item: "Item", Qty: "Qty", Unit: "Unit",
		Price: "Price", Discount: "Disc.", VAT: "VAT", Amount: "Amount", Net: "Net total", VATOn: "VAT %s on %s", Total: "Total",
		Due: "Payment due by", TaxID: "Tax ID", Bank: "Bank details", InWords: "Amount in words", Paid: "Paid", Owed: "Still owed", Page: "Page"},
	"ru": {Offer: "Коммерческое предложение", Invoice: "Счёт на оплату", No: "№", Of: "от", Client: "Покупатель", Item: "Товар, услуга",
		Qty: "Кол-во", Unit: "Ед.", Price: "Цена", Discount: "Скидка", VAT: "НДС", Amount: "Сумма", Net: "Итого без НДС",
		VATOn: "НДС %s с суммы %s", Total: "Всего к оплате", Due: "Оплатить до", TaxID: "ИНН", Bank: "Банковские реквизиты",
		InWords: "Сумма прописью", Paid: "Оплачено", Owed: "Осталось оплатить", Page: "Стр."},
	"it": {Offer: "Offerta", Invoice: "Fattura", No: "n.", Of: "del", Client: "Cliente", Item: "Descrizione", Qty: "Q.tà", Unit: "U.m.",
		Price: "Prezzo", Discount: "Sconto", VAT: "IVA", Amount: "Importo", Net: "Imponibile", VATOn: "IVA %s su %s",
		Total: "Totale", Due: "Scadenza pagamento", TaxID: "P.IVA", Bank: "Coordinate bancarie", InWords: "Importo in lettere",
		Paid: "Pagato", Owed: "Da pagare", Page: "Pag."},
}

var monthsEN = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// FormatDate writes a date as the locale does: "7 Dec 2026", "07.12.2026",
// "07/12/2026".
func FormatDate(t time.Time, lang string) string {
	switch lang {
	case "ru":
		return t.Format("02.01.2006")
	case "it":
		return t.Format("02/01/2006")
	}
	return t.Format("2 ") + monthsEN[t.Month()-1] + t.Format(" 2006")
}

// Input is everything a document shows.
type Input struct {
	Office   orders.Office
	Doc      orders.Document
	Order    orders.Order
	Client   string // the client's name as printed
	ClientAd string // the client's address, may be empty
	Location *time.Location
}

func (in *Input) lang() string {
	if _, ok := dict[in.Doc.Lang]; ok {
		return in.Doc.Lang
	}
	return "en"
}

func (in *Input) title() string {
	w := dict[in.lang()]
	t := w.Offer
	if in.Doc.Kind == orders.KindInvoice {
		t = w.Invoice
	}
	return t + " " + w.No + " " + in.Doc.Number + " " + w.Of + " " + FormatDate(in.local(in.Doc.IssuedAt), in.lang())
}

func (in *Input) local(t time.Time) time.Time {
	if in.Location != nil {
		return t.In(in.Location)
	}
	return t
}

// rate writes hundredths of a percent as "22%" or "5.5%".
func rate(bp int64, lang string) string {
	if bp%100 == 0 {
		return orders.FormatNumber(bp/100, 0, lang) + "%"
	}
	return orders.FormatNumber(bp, 2, lang) + "%"
}

// qty writes thousandths without trailing zeros: "3", "1.5", "0.125".
func qty(milli int64, lang string) string {
	switch {
	case milli%1000 == 0:
		return orders.FormatNumber(milli/1000, 0, lang)
	case milli%100 == 0:
		return orders.FormatNumber(milli/100, 1, lang)
	case milli%10 == 0:
		return orders.FormatNumber(milli/10, 2, lang)
	}
	return orders.FormatNumber(milli, 3, lang)
}
