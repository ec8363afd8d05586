// Package orderapi is the office's JSON API for orders, offers, invoices,
// payments and the forecast (/api/v1/office/...). Amounts travel as
// decimal strings ("1240.50") in requests and as integers of the minor unit
// plus a formatted text in answers: never as JSON floats.
package orderapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/orders"
	"github.com/ringcard/ringcard/orders/docs"
)

// Store is what the API needs from the database.
type Store interface {
	Contact(ctx context.Context, id string) (*contacts.Contact, error)
	Pipeline(ctx context.Context) (sqlite.Pipeline, error)
	Office(ctx context.Context) (orders.Office, error)
	SetOffice(ctx context.Context, o orders.Office) error
	CreateOrder(ctx context.Context, o *orders.Order, p sqlite.Pipeline, prefix string) error
	UpdateOrder(ctx context.Context, o *orders.Order, p sqlite.Pipeline) (*orders.Order, error)
	MoveOrder(ctx context.Context, id, stage string, p sqlite.Pipeline) (*orders.Order, error)
	Order(ctx context.Context, id string) (*orders.Order, error)
	OrdersOf(ctx context.Context, contactID string) ([]*orders.Order, error)
	OrderMoves(ctx context.Context, orderID string) ([]orders.Move, error)
	NextDocumentNumber(ctx context.Context, o *orders.Order, kind string) (string, error)
	IssueDocument(ctx context.Context, d *orders.Document, pdf, xlsx []byte) error
	DocumentsOf(ctx context.Context, contactID, orderID string) ([]*orders.Document, error)
	DocumentFile(ctx context.Context, id, format string) (*orders.Document, []byte, error)
	Document(ctx context.Context, id string) (*orders.Document, error)
	RecordPayment(ctx context.Context, p *orders.Payment) error
	PaymentsOf(ctx context.Context, contactID string) ([]*orders.Payment, error)
	MoneySummary(ctx context.Context, contactID string) ([]orders.Summary, error)
	ForecastInput(ctx context.Context, currency string, since time.Time) (orders.ForecastInput, error)
}

// Options wires the API into the server: its store, clock, logger, and the
// server's strict JSON reader and error writer (the protocol's error shape).
type Options struct {
	Store    Store
	Now      func() time.Time
	Log      *slog.Logger
	Decode   func(c *gin.Context, v any) error
	Fail     func(c *gin.Context, err error)
	Location *time.Location
}

// API serves the routes.
type API struct{ o Options }

// New returns the API.
func New(o Options) *API {
	if o.Location == nil {
		o.Location = time.Local
	}
	return &API{o: o}
}

func (a *API) handle(h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			a.o.Fail(c, err)
		}
	}
}

// Mount adds the routes to the office group (/api/v1/office). Their access
// rules are in server/access.go.
func (a *API) Mount(r gin.IRouter) {
	r.GET("/office", a.handle(a.getOffice))
	r.PUT("/office", a.handle(a.putOffice))
	r.POST("/orders", a.handle(a.createOrder))
	r.GET("/orders/:order_id", a.handle(a.getOrder))
	r.PUT("/orders/:order_id", a.handle(a.updateOrder))
	r.POST("/orders/:order_id/stage", a.handle(a.moveOrder))
	r.POST("/orders/:order_id/documents", a.handle(a.issue))
	r.GET("/documents/:document_id/:format", a.handle(a.download))
	r.POST("/payments", a.handle(a.pay))
	r.GET("/contacts/:contact_id/orders", a.handle(a.contactOrders))
	r.GET("/forecast", a.handle(a.forecastJSON))
	r.GET("/forecast.xlsx", a.handle(a.forecastXLSX))
}

// LineRequest is one line as the office sends it: decimals as strings.
type LineRequest struct {
	Name      string `json:"name"`
	Quantity  string `json:"quantity"`             // "1.5"
	Unit      string `json:"unit,omitempty"`       // "pcs", "h"
	UnitPrice string `json:"unit_price"`           // "1240.00" in the order's currency
	VATRate   string `json:"vat_rate,omitempty"`   // percent, "22"; empty: the office's default
	Discount  string `json:"discount,omitempty"`   // percent, "10"
	CostPrice string `json:"cost_price,omitempty"` // per unit, for margin
}

