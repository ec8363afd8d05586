// Package contactstest makes synthetic data sets for benchmarks and load
// tests: any number of contacts with unique numbers and some history,
// deterministic for a given size.
package contactstest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

var (
	given   = []string{"Giulia", "Marco", "Анна", "Дмитрий", "Siti", "Budi", "Françoise", "José", "முருகன்", "Łukasz", "Nicolò", "Chiara"}
	family  = []string{"Rossi", "Bianchi", "Смирнова", "Иванов", "Rahayu", "Santoso", "Müller", "García", "சுப்பிரமணியம்", "Kowalski", "Esposito", "Ricci"}
	company = []string{"Bar Centrale srl", "ООО Кофе Трейд", "PT Kopi Nusantara", "Torrefazione Roma spa", "Sri Murugan Coffee Works Pvt Ltd", "Café de Lyon SARL"}
	groups  = []string{"New", "Returning", "Wholesale", "Retail", "Supplier", "Courier"}
	stages  = []string{"new", "quoted", "ordered", "paid", "done", "lost"}
	staff   = []string{"Giulia", "Marco", "Anna", "Luca"}
)

// Number returns the i-th synthetic number, an Italian mobile in E.164:
// unique for i below 10^9.
func Number(i int) string { return fmt.Sprintf("+393%09d", i) }

// Synthetic returns n contacts, each with one unique mobile number
// (Number(i)), a landline for every third, and `history` past entries.
func Synthetic(n, history int) []contacts.SeedContact {
	r := rand.New(rand.NewPCG(uint64(n), 42))
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	out := make([]contacts.SeedContact, n)
	for i := range out {
		g, f := given[r.IntN(len(given))], family[r.IntN(len(family))]
		c := contacts.Contact{
			ID:          fmt.Sprintf("syn-%07d", i),
			DisplayName: g + " " + f,
			GivenName:   g,
			FamilyName:  f,
			Company:     company[r.IntN(len(company))],
			Groups:      []string{groups[r.IntN(len(groups))]},
			Note:        fmt.Sprintf("Synthetic client %d. Prefers calls in the morning; pays in 30 days.", i),
			Stage:       stages[r.IntN(len(stages))],
			Numbers:     []contacts.Number{{Raw: Number(i), Type: "mobile"}},
			Emails:      []contacts.Email{{Address: fmt.Sprintf("client%d@example.com", i), Type: "work"}},
		}
		if i%3 == 0 {
			c.Numbers = append(c.Numbers, contacts.Number{Raw: fmt.Sprintf("+39 06 %08d", i%100_000_000), Type: "work", Label: "Office"})
		}
		sc := contacts.SeedContact{Contact: c}
		for h := 0; h < history; h++ {
			at := base.Add(time.Duration(r.IntN(24*20)) * time.Hour)
			by := staff[r.IntN(len(staff))]
			switch h % 3 {
			case 0:
				sc.History = append(sc.History, contacts.SeedEntry{Kind: contacts.KindCall, At: at, By: by, Direction: contacts.Incoming, Outcome: contacts.OutcomeAnswered, DurationS: 30 + r.IntN(300), SIMSlot: 1})
			case 1:
				sc.History = append(sc.History, contacts.SeedEntry{Kind: contacts.KindNote, At: at, By: by, Text: "Asked for the price list; call back next week."})
			default:
				sc.History = append(sc.History, contacts.SeedEntry{Kind: contacts.KindStage, At: at, By: by, Stage: stages[r.IntN(len(stages))]})
			}
		}
		out[i] = sc
	}
	return out
}

// SyntheticYear returns the contacts of Synthetic(n, 0), each with
// perContact history entries spread over the year before end: calls (one
// in eight missed, one in four outgoing), notes and stage changes. It is a
// year of an office's history for the start page's benchmark.
func SyntheticYear(n, perContact int, end time.Time) []contacts.SeedContact {
	out := Synthetic(n, 0)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	year := int64(365 * 24 * time.Hour / time.Minute)
	for i := range out {
		for h := 0; h < perContact; h++ {
			at := end.Add(-time.Duration(1+r.Int64N(year)) * time.Minute)
			by := staff[r.IntN(len(staff))]
			switch h % 3 {
			case 0:
				e := contacts.SeedEntry{Kind: contacts.KindCall, At: at, By: by, Direction: contacts.Incoming, Outcome: contacts.OutcomeAnswered, DurationS: 30 + r.IntN(300), SIMSlot: 1}
				switch r.IntN(8) {
				case 0:
					e.Outcome, e.DurationS = contacts.OutcomeMissed, 0
				case 1, 2:
					e.Direction = contacts.Outgoing
				}
				out[i].History = append(out[i].History, e)
			case 1:
				out[i].History = append(out[i].History, contacts.SeedEntry{Kind: contacts.KindNote, At: at, By: by, Text: "Asked for the price list; call back next week."})
			default:
				out[i].History = append(out[i].History, contacts.SeedEntry{Kind: contacts.KindStage, At: at, By: by, Stage: stages[r.IntN(len(stages))]})
			}
		}
	}
	return out
}
