package server

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/orders"
	"github.com/ringcard/ringcard/server/orderapi"
)

// mountOrders adds orders, documents, payments and the forecast to the
// office's JSON (server/orderapi; access rules in access.go).
func (s *Server) mountOrders(office gin.IRouter) {
	s.orders = orderapi.New(orderapi.Options{Store: s.db, Now: s.now, Log: s.log.With("part", "orders"),
		Decode: s.readJSON, Fail: s.fail, Location: s.officeZone()})
	s.orders.Mount(office)
	s.web.SetMoney(s.orders)
}

// moneyFields renders the card's debt and open-orders fields from the
// contact's one summary row.
func (s *Server) moneyFields(ctx context.Context, contactID string) (map[string]string, error) {
	sum, err := s.db.MoneySummary(ctx, contactID)
	if err != nil {
		return nil, err
	}
	return map[string]string{contacts.FieldDebt: orders.DebtText(sum, s.now().In(s.officeZone())), contacts.FieldOpenOrders: orders.OpenOrdersText(sum)}, nil
}