// OrderRequest creates or replaces an order.
type OrderRequest struct {
	ContactID string        `json:"contact_id,omitempty"` // create only
	Currency  string        `json:"currency,omitempty"`   // empty: the office's
	Handler   string        `json:"handler,omitempty"`    // empty: who creates it
	Stage     string        `json:"stage,omitempty"`      // create only; empty: the first stage
	DueDays   *int          `json:"due_days,omitempty"`   // empty: the office's
	Expected  string        `json:"expected_close,omitempty"`
	Note      string        `json:"note,omitempty"`
	Lines     []LineRequest `json:"lines"`
}

func (a *API) toOrder(req OrderRequest, office orders.Office) (*orders.Order, error) {
	cur := req.Currency
	if cur == "" {
		cur = office.Currency
	}
	c, err := orders.LookupCurrency(cur)
	if err != nil {
		return nil, err
	}
	o := &orders.Order{ContactID: req.ContactID, Currency: c.Code, Handler: strings.TrimSpace(req.Handler), Stage: req.Stage,
		DueDays: office.DueDays, Expected: req.Expected, Note: req.Note}
	if req.DueDays != nil {
		o.DueDays = *req.DueDays
	}
	for i, l := range req.Lines {
		var line orders.Line
		var err error
		field := func(name, s string, digits int, def int64, dst *int64) {
			if err != nil {
				return
			}
			if s == "" {
				*dst = def
				return
			}
			var v int64
			if v, err = orders.ParseDecimal(s, digits); err != nil {
				err = contacts.Errorf(contacts.EInvalid, "lines[%d].%s: %s", i, name, contacts.ErrorMessage(err))
				return
			}
			*dst = v
		}
		field("quantity", l.Quantity, 3, -1, &line.Quantity)
		field("unit_price", l.UnitPrice, c.Digits, -1, &line.UnitPrice)
		field("vat_rate", l.VATRate, 2, office.VATRate, &line.VATRate)
		field("discount", l.Discount, 2, 0, &line.Discount)
		field("cost_price", l.CostPrice, c.Digits, 0, &line.CostPrice)
		if err != nil {
			return nil, err
		}
		line.Name, line.Unit = l.Name, l.Unit
		o.Lines = append(o.Lines, line)
	}
	return o, nil
}

// OrderView is an order with its totals, formatted for people too.
type OrderView struct {
	*orders.Order
	Totals    orders.Totals `json:"totals"`
	NetText   string        `json:"net_text"`
	VATText   string        `json:"vat_text"`
	GrossText string        `json:"gross_text"`
}

func view(o *orders.Order, lang string) OrderView {
	t := o.Totals()
	c, _ := orders.LookupCurrency(o.Currency)
	return OrderView{Order: o, Totals: t, NetText: orders.FormatMinor(t.Net, c, lang), VATText: orders.FormatMinor(t.VAT, c, lang),
		GrossText: orders.FormatMinor(t.Gross, c, lang)}
}

func (a *API) getOffice(c *gin.Context) error {
	o, err := a.o.Store.Office(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, o)
	return nil
}

func (a *API) putOffice(c *gin.Context) error {
	var o orders.Office
	if err := a.o.Decode(c, &o); err != nil {
		return err
	}
	if err := a.o.Store.SetOffice(c.Request.Context(), o); err != nil {
		return err
	}
	c.JSON(http.StatusOK, o)
	return nil
}

func (a *API) createOrder(c *gin.Context) error {
	var req OrderRequest
	if err := a.o.Decode(c, &req); err != nil {
		return err
	}
	v, err := a.CreateOrder(c.Request.Context(), req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, v)
	return nil
}

// CreateOrder makes an order from the office's request (defaults from the
// office's details), numbered and stored.
func (a *API) CreateOrder(ctx context.Context, req OrderRequest) (OrderView, error) {
	office, p, err := a.setup(ctx)
	if err != nil {
		return OrderView{}, err
	}
	if req.Handler == "" {
		req.Handler = contacts.ActorFrom(ctx).Name
	}
	o, err := a.toOrder(req, office)
	if err != nil {
		return OrderView{}, err
	}
	if err := a.o.Store.CreateOrder(ctx, o, p, office.Prefix); err != nil {
		return OrderView{}, err
	}
	return view(o, office.Lang), nil
}

func (a *API) setup(ctx context.Context) (orders.Office, sqlite.Pipeline, error) {
	office, err := a.o.Store.Office(ctx)
	if err != nil {
		return office, sqlite.Pipeline{}, err
	}
	p, err := a.o.Store.Pipeline(ctx)
	return office, p, err
}

