package messages

import (
	"strings"
	"testing"
	"time"
)

func TestSegments(t *testing.T) {
	tests := []struct {
		name, text string
		want       Length
	}{
		{"empty", "", Length{GSM7, 0, 1}},
		{"gsm 160", strings.Repeat("a", 160), Length{GSM7, 160, 1}},
		{"gsm 161", strings.Repeat("a", 161), Length{GSM7, 161, 2}},
		{"gsm 306", strings.Repeat("a", 306), Length{GSM7, 306, 2}},
		{"gsm 307", strings.Repeat("a", 307), Length{GSM7, 307, 3}},
		{"euro counts twice", strings.Repeat("a", 158) + "€", Length{GSM7, 160, 1}},
		{"euro tips over", strings.Repeat("a", 159) + "€", Length{GSM7, 161, 2}},
		{"cyrillic 70", strings.Repeat("ж", 70), Length{UCS2, 70, 1}},
		{"cyrillic 71", strings.Repeat("ж", 71), Length{UCS2, 71, 2}},
		{"one cyrillic letter makes it ucs2", strings.Repeat("a", 100) + "ж", Length{UCS2, 101, 2}},
		{"tamil", "வணக்கம்", Length{UCS2, 7, 1}},
		{"emoji is two units", strings.Repeat("a", 69) + "😀", Length{UCS2, 71, 2}},
		{"ucs2 134", strings.Repeat("ж", 134), Length{UCS2, 134, 2}},
		{"ucs2 135", strings.Repeat("ж", 135), Length{UCS2, 135, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Segments(tt.text); got != tt.want {
				t.Errorf("Segments = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestIsStop(t *testing.T) {
	for text, want := range map[string]bool{
		"STOP": true, "stop please": true, "Стоп": true, "ОТПИСАТЬСЯ!": true, "Basta.": true,
		"don't stop": false, "": false, "stopper": false, "hello": false,
	} {
		if got := IsStop(text); got != want {
			t.Errorf("IsStop(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestFill(t *testing.T) {
	got, err := Fill("Hello {name}, your order {order} is ready. {staff}", Fields{"name": "Anna", "order": "42", "staff": "Marco"})
	if err != nil || got != "Hello Anna, your order 42 is ready. Marco" {
		t.Fatalf("Fill = %q, %v", got, err)
	}
	if _, err := Fill("Hi {nmae}", Fields{}); err == nil {
		t.Fatal("an unknown placeholder was accepted")
	}
}

type nineToSix struct{}

func (nineToSix) Contains(t time.Time) bool { return t.Hour() >= 9 && t.Hour() < 18 }

func TestPlanPacesEachSIM(t *testing.T) {
	start := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	sims := []SIMRef{{"a", 1}, {"a", 2}, {"b", 1}, {"b", 2}}
	segs := make([]int, 1000)
	for i := range segs {
		segs[i] = 1 + i%2
	}
	p := Planner{Caps: DefaultCaps(), Hours: nineToSix{}}
	plan, err := p.Plan(start, sims, nil, segs)
	if err != nil {
		t.Fatal(err)
	}
	// 1500 segments over 4 SIMs at 200 a day: two days, not one.
	if plan.Days != 2 {
		t.Errorf("Days = %d, want 2", plan.Days)
	}
	type day struct {
		sim SIMRef
		d   int
	}
	perDay := map[day]int{}
	var times = map[SIMRef][]time.Time{}
	var sent = map[SIMRef][]int{}
	for i, s := range plan.Slots {
		if !(nineToSix{}).Contains(s.At) {
			t.Fatalf("message %d planned at %s, outside hours", i, s.At)
		}
		perDay[day{s.SIM, s.At.YearDay()}] += segs[i]
		times[s.SIM] = append(times[s.SIM], s.At)
		sent[s.SIM] = append(sent[s.SIM], segs[i])
	}
	for k, n := range perDay {
		if n > 200 {
			t.Errorf("SIM %v sends %d segments on day %d, over 200", k.sim, n, k.d)
		}
	}
	// In any 30 minutes, a SIM sends at most 25 segments.
	for sim, ts := range times {
		for i := range ts {
			n := 0
			for j := i; j < len(ts) && ts[j].Sub(ts[i]) < 30*time.Minute; j++ {
				n += sent[sim][j]
			}
			if n > 25+1 { // a message's parts go together: one may straddle
				t.Fatalf("SIM %v sends %d segments in 30 minutes from %s", sim, n, ts[i])
			}
		}
	}
}

func TestAdvances(t *testing.T) {
	if Advances(StatusDelivered, StatusSent) || Advances(StatusSent, StatusSent) || !Advances(StatusDispatched, StatusQueued) || Advances(StatusFailed, StatusDelivered) {
		t.Fatal("status order wrong")
	}
}

func BenchmarkPlan10000(b *testing.B) {
	start := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	sims := []SIMRef{{"a", 1}, {"a", 2}, {"b", 1}, {"b", 2}, {"c", 1}, {"c", 2}}
	segs := make([]int, 10000)
	for i := range segs {
		segs[i] = 1 + i%3
	}
	p := Planner{Caps: DefaultCaps(), Hours: nineToSix{}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Plan(start, sims, nil, segs); err != nil {
			b.Fatal(err)
		}
	}
}

func TestValidateTemplates(t *testing.T) {
	ok := []Template{{Name: "ready", Language: "it", Channel: SMS, Text: "Ciao {name}", Stage: "done"}, {Name: "ready", Language: "ru", Channel: SMS, Text: "Привет, {name}"}}
	if err := ValidateTemplates(ok); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]Template{
		"unknown placeholder": {{Name: "a", Language: "it", Channel: SMS, Text: "{nome}"}},
		"unknown language":    {{Name: "a", Language: "de", Channel: SMS, Text: "x"}},
		"e-mail subject":      {{Name: "a", Language: "en", Channel: Email, Text: "x"}},
		"duplicate":           append(ok, ok[0]),
		"stage not a name":    {{Name: "a", Language: "en", Channel: SMS, Text: "x", Stage: "Order Ready"}},
	} {
		if err := ValidateTemplates(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if tpl, found := Find(ok, "ready", "ru", SMS); !found || tpl.Text != "Привет, {name}" {
		t.Errorf("Find = %+v, %v", tpl, found)
	}
	if got := OnStage(ok, "done"); len(got) != 1 || got[0].Language != "it" {
		t.Errorf("OnStage(done) = %+v, want the Italian one", got)
	}
	if got := OnStage(ok, ""); len(got) != 0 {
		t.Errorf("OnStage(\"\") = %+v, want none", got)
	}
}
