package orders

import (
	"sort"
	"time"
)

// OpenOrder is an order still in progress, as the forecast weighs it.
type OpenOrder struct {
	Stage, Handler string
	Net, Cost      int64
	Close          time.Time // expected close: the order's date, else a month after it was made
}

// ClosedOrder is an order won (last stage) or lost.
type ClosedOrder struct {
	Handler   string
	Won       bool
	Net, Cost int64
	Created   time.Time
	Closed    time.Time
	PaidAt    time.Time // when its invoice was fully paid; zero: not (yet)
}

// Unpaid is what one invoice still owes.
type Unpaid struct {
	Owed int64
	Due  time.Time
}

// ForecastInput is what the store reads for one currency.
type ForecastInput struct {
	Currency string
	Open     []OpenOrder
	Closed   []ClosedOrder
	Unpaid   []Unpaid
	Calls    map[string]int // per staff member, over the same window as Closed
}

// StageValue is the pipeline's value in one stage.
type StageValue struct {
	Stage       string `json:"stage"`
	Probability int    `json:"probability"`
	Orders      int    `json:"orders"`
	Value       int64  `json:"value_minor"`
	Weighted    int64  `json:"weighted_minor"`
}

// StaffFigures are one staff member's figures.
type StaffFigures struct {
	Name          string `json:"name"`
	Calls         int    `json:"calls"`
	Open          int    `json:"open"`
	Weighted      int64  `json:"weighted_minor"`
	Won           int    `json:"won"`
	Lost          int    `json:"lost"`
	Revenue       int64  `json:"revenue_minor"`
	LeadToPaidDay int    `json:"avg_days_lead_to_paid"` // over won orders fully paid; 0 when none
	paidOrders    int
	paidDays      int64
}

// MonthFigures are one month's revenue and gross profit: actual (won
// orders closed in it) and expected (open orders weighted by their stage's
// probability, by expected close).
type MonthFigures struct {
	Month          string `json:"month"` // YYYY-MM
	Revenue        int64  `json:"revenue_minor"`
	Profit         int64  `json:"profit_minor"`
	ExpectedRev    int64  `json:"expected_revenue_minor"`
	ExpectedProfit int64  `json:"expected_profit_minor"`
}

// DebtAge is unpaid invoices of one age band, counted from the due date.
type DebtAge struct {
	Band     string `json:"band"` // 0-30, 31-60, 61-90, 90+
	Invoices int    `json:"invoices"`
	Owed     int64  `json:"owed_minor"`
}

// Forecast is the figures the forecast page and its XLSX show.
type Forecast struct {
	Currency string         `json:"currency"`
	Stages   []StageValue   `json:"stages"`
	Staff    []StaffFigures `json:"staff"`
	Months   []MonthFigures `json:"months"`
	Debts    []DebtAge      `json:"debts"`
	Value    int64          `json:"pipeline_minor"`
	Weighted int64          `json:"weighted_minor"`
}

// weigh is value × probability% rounded half away from zero.
func weigh(v int64, p int) int64 { return MulRate(v, int64(p)*100) }

// BuildForecast computes the figures from in: stages in the pipeline's
// order, probabilities per stage (missing: 0), months from six before now
// to six after, in loc.
func BuildForecast(in ForecastInput, stages []string, prob map[string]int, now time.Time, loc *time.Location) Forecast {
	f := Forecast{Currency: in.Currency}
	idx := map[string]int{}
	for _, s := range stages {
		idx[s] = len(f.Stages)
		f.Stages = append(f.Stages, StageValue{Stage: s, Probability: prob[s]})
	}
	staff := map[string]*StaffFigures{}
	person := func(name string) *StaffFigures {
		p := staff[name]
		if p == nil {
			p = &StaffFigures{Name: name}
			staff[name] = p
		}
		return p
	}
	now = now.In(loc)
	first := time.Date(now.Year(), now.Month()-6, 1, 0, 0, 0, 0, loc)
	mIdx := map[string]int{}
	for i := 0; i < 13; i++ {
		m := first.AddDate(0, i, 0).Format("2006-01")
		mIdx[m] = i
		f.Months = append(f.Months, MonthFigures{Month: m})
	}
	for _, o := range in.Open {
		i, ok := idx[o.Stage]
		if !ok {
			i = len(f.Stages)
			idx[o.Stage] = i
			f.Stages = append(f.Stages, StageValue{Stage: o.Stage, Probability: prob[o.Stage]})
		}
		st := &f.Stages[i]
		w := weigh(o.Net, st.Probability)
		st.Orders++
		st.Value += o.Net
		st.Weighted += w
		f.Value += o.Net
		f.Weighted += w
		p := person(o.Handler)
		p.Open++
		p.Weighted += w
		if mi, ok := mIdx[o.Close.In(loc).Format("2006-01")]; ok {
			f.Months[mi].ExpectedRev += w
			f.Months[mi].ExpectedProfit += weigh(o.Net-o.Cost, st.Probability)
		}
	}
	for _, o := range in.Closed {
		p := person(o.Handler)
		if !o.Won {
			p.Lost++
			continue
		}
		p.Won++
		p.Revenue += o.Net
		if mi, ok := mIdx[o.Closed.In(loc).Format("2006-01")]; ok {
			f.Months[mi].Revenue += o.Net
			f.Months[mi].Profit += o.Net - o.Cost
		}
		if !o.PaidAt.IsZero() {
			p.paidOrders++
			p.paidDays += int64(o.PaidAt.Sub(o.Created) / (24 * time.Hour))
		}
	}
	for name, n := range in.Calls {
		person(name).Calls = n
	}
	f.Debts = []DebtAge{{Band: "0-30"}, {Band: "31-60"}, {Band: "61-90"}, {Band: "90+"}}
	for _, u := range in.Unpaid {
		days := 0
		if now.After(u.Due) {
			days = int(now.Sub(u.Due) / (24 * time.Hour))
		}
		b := 3
		switch {
		case days <= 30:
			b = 0
		case days <= 60:
			b = 1
		case days <= 90:
			b = 2
		}
		f.Debts[b].Invoices++
		f.Debts[b].Owed += u.Owed
	}
	for _, p := range staff {
		if p.paidOrders > 0 {
			p.LeadToPaidDay = int((p.paidDays + int64(p.paidOrders)/2) / int64(p.paidOrders))
		}
		f.Staff = append(f.Staff, *p)
	}
	sort.Slice(f.Staff, func(i, j int) bool { return f.Staff[i].Name < f.Staff[j].Name })
	return f
}
