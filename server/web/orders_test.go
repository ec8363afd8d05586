package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestOrdersPagesFromOrderToPayment drives the client's orders page as a
// browser's forms would: an order, an invoice, a partial payment, a refused
// overpayment; then the client page shows the debt and the forecast page
// draws its charts as SVG.
func TestOrdersPagesFromOrderToPayment(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	st, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	if st != http.StatusSeeOther {
		t.Fatalf("sign in: %d", st)
	}
	get := func(path string) string {
		t.Helper()
		resp, err := c.Get(e.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		form.Set("csrf", csrf)
		resp, err := c.PostForm(e.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const id = "demo-0001"
	if st, body := post("/contacts/"+id+"/orders", url.Values{"name": {"Macchina espresso"}, "quantity": {"2"}, "unit_price": {"508.20"},
		"vat_rate": {"22"}, "currency": {"EUR"}}); st != http.StatusSeeOther {
		t.Fatalf("create order: %d %s", st, body)
	}
	if st, body := post("/contacts/"+id+"/orders", url.Values{"name": {"x"}, "quantity": {"-3"}, "unit_price": {"1"}}); st != http.StatusBadRequest ||
		!strings.Contains(body, "quantity") {
		t.Errorf("negative quantity: %d, page does not say why", st)
	}
	page := get("/contacts/" + id + "/orders")
	orderID := regexp.MustCompile(`action="/orders/([^/]+)/documents"`).FindStringSubmatch(page)
	if orderID == nil || !strings.Contains(page, "1,240.01 €") { // 2 × 508.20 = 1,016.40 + 22% (223.608 → 223.61)
		t.Fatalf("orders page lacks the order or its total:\n%s", page)
	}
	if st, body := post("/orders/"+orderID[1]+"/documents", url.Values{"kind": {"invoice"}, "lang": {"it"}}); st != http.StatusSeeOther {
		t.Fatalf("issue invoice: %d %s", st, body)
	}
	page = get("/contacts/" + id + "/orders")
	docID := regexp.MustCompile(`action="/documents/([^/]+)/payments"`).FindStringSubmatch(page)
	if docID == nil || !strings.Contains(page, `/api/v1/office/documents/`+docID[1]+`/pdf`) {
		t.Fatalf("orders page lacks the invoice:\n%s", page)
	}
	if st, _ := post("/documents/"+docID[1]+"/payments", url.Values{"amount": {"1240.02"}, "contact": {id}}); st != http.StatusBadRequest {
		t.Errorf("overpayment: %d, want 400", st)
	}
	if st, body := post("/documents/"+docID[1]+"/payments", url.Values{"amount": {"240.01"}, "contact": {id}}); st != http.StatusSeeOther {
		t.Fatalf("payment: %d %s", st, body)
	}
	if p := get("/contacts/" + id); !strings.Contains(p, "owes 1,000.00 €") || !strings.Contains(p, "1 open order") {
		t.Errorf("client page lacks the debt and open orders")
	}
	fc := get("/forecast?currency=EUR")
	if !strings.Contains(fc, "<svg") || !strings.Contains(fc, `class="svgbar"`) || !strings.Contains(fc, "1,016.40 €") {
		t.Errorf("forecast page lacks its charts or the order's value:\n%s", fc)
	}
}
