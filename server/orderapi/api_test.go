package orderapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard"
	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/orders"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/orderapi"
	"github.com/ringcard/ringcard/server/web"
)

const testPassword = "correct horse battery staple"

type env struct {
	t   *testing.T
	URL string
	DB  *sqlite.DB
	Srv *server.Server
}

func newEnv(t *testing.T) *env { return newEnvAt(t, nil) }

// newEnvAt starts the server with a fixed clock (nil: the real one).
func newEnvAt(t *testing.T, now func() time.Time) *env {
	t.Helper()
	cfg := config.Default()
	cfg.DB = filepath.Join(t.TempDir(), "ringcard.db")
	cfg.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	db, err := server.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.LoadDemo(ctx, db, ringcard.DemoData); err != nil {
		t.Fatal(err)
	}
	if now != nil {
		db.Now = now
	}
	srv, err := server.New(ctx, cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("server did not stop")
		}
		db.Close()
	})
	for _, u := range []struct{ login, role string }{{"anna", "staff"}, {"boss", "admin"}} {
		hash, err := web.HashPassword(testPassword, 8)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AddUser(ctx, &sqlite.User{Login: u.login, Name: u.login, PasswordHash: hash, Lang: "en", Role: u.role}); err != nil {
			t.Fatal(err)
		}
	}
	return &env{t: t, URL: "http://" + ln.Addr().String(), DB: db, Srv: srv}
}

