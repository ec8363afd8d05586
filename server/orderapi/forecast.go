package orderapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/orders"
)

// Forecast computes the forecast in one currency (empty: the office's)
// over the last `days` days of closed orders and calls.
func (a *API) Forecast(ctx context.Context, currency string, days int) (orders.Forecast, error) {
	office, p, err := a.setup(ctx)
	if err != nil {
		return orders.Forecast{}, err
	}
	if currency == "" {
		currency = office.Currency
	}
	cur, err := orders.LookupCurrency(currency)
	if err != nil {
		return orders.Forecast{}, err
	}
	now := a.o.Now()
	in, err := a.o.Store.ForecastInput(ctx, cur.Code, now.AddDate(0, 0, -days))
	if err != nil {
		return orders.Forecast{}, err
	}
	stages := append(append([]string{}, p.Stages...), p.Lost)
	return orders.BuildForecast(in, stages, office.Weights, now, a.o.Location), nil
}

func forecastParams(c *gin.Context) (string, int, error) {
	days := 365
	if v := c.Query("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3650 {
			return "", 0, contacts.Errorf(contacts.EInvalid, "days: a number of days from 1 to 3650")
		}
		days = n
	}
	return c.Query("currency"), days, nil
}

func (a *API) forecastJSON(c *gin.Context) error {
	cur, days, err := forecastParams(c)
	if err != nil {
		return err
	}
	f, err := a.Forecast(c.Request.Context(), cur, days)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, f)
	return nil
}

func (a *API) forecastXLSX(c *gin.Context) error {
	cur, days, err := forecastParams(c)
	if err != nil {
		return err
	}
	f, err := a.Forecast(c.Request.Context(), cur, days)
	if err != nil {
		return err
	}
	b, err := ForecastXLSX(f)
	if err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="forecast.xlsx"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
	return nil
}

// ForecastXLSX writes the forecast's figures as a workbook, one sheet per
// table, amounts as numbers in the currency's unit.
func ForecastXLSX(f orders.Forecast) ([]byte, error) {
	cur, err := orders.LookupCurrency(f.Currency)
	if err != nil {
		return nil, err
	}
	money := func(v int64) float64 {
		x, _ := strconv.ParseFloat(orders.FormatNumber(v, cur.Digits, "plain"), 64)
		return x
	}
	x := excelize.NewFile()
	defer x.Close()
	var stages, staff, months, debts [][]any
	for _, s := range f.Stages {
		stages = append(stages, []any{s.Stage, s.Probability, s.Orders, money(s.Value), money(s.Weighted)})
	}
	for _, s := range f.Staff {
		staff = append(staff, []any{s.Name, s.Calls, s.Open, money(s.Weighted), s.Won, s.Lost, money(s.Revenue), s.LeadToPaidDay})
	}
	for _, m := range f.Months {
		months = append(months, []any{m.Month, money(m.Revenue), money(m.Profit), money(m.ExpectedRev), money(m.ExpectedProfit)})
	}
	for _, d := range f.Debts {
		debts = append(debts, []any{d.Band, d.Invoices, money(d.Owed)})
	}
	c := " (" + f.Currency + ")"
	for _, s := range []struct {
		name   string
		header []any
		rows   [][]any
	}{
		{"Sheet1", []any{"stage", "probability %", "orders", "value" + c, "weighted" + c}, stages},
		{"Staff", []any{"staff", "calls", "open orders", "weighted" + c, "won", "lost", "revenue" + c, "avg days lead to paid"}, staff},
		{"Months", []any{"month", "revenue" + c, "gross profit" + c, "expected revenue" + c, "expected gross profit" + c}, months},
		{"Debts", []any{"days overdue", "invoices", "owed" + c}, debts},
	} {
		name := s.name
		if name == "Sheet1" {
			if err := x.SetSheetName("Sheet1", "Stages"); err != nil {
				return nil, fmt.Errorf("forecast xlsx: %w", err)
			}
			name = "Stages"
		} else if _, err := x.NewSheet(name); err != nil {
			return nil, fmt.Errorf("forecast xlsx: %w", err)
		}
		hdr := s.header
		if err := x.SetSheetRow(name, "A1", &hdr); err != nil {
			return nil, fmt.Errorf("forecast xlsx: %w", err)
		}
		for i, r := range s.rows {
			row := r
			if err := x.SetSheetRow(name, "A"+strconv.Itoa(i+2), &row); err != nil {
				return nil, fmt.Errorf("forecast xlsx: %w", err)
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, fmt.Errorf("forecast xlsx: %w", err)
	}
	return buf.Bytes(), nil
}