func (a *API) getOrder(c *gin.Context) error {
	ctx := c.Request.Context()
	o, err := a.o.Store.Order(ctx, c.Param("order_id"))
	if err != nil {
		return err
	}
	moves, err := a.o.Store.OrderMoves(ctx, o.ID)
	if err != nil {
		return err
	}
	ds, err := a.o.Store.DocumentsOf(ctx, "", o.ID)
	if err != nil {
		return err
	}
	office, err := a.o.Store.Office(ctx)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"order": view(o, office.Lang), "moves": moves, "documents": ds})
	return nil
}

func (a *API) updateOrder(c *gin.Context) error {
	ctx := c.Request.Context()
	var req OrderRequest
	if err := a.o.Decode(c, &req); err != nil {
		return err
	}
	office, p, err := a.setup(ctx)
	if err != nil {
		return err
	}
	cur, err := a.o.Store.Order(ctx, c.Param("order_id"))
	if err != nil {
		return err
	}
	if req.Handler == "" {
		req.Handler = cur.Handler
	}
	if req.Currency == "" {
		req.Currency = cur.Currency
	}
	req.ContactID = cur.ContactID
	o, err := a.toOrder(req, office)
	if err != nil {
		return err
	}
	o.ID = cur.ID
	out, err := a.o.Store.UpdateOrder(ctx, o, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, view(out, office.Lang))
	return nil
}

// StageRequest moves an order.
type StageRequest struct {
	Stage string `json:"stage"`
}

func (a *API) moveOrder(c *gin.Context) error {
	var req StageRequest
	if err := a.o.Decode(c, &req); err != nil {
		return err
	}
	v, err := a.Move(c.Request.Context(), c.Param("order_id"), req.Stage)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// Move moves an order to a stage of the pipeline.
func (a *API) Move(ctx context.Context, orderID, stage string) (OrderView, error) {
	office, p, err := a.setup(ctx)
	if err != nil {
		return OrderView{}, err
	}
	o, err := a.o.Store.MoveOrder(ctx, orderID, stage, p)
	if err != nil {
		return OrderView{}, err
	}
	return view(o, office.Lang), nil
}

// IssueRequest asks for an offer or an invoice of an order.
type IssueRequest struct {
	Kind string `json:"kind"`           // offer, invoice
	Lang string `json:"lang,omitempty"` // en, ru, it; empty: the office's
}

func (a *API) issue(c *gin.Context) error {
	ctx := c.Request.Context()
	var req IssueRequest
	if err := a.o.Decode(c, &req); err != nil {
		return err
	}
	if req.Kind != orders.KindOffer && req.Kind != orders.KindInvoice {
		return contacts.Errorf(contacts.EInvalid, "kind: offer or invoice")
	}
	d, err := a.Issue(ctx, c.Param("order_id"), req.Kind, req.Lang)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, d)
	return nil
}

// Issue renders and stores a document of the order: numbered, its PDF and
// XLSX kept as issued.
func (a *API) Issue(ctx context.Context, orderID, kind, lang string) (*orders.Document, error) {
	office, err := a.o.Store.Office(ctx)
	if err != nil {
		return nil, err
	}
	if lang == "" {
		lang = office.Lang
	}
	if lang != "en" && lang != "ru" && lang != "it" {
		return nil, contacts.Errorf(contacts.EInvalid, "lang: en, ru or it")
	}
	o, err := a.o.Store.Order(ctx, orderID)
	if err != nil {
		return nil, err
	}
	ct, err := a.o.Store.Contact(ctx, o.ContactID)
	if err != nil {
		return nil, err
	}
	num, err := a.o.Store.NextDocumentNumber(ctx, o, kind)
	if err != nil {
		return nil, err
	}
	now := a.o.Now()
	d := &orders.Document{ID: contacts.NewID(), Number: num, Kind: kind, OrderID: o.ID, ContactID: o.ContactID, Lang: lang,
		Currency: o.Currency, Gross: o.Totals().Gross, IssuedAt: now.Truncate(time.Second), By: contacts.ActorFrom(ctx).Name}
	if kind == orders.KindInvoice {
		d.DueAt = d.IssuedAt.AddDate(0, 0, o.DueDays)
	}
	in := docs.Input{Office: office, Doc: *d, Order: *o, Client: clientName(ct), Location: a.o.Location}
	if len(ct.Addresses) > 0 {
		in.ClientAd = ct.Addresses[0].Formatted
	}
	start := time.Now()
	pdf, err := docs.PDF(in)
	if err != nil {
		return nil, err
	}
	xlsx, err := docs.XLSX(in)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pdf)
	d.PDFSHA256 = hex.EncodeToString(sum[:])
	if err := a.o.Store.IssueDocument(ctx, d, pdf, xlsx); err != nil {
		return nil, err
	}
	a.o.Log.Info("document issued", "kind", kind, "number", d.Number, "render", time.Since(start))
	return d, nil
}

