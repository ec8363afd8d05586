package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/orders"
)

// svgBar is one bar of a server-drawn SVG chart: geometry in the SVG's
// units, so the page needs neither script nor inline styles (the CSP
// forbids both).
type svgBar struct {
	Label, Value   string
	X, Y, W, H     int
	LabelY, ValueX int
	Second         bool // the second series (expected, weighted)
}

type forecastData struct {
	F        orders.Forecast
	Lang     string
	Days     int
	Stages   []svgBar // value and weighted per stage, horizontal
	Months   []svgBar // actual and expected revenue per month, vertical
	Debts    []svgBar
	Height   int
	MonthsH  int
	DebtsH   int
	Currency orders.Currency
}

// Fmt formats minor units in the forecast's currency.
func (d forecastData) Fmt(v int64) string { return orders.FormatMinor(v, d.Currency, d.Lang) }

// hbars lays out pairs of horizontal bars (a, b per row) 600 units wide.
func hbars(labels []string, a, b []int64, f func(int64) string) ([]svgBar, int) {
	var top int64 = 1
	for i := range a {
		top = max(top, a[i])
		if b != nil {
			top = max(top, b[i])
		}
	}
	var out []svgBar
	y := 0
	for i, l := range labels {
		wa := max(int(a[i]*380/top), 1)
		out = append(out, svgBar{Label: l, Value: f(a[i]), X: 120, Y: y, W: wa, H: 10, LabelY: y + 9, ValueX: 124 + wa})
		if b != nil {
			wb := max(int(b[i]*380/top), 1)
			out = append(out, svgBar{Value: f(b[i]), X: 120, Y: y + 11, W: wb, H: 10, LabelY: y + 20, ValueX: 124 + wb, Second: true})
			y += 8
		}
		y += 22
	}
	return out, y
}

func (h *Handler) forecastPage(c *gin.Context) error {
	days := dayParam(c, "days", 365)
	f, err := h.money.Forecast(c.Request.Context(), c.Query("currency"), days)
	if err != nil {
		return err
	}
	cur, _ := orders.LookupCurrency(f.Currency)
	d := forecastData{F: f, Lang: h.lang(c), Days: days, Currency: cur}
	var labels []string
	var a, b []int64
	for _, s := range f.Stages {
		labels = append(labels, s.Stage+" ("+strconv.Itoa(s.Probability)+"%)")
		a, b = append(a, s.Value), append(b, s.Weighted)
	}
	d.Stages, d.Height = hbars(labels, a, b, d.Fmt)
	labels, a, b = nil, nil, nil
	for _, m := range f.Months {
		labels = append(labels, m.Month)
		a, b = append(a, m.Revenue), append(b, m.ExpectedRev)
	}
	d.Months, d.MonthsH = hbars(labels, a, b, d.Fmt)
	labels, a, b = nil, nil, nil
	for _, x := range f.Debts {
		labels = append(labels, x.Band)
		a = append(a, x.Owed)
	}
	b = nil
	d.Debts, d.DebtsH = hbars(labels, a, b, d.Fmt)
	return h.render(c, http.StatusOK, "forecast", d)
}
