package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/orders"
	"github.com/ringcard/ringcard/server/orderapi"
)

// Money is the orders side the pages use (server/orderapi implements it).
type Money interface {
	ForContact(ctx context.Context, contactID string) (*orderapi.ContactMoney, error)
	CreateOrder(ctx context.Context, req orderapi.OrderRequest) (orderapi.OrderView, error)
	Move(ctx context.Context, orderID, stage string) (orderapi.OrderView, error)
	Issue(ctx context.Context, orderID, kind, lang string) (*orders.Document, error)
	Pay(ctx context.Context, req orderapi.PaymentRequest) (*orders.Payment, error)
	Forecast(ctx context.Context, currency string, days int) (orders.Forecast, error)
	SummaryText(ctx context.Context, contactID string) (string, error)
}

// moneyText is the client's debt and open orders for the client page ("" when
// none, or when no orders side is plugged in).
func (h *Handler) moneyText(ctx context.Context, contactID string) (string, error) {
	if h.money == nil {
		return "", nil
	}
	return h.money.SummaryText(ctx, contactID)
}

// SetMoney plugs the orders side into the pages.
func (h *Handler) SetMoney(m Money) { h.money = m }

func (h *Handler) mountOrders(pages gin.IRouter) {
	pages.GET("/contacts/:id/orders", h.handle(h.ordersPage))
	pages.POST("/contacts/:id/orders", h.handle(h.addOrder))
	pages.POST("/orders/:id/stage", h.handle(h.moveOrder))
	pages.POST("/orders/:id/documents", h.handle(h.issueDocument))
	pages.POST("/documents/:id/payments", h.handle(h.addPayment))
	pages.GET("/forecast", h.handle(h.forecastPage))
}

type ordersPageData struct {
	C      *contacts.Contact
	M      *orderapi.ContactMoney
	Stages []string
	Office orders.Office
	Offer  *stageOffer // the message an order's stage move offers (stageoffer.go)
}

// Money formats minor units of a currency for the page.
func (ordersPageData) Money(v int64, currency, lang string) string {
	c, err := orders.LookupCurrency(currency)
	if err != nil {
		return strconv.FormatInt(v, 10)
	}
	return orders.FormatMinor(v, c, lang)
}

// Owed is what an invoice still owes.
func (ordersPageData) Owed(d *orders.Document) int64 { return max(d.Gross-d.Paid, 0) }

func (h *Handler) ordersPage(c *gin.Context) error {
	ctx := c.Request.Context()
	ct, err := h.b.Contact(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	m, err := h.money.ForContact(ctx, ct.ID)
	if err != nil {
		return err
	}
	p, err := h.b.Pipeline(ctx)
	if err != nil {
		return err
	}
	d := ordersPageData{C: ct, M: m, Stages: append(append([]string{}, p.Stages...), p.Lost)}
	if id := c.Query("order"); id != "" && c.Query("offer") != "" {
		for _, o := range m.Orders {
			if o.ID != id {
				continue
			}
			opts, err := h.dialOptions(c)
			if err != nil {
				return err
			}
			if d.Offer, err = h.stageOffer(c, ct.ID, o.ID, o.Stage, opts, "/contacts/"+ct.ID+"/orders"); err != nil {
				return err
			}
			if d.Offer != nil {
				d.Offer.ExtraName, d.Offer.Extra = "order", id
			}
		}
	}
	return h.render(c, http.StatusOK, "orders", d)
}

func (h *Handler) addOrder(c *gin.Context) error {
	id := c.Param("id")
	req := orderapi.OrderRequest{ContactID: id, Currency: strings.TrimSpace(c.PostForm("currency")), Note: c.PostForm("note"),
		Lines: []orderapi.LineRequest{{Name: c.PostForm("name"), Quantity: c.PostForm("quantity"), Unit: c.PostForm("unit"),
			UnitPrice: c.PostForm("unit_price"), VATRate: c.PostForm("vat_rate"), Discount: c.PostForm("discount"), CostPrice: c.PostForm("cost_price")}}}
	if _, err := h.money.CreateOrder(c.Request.Context(), req); err != nil {
		return err
	}
	return redirect(c, "/contacts/"+id+"/orders")
}

func (h *Handler) moveOrder(c *gin.Context) error {
	v, err := h.money.Move(c.Request.Context(), c.Param("id"), c.PostForm("stage"))
	if err != nil {
		return err
	}
	to, err := h.offerURL(c, "/contacts/"+v.ContactID+"/orders", v.Stage, "order="+v.ID, "")
	if err != nil {
		return err
	}
	return redirect(c, to)
}

func (h *Handler) issueDocument(c *gin.Context) error {
	kind := c.PostForm("kind")
	if kind != orders.KindOffer && kind != orders.KindInvoice {
		return contacts.Errorf(contacts.EInvalid, "kind: offer or invoice")
	}
	d, err := h.money.Issue(c.Request.Context(), c.Param("id"), kind, c.PostForm("lang"))
	if err != nil {
		return err
	}
	return redirect(c, "/contacts/"+d.ContactID+"/orders#documents")
}

func (h *Handler) addPayment(c *gin.Context) error {
	p, err := h.money.Pay(c.Request.Context(), orderapi.PaymentRequest{InvoiceID: c.Param("id"), Amount: c.PostForm("amount"),
		Date: c.PostForm("date"), Note: c.PostForm("note")})
	if err != nil {
		return err
	}
	_ = p
	return redirect(c, "/contacts/"+c.PostForm("contact")+"/orders#documents")
}