func clientName(c *contacts.Contact) string {
	if c.Company != "" && c.Company != c.Name() {
		return c.Name() + " (" + c.Company + ")"
	}
	return c.Name()
}

func (a *API) download(c *gin.Context) error {
	format := c.Param("format")
	d, file, err := a.o.Store.DocumentFile(c.Request.Context(), c.Param("document_id"), format)
	if err != nil {
		return err
	}
	ctype := map[string]string{"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
	name := strings.NewReplacer("/", "-", " ", "_").Replace(d.Number) + "." + format
	c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, ctype, file)
	return nil
}

// PaymentRequest records money received against an invoice.
type PaymentRequest struct {
	InvoiceID string `json:"invoice_id"`
	Amount    string `json:"amount"`         // "100.50" in the invoice's currency
	Date      string `json:"date,omitempty"` // YYYY-MM-DD; empty: now
	Note      string `json:"note,omitempty"`
}

func (a *API) pay(c *gin.Context) error {
	var req PaymentRequest
	if err := a.o.Decode(c, &req); err != nil {
		return err
	}
	p, err := a.Pay(c.Request.Context(), req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, p)
	return nil
}

// Pay records a payment against an invoice.
func (a *API) Pay(ctx context.Context, req PaymentRequest) (*orders.Payment, error) {
	d, err := a.o.Store.Document(ctx, req.InvoiceID)
	if err != nil {
		return nil, err
	}
	cur, err := orders.LookupCurrency(d.Currency)
	if err != nil {
		return nil, err
	}
	amount, err := orders.ParseDecimal(req.Amount, cur.Digits)
	if err != nil {
		return nil, contacts.Errorf(contacts.EInvalid, "amount: %s", contacts.ErrorMessage(err))
	}
	p := &orders.Payment{DocumentID: d.ID, Amount: amount, By: contacts.ActorFrom(ctx).Name, Note: req.Note}
	if req.Date != "" {
		t, err := time.ParseInLocation(time.DateOnly, req.Date, a.o.Location)
		if err != nil {
			return nil, contacts.Errorf(contacts.EInvalid, "date: YYYY-MM-DD")
		}
		p.At = t
	}
	if err := a.o.Store.RecordPayment(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// ContactMoney is everything money about one client.
type ContactMoney struct {
	Orders     []OrderView        `json:"orders"`
	Documents  []*orders.Document `json:"documents"`
	Payments   []*orders.Payment  `json:"payments"`
	Debt       string             `json:"debt"`        // as the card shows it
	OpenOrders string             `json:"open_orders"` // as the card shows it
}

// ForContact gathers a client's orders, documents, payments and debt (the
// client page shows it too).
func (a *API) ForContact(ctx context.Context, contactID string) (*ContactMoney, error) {
	if _, err := a.o.Store.Contact(ctx, contactID); err != nil {
		return nil, err
	}
	office, err := a.o.Store.Office(ctx)
	if err != nil {
		return nil, err
	}
	os, err := a.o.Store.OrdersOf(ctx, contactID)
	if err != nil {
		return nil, err
	}
	out := &ContactMoney{Orders: []OrderView{}}
	for _, o := range os {
		out.Orders = append(out.Orders, view(o, office.Lang))
	}
	if out.Documents, err = a.o.Store.DocumentsOf(ctx, contactID, ""); err != nil {
		return nil, err
	}
	if out.Payments, err = a.o.Store.PaymentsOf(ctx, contactID); err != nil {
		return nil, err
	}
	sum, err := a.o.Store.MoneySummary(ctx, contactID)
	if err != nil {
		return nil, err
	}
	out.Debt, out.OpenOrders = orders.DebtText(sum, a.o.Now().In(a.o.Location)), orders.OpenOrdersText(sum)
	return out, nil
}

func (a *API) contactOrders(c *gin.Context) error {
	m, err := a.ForContact(c.Request.Context(), c.Param("contact_id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, m)
	return nil
}

// SummaryText is a client's debt and open orders in one line, as the client
// page shows it: "owes 1,240.00 €, 12 days overdue · 2 open orders".
func (a *API) SummaryText(ctx context.Context, contactID string) (string, error) {
	sum, err := a.o.Store.MoneySummary(ctx, contactID)
	if err != nil {
		return "", err
	}
	return contacts.JoinNonEmpty(" · ", orders.DebtText(sum, a.o.Now().In(a.o.Location)), orders.OpenOrdersText(sum)), nil
}