// office is a signed-in browser session talking to the office JSON API.
type office struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (e *env) signIn(login string) *office {
	t := e.t
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrfOf := func(path string) string {
		resp, err := c.Get(e.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfRE.FindSubmatch(b)
		if m == nil {
			t.Fatalf("%s has no csrf field", path)
		}
		return string(m[1])
	}
	resp, err := c.PostForm(e.URL+"/signin", url.Values{"login": {login}, "password": {testPassword}, "csrf": {csrfOf("/signin")}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %v %v", login, resp.StatusCode, err)
	}
	resp.Body.Close()
	return &office{t: t, base: e.URL, c: c, csrf: csrfOf("/settings")}
}

// do sends JSON and decodes the answer into out (or, on an error status,
// the protocol's error shape into the returned body).
func (o *office) do(method, path string, in, out any) (int, protocol.ErrorResponse) {
	o.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, o.base+path, body)
	req.Header.Set("X-CSRF-Token", o.csrf)
	req.Header.Set("Content-Type", "application/json")
	resp, err := o.c.Do(req)
	if err != nil {
		o.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var er protocol.ErrorResponse
	if resp.StatusCode >= 400 {
		_ = json.Unmarshal(b, &er)
		return resp.StatusCode, er
	}
	if out != nil {
		if p, ok := out.(*[]byte); ok {
			*p = b
		} else if err := json.Unmarshal(b, out); err != nil {
			o.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode, er
}

func (e *env) contactID(name string) string {
	var id string
	if err := e.DB.QueryRowForTest(context.Background(), `SELECT id FROM contacts WHERE display_name = ? AND deleted = 0`, &id, name); err != nil {
		e.t.Fatalf("contact %s: %v", name, err)
	}
	return id
}

func (e *env) count(q string) int {
	var n int
	if err := e.DB.QueryRowForTest(context.Background(), q, &n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (Debian poppler-utils): %v", err)
	}
	return strings.ReplaceAll(string(out), "\u00a0", " ")
}

func TestOrderToInvoiceToPaymentToCard(t *testing.T) {
	e := newEnv(t)
	staff, admin := e.signIn("anna"), e.signIn("boss")
	ctx := context.Background()

	details := orders.Office{Name: "ООО «Рингкард»", Address: "Москва, ул. Тверская, 1", TaxID: "7701234567", Bank: "р/с 40702810900000000001",
		Prefix: "RK", Lang: "ru", Currency: "RUB", VATRate: 0, DueDays: 10, Weights: map[string]int{"new": 10, "quoted": 40, "ordered": 80}}
	if code, er := staff.do("PUT", "/api/v1/office/office", details, nil); code != http.StatusForbidden {
		t.Errorf("staff set office details: %d %+v, want 403", code, er)
	}
	if code, er := admin.do("PUT", "/api/v1/office/office", details, nil); code != http.StatusOK {
		t.Fatalf("admin set office details: %d %+v", code, er)
	}

	alexei := e.contactID("Алексей Кузнецов")
	var ov orderapi.OrderView
	req := orderapi.OrderRequest{ContactID: alexei, Lines: []orderapi.LineRequest{
		{Name: "Кофемашина", Quantity: "1", Unit: "шт", UnitPrice: "1000.00", CostPrice: "600"},
		{Name: "Зёрна", Quantity: "2.5", Unit: "кг", UnitPrice: "96", CostPrice: "50"},
	}}
	if code, er := staff.do("POST", "/api/v1/office/orders", req, &ov); code != http.StatusCreated {
		t.Fatalf("create order: %d %+v", code, er)
	}
	year := time.Now().Year()
	if want := fmt.Sprintf("RK-%d-0001", year); ov.Number != want || ov.Handler != "anna" || ov.Currency != "RUB" || ov.Totals.Gross != 124000 {
		t.Errorf("order = %s by %s in %s, gross %d; want %s by anna in RUB, 124000", ov.Number, ov.Handler, ov.Currency, ov.Totals.Gross, want)
	}

	// Bad input: a clear error in the protocol's shape, nothing stored.
	before := e.count(`SELECT COUNT(*) FROM orders`)
	merged := e.contactID("Владимир Петров")
	keep := e.contactID("Евгений Семёнов")
	if _, err := e.DB.MergeContacts(ctx, keep, merged); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		name string
		req  orderapi.OrderRequest
		want string
	}{
		{"negative quantity", orderapi.OrderRequest{ContactID: alexei, Lines: []orderapi.LineRequest{{Name: "x", Quantity: "-1", UnitPrice: "1"}}}, "quantity"},
		{"absurd quantity", orderapi.OrderRequest{ContactID: alexei, Lines: []orderapi.LineRequest{{Name: "x", Quantity: "1e12", UnitPrice: "1"}}}, "quantity"},
		{"huge quantity", orderapi.OrderRequest{ContactID: alexei, Lines: []orderapi.LineRequest{{Name: "x", Quantity: "5000000000", UnitPrice: "1"}}}, "quantity"},
		{"unknown currency", orderapi.OrderRequest{ContactID: alexei, Currency: "XYZ", Lines: []orderapi.LineRequest{{Name: "x", Quantity: "1", UnitPrice: "1"}}}, "currency"},
		{"price with too many decimals", orderapi.OrderRequest{ContactID: alexei, Lines: []orderapi.LineRequest{{Name: "x", Quantity: "1", UnitPrice: "1.005"}}}, "unit_price"},
		{"merged contact", orderapi.OrderRequest{ContactID: merged, Lines: []orderapi.LineRequest{{Name: "x", Quantity: "1", UnitPrice: "1"}}}, "merged into " + keep},
	} {
		code, er := staff.do("POST", "/api/v1/office/orders", bad.req, nil)
		if code != http.StatusBadRequest || er.Error.Code != contacts.EInvalid || !strings.Contains(er.Error.Message, bad.want) {
			t.Errorf("%s: %d %+v, want 400 invalid_request mentioning %q", bad.name, code, er, bad.want)
		}
	}
	if n := e.count(`SELECT COUNT(*) FROM orders`); n != before {
		t.Errorf("orders after refused requests: %d, want %d", n, before)
	}

	var inv orders.Document
	if code, er := staff.do("POST", "/api/v1/office/orders/"+ov.ID+"/documents", orderapi.IssueRequest{Kind: "invoice"}, &inv); code != http.StatusCreated {
		t.Fatalf("issue invoice: %d %+v", code, er)
	}
	var pdf, again, xb []byte
	staff.do("GET", "/api/v1/office/documents/"+inv.ID+"/pdf", nil, &pdf)
	text := pdfText(t, pdf)
	for _, want := range []string{"Счёт на оплату № " + ov.Number + "/F1", "Алексей Кузнецов", "ООО «Рингкард»", "7701234567",
		"1 240,00 ₽", "Одна тысяча двести сорок рублей 00 копеек", "Кофемашина"} {
		if !strings.Contains(text, want) {
			t.Errorf("invoice PDF lacks %q:\n%s", want, text)
		}
	}
	// The order changes; the issued invoice does not.
	req.Lines[0].UnitPrice = "2000"
	if code, er := staff.do("PUT", "/api/v1/office/orders/"+ov.ID, req, nil); code != http.StatusOK {
		t.Fatalf("update order: %d %+v", code, er)
	}
	staff.do("GET", "/api/v1/office/documents/"+inv.ID+"/pdf", nil, &again)
	if !bytes.Equal(pdf, again) {
		t.Error("the issued invoice changed after the order did")
	}
	staff.do("GET", "/api/v1/office/documents/"+inv.ID+"/xlsx", nil, &xb)
	if x, err := excelize.OpenReader(bytes.NewReader(xb)); err != nil {
		t.Errorf("xlsx: %v", err)
	} else if v, _ := x.GetCellValue("Sheet1", "B10"); !strings.Contains(v, "Кофемашина") {
		rows, _ := x.GetRows("Sheet1")
		t.Errorf("xlsx B10 = %q; rows %v", v, rows)
	}

	// A payment larger than the invoice: refused, nothing changes.
	code, er := staff.do("POST", "/api/v1/office/payments", orderapi.PaymentRequest{InvoiceID: inv.ID, Amount: "1240.01"}, nil)
	if code != http.StatusBadRequest || er.Error.Code != contacts.EInvalid {
		t.Errorf("overpayment: %d %+v", code, er)
	}
	if n := e.count(`SELECT COUNT(*) FROM payments`); n != 0 {
		t.Errorf("payments after the refused one: %d", n)
	}
	if code, er := staff.do("POST", "/api/v1/office/payments", orderapi.PaymentRequest{InvoiceID: inv.ID, Amount: "240"}, nil); code != http.StatusCreated {
		t.Fatalf("pay: %d %+v", code, er)
	}
	var money orderapi.ContactMoney
	staff.do("GET", "/api/v1/office/contacts/"+alexei+"/orders", nil, &money)
	if money.Debt != "owes 1,000.00 ₽" || money.OpenOrders != "1 open order" || len(money.Documents) != 1 || len(money.Payments) != 1 {
		t.Errorf("client's money = %q, %q, %d documents, %d payments", money.Debt, money.OpenOrders, len(money.Documents), len(money.Payments))
	}

	// The card shows it when the template has the fields.
	tpls := contacts.DefaultTemplates()
	tpls.Default.Fields = append(tpls.Default.Fields, contacts.FieldSpec{Key: contacts.FieldDebt, Label: "Owes"}, contacts.FieldSpec{Key: contacts.FieldOpenOrders, Label: "Orders"})
	if err := e.Srv.SetTemplates(ctx, tpls); err != nil {
		t.Fatal(err)
	}
	phone := phoneOf(t, e, "Luca")
	card, err := phone.Lookup(ctx, "+7 343 969-74-15")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range card.Fields {
		got[f.Key] = f.Value
	}
	if got["debt"] != "owes 1,000.00 ₽" || got["open_orders"] != "1 open order" {
		t.Errorf("card fields = %v", got)
	}

	// A Tamil client's offer in English.
	jaya := e.contactID("ஜெயந்தி சுந்தரம்")
	var ov2 orderapi.OrderView
	if code, er := staff.do("POST", "/api/v1/office/orders", orderapi.OrderRequest{ContactID: jaya, Currency: "INR",
		Lines: []orderapi.LineRequest{{Name: "Espresso machine", Quantity: "2", UnitPrice: "45000.50", VATRate: "18"}}}, &ov2); code != http.StatusCreated {
		t.Fatalf("create INR order: %d %+v", code, er)
	}
	var offer orders.Document
	if code, er := staff.do("POST", "/api/v1/office/orders/"+ov2.ID+"/documents", orderapi.IssueRequest{Kind: "offer", Lang: "en"}, &offer); code != http.StatusCreated {
		t.Fatalf("issue offer: %d %+v", code, er)
	}
	staff.do("GET", "/api/v1/office/documents/"+offer.ID+"/pdf", nil, &pdf)
	text = pdfText(t, pdf)
	for _, want := range []string{"Offer No. " + ov2.Number + "/O1", "ஜெயந்தி சுந்தரம்", "VAT 18% on 90,001.00", "16,200.18 ₹", "106,201.18 ₹"} {
		if !strings.Contains(text, want) {
			t.Errorf("offer PDF lacks %q:\n%s", want, text)
		}
	}
	if code, er := staff.do("POST", "/api/v1/office/payments", orderapi.PaymentRequest{InvoiceID: offer.ID, Amount: "1"}, nil); code != http.StatusBadRequest {
		t.Errorf("payment against an offer: %d %+v", code, er)
	}

	// Stage moves, recorded; then the forecast, as JSON and XLSX.
	if code, er := staff.do("POST", "/api/v1/office/orders/"+ov.ID+"/stage", orderapi.StageRequest{Stage: "ordered"}, nil); code != http.StatusOK {
		t.Fatalf("move: %d %+v", code, er)
	}
	if code, er := staff.do("POST", "/api/v1/office/orders/"+ov.ID+"/stage", orderapi.StageRequest{Stage: "nowhere"}, nil); code != http.StatusBadRequest {
		t.Errorf("move to an unknown stage: %d %+v", code, er)
	}
	var detail struct {
		Moves []orders.Move `json:"moves"`
	}
	staff.do("GET", "/api/v1/office/orders/"+ov.ID, nil, &detail)
	if len(detail.Moves) != 2 || detail.Moves[1].To != "ordered" || detail.Moves[1].By != "anna" {
		t.Errorf("moves = %+v", detail.Moves)
	}
	var fc orders.Forecast
	if code, er := staff.do("GET", "/api/v1/office/forecast", nil, &fc); code != http.StatusOK {
		t.Fatalf("forecast: %d %+v", code, er)
	}
	// The order is now 2,000 + 240 = 2,240.00 net at 80%: 1,792.00 weighted.
	if fc.Currency != "RUB" || fc.Value != 224000 || fc.Weighted != 179200 || fc.Debts[0].Owed != 100000 {
		t.Errorf("forecast = %+v", fc)
	}
	var fx []byte
	staff.do("GET", "/api/v1/office/forecast.xlsx", nil, &fx)
	x, err := excelize.OpenReader(bytes.NewReader(fx))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue("Stages", "E4"); v != "1792" {
		rows, _ := x.GetRows("Stages")
		t.Errorf("forecast xlsx ordered weighted = %q; rows %v", v, rows)
	}
}

func phoneOf(t *testing.T, e *env, name string) *client.Client {
	t.Helper()
	ctx := context.Background()
	pc, err := server.CreatePairCode(ctx, e.DB, name, e.URL, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(e.URL, "")
	if _, err := c.Pair(ctx, protocol.PairRequest{Code: pc.Code, DeviceName: name + "'s phone", Platform: "android", AppVersion: "1.0.0"}); err != nil {
		t.Fatal(err)
	}
	return c
}
