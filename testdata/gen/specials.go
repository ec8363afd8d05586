package main

import (
	"strings"
	"unicode/utf8"
)

func cityNamed(cs []city, name string) city {
	for _, c := range cs {
		if c.name == name {
			return c
		}
	}
	panic(name)
}

// specialCompany registers a hand-named company.
func specialCompany(name, slug, country, kind, cityName string, cyr bool) *company {
	c := &company{name: name, slug: slug, tld: tlds[country], kind: kind, country: country, hasSite: true, vat: vatFor(country), contacts: 2}
	c.city = cityNamed(countryCities[country], cityName)
	addrs := c.city.addrs
	if !cyr && len(c.city.addrsLat) > 0 {
		addrs = c.city.addrsLat
	}
	c.addr = strings.Replace(addrs[0], "%d", itoa(ri(1, 200)), 1)
	companyNames[name] = true
	c.mainGiven = true // the shared line is set by hand
	return c
}

func itoa(n int) string { return thousands(n, "") }

// share gives both contacts the same number, written differently.
func share(a, b *build, ph phone, typ, la, lb string) {
	ra := format(ph)
	rb := format(ph)
	for i := 0; rb == ra && i < 50; i++ {
		rb = format(ph)
	}
	for _, x := range []*build{a, b} { // keep at most 3 numbers per card
		if len(x.c.Numbers) > 1 { // own mobile/direct line + the shared one
			x.c.Numbers, x.phones = x.c.Numbers[:1], x.phones[:1]
		}
	}
	a.phones = append(a.phones, ph)
	b.phones = append(b.phones, ph)
	a.c.Numbers = append(a.c.Numbers, Number{Raw: ra, Type: typ, Label: la})
	b.c.Numbers = append(b.c.Numbers, Number{Raw: rb, Type: typ, Label: lb})
}

// specials builds the hand-made contacts: the four shared-number pairs, a
// company-only card and a nickname-only card.
func specials() []*build {
	var out []*build
	roma := cityNamed(itCities, "Roma")

	// 1. Spouses sharing the home landline.
	p1 := person{given: "Paola", family: "Proietti", latGiven: "Paola", latFamily: "Proietti", female: true}
	p2 := person{given: "Stefano", family: "Proietti", latGiven: "Stefano", latFamily: "Proietti", nick: "Ste"}
	a := newBuild("it", "IT", "it", "client", &p1, nil)
	b := newBuild("it", "IT", "it", "client", &p2, nil)
	share(a, b, fixedFor("IT", roma), "home", "Casa", "")
	a.c.Groups, b.c.Groups = []string{"Returning", "Retail"}, []string{"Retail"}
	a.owner, b.owner = "Giulia", "Giulia"
	b.c.Note = "Marito di Paola Proietti (stesso numero di casa). Decide lei."
	b.fixedNote = true
	out = append(out, a, b)

	// 2. Two people at one wholesaler, both with the company switchboard.
	co := specialCompany("Sapori del Lazio Distribuzione spa", "saporidellazio", "IT", "wholesale", "Roma", false)
	co.mainGiven = true
	p1 = person{given: "Gianluca", family: "Tedeschi", latGiven: "Gianluca", latFamily: "Tedeschi"}
	p2 = person{given: "Rossella", family: "Marchetti", latGiven: "Rossella", latFamily: "Marchetti", female: true}
	a = newBuild("it", "IT", "it", "client", &p1, co)
	b = newBuild("it", "IT", "it", "client", &p2, co)
	a.c.JobTitle, b.c.JobTitle = "Responsabile acquisti", "Amministrazione"
	a.c.Department, b.c.Department = "Acquisti", "Amministrazione"
	share(a, b, fixedFor("IT", co.city), "main", "Centralino", "Switchboard")
	a.c.Groups, b.c.Groups = []string{"Returning", "Wholesale"}, []string{"Wholesale"}
	a.owner, b.owner = "Marco", "Marco"
	out = append(out, a, b)

	// 3. Russian importer: two managers behind one office line.
	co = specialCompany("ООО «Кофе Трейд Москва»", "coffeetrade-msk", "RU", "wholesale", "Москва", true)
	p1 = person{given: "Ольга", family: "Кузнецова", latGiven: "Olga", latFamily: "Kuznetsova", female: true}
	p2 = person{given: "Игорь", family: "Лебедев", latGiven: "Igor", latFamily: "Lebedev"}
	a = newBuild("ru", "RU", "ru", "client", &p1, co)
	b = newBuild("ru", "RU", "ru", "client", &p2, co)
	a.c.JobTitle, b.c.JobTitle = "Менеджер по закупкам", "Генеральный директор"
	a.c.Department, b.c.Department = "Отдел закупок", ""
	ph := fixedFor("RU", co.city)
	share(a, b, ph, "work", "Office", "Офис")
	a.national = national(ph)
	a.c.Note = "Рабочий: " + a.national + ", добавочный 214. Звонить после 10:00 по Москве (у нас на 2 часа раньше).\nИгорь Лебедев — директор, тот же номер."
	a.fixedNote = true
	a.c.Groups, b.c.Groups = []string{"New", "Wholesale"}, []string{"Wholesale"}
	a.owner, b.owner = "Anna", "Anna"
	out = append(out, a, b)

	// 4. Tamil family business: husband and wife on the same office number.
	co = specialCompany("Sri Murugan Coffee Works Pvt Ltd", "srimurugancoffee", "IN", "supplier", "Coimbatore", false)
	p1 = person{given: "முருகன்", family: "சுப்பிரமணியம்", latGiven: "Murugan", latFamily: "Subramaniam"}
	p2 = person{given: "லட்சுமி", family: "முருகன்", latGiven: "Lakshmi", latFamily: "Murugan", female: true}
	a = newBuild("ta", "IN", "en", "supplier", &p1, co)
	b = newBuild("ta", "IN", "en", "supplier", &p2, co)
	a.c.JobTitle, b.c.JobTitle = "Managing Director", "Accounts"
	a.c.Department, b.c.Department = "", "Accounts"
	share(a, b, fixedFor("IN", co.city), "work", "Office", "Office")
	a.c.Groups, b.c.Groups = []string{"Supplier"}, []string{"Supplier"}
	a.owner, b.owner = "Marco", "Luca"
	a.c.Note = "Family-run curing works near Coimbatore, robusta cherry and Monsooned Malabar.\nMurugan's wife Lakshmi does the invoices — same office number."
	a.fixedNote = true
	out = append(out, a, b)

	// 5. A company with no person's name at all.
	co = specialCompany("Ricambi Espresso Tiburtino srl", "ricambiespressotiburtino", "IT", "supplier", "Roma", false)
	cb := &build{c: &Contact{DisplayName: co.name, Company: co.name}, culture: "it", country: "IT", lang: "it", role: "supplier", co: co, cityName: "Roma", owner: "Marco"}
	for _, n := range []struct {
		ph         phone
		typ, label string
	}{{fixedFor("IT", roma), "main", "Centralino"}, {fixedFor("IT", roma), "work", "Magazzino"}, {mobileFor("IT"), "mobile", "Tecnico reperibile"}} {
		cb.phones = append(cb.phones, n.ph)
		cb.c.Numbers = append(cb.c.Numbers, Number{Raw: format(n.ph), Type: n.typ, Label: n.label})
	}
	cb.c.Emails = []Email{{"info@" + co.domain(), "work"}, {"ordini@" + co.domain(), "work"}}
	cb.c.Addresses = []Address{{co.addr, "work"}}
	cb.c.Websites = []string{"https://www." + co.domain()}
	cb.c.Custom = []KV{{"VAT", co.vat}, {"Supplier code", "FO-0042"}, {"Lead time", "48 h"}}
	cb.c.Groups = []string{"Supplier"}
	cb.c.Note = "Ricambi originali e compatibili per gruppi E61.\nSe il centralino non risponde chiamare il tecnico reperibile."
	cb.fixedNote = true
	out = append(out, cb)

	// 6. Only a number and a nickname.
	nb := &build{c: &Contact{Nickname: "Tonino Furgone"}, culture: "it", country: "IT", lang: "it", role: "courier", owner: "Luca", fixedNote: true}
	ph = mobileFor("IT")
	nb.phones = []phone{ph}
	nb.c.Numbers = []Number{{Raw: ph.area + " " + ph.sub, Type: "mobile"}}
	nb.c.Groups = []string{"Courier"}
	out = append(out, nb)
	return out
}

// decorate adds the long note and the emoji notes after everything else is generated.
func decorate(all []*build) {
	done := map[string]bool{}
	appendNote := func(b *build, s string) {
		if b.c.Note == "" {
			b.c.Note = s
		} else {
			b.c.Note += "\n" + s
		}
	}
	for _, b := range all {
		c := b.c
		switch {
		case !done["long"] && b.country == "IT" && b.role == "client" && b.co != nil && b.co.kind == "retail" && has(c.Groups, "Returning") && !b.fixedNote:
			done["long"] = true
			c.Note = longNote
			b.fixedNote = true
			if utf8.RuneCountInString(c.Note) != 1500 {
				panic("long note length")
			}
		case !done["it"] && b.country == "IT" && b.role == "client" && !b.fixedNote && c.GivenName != "":
			done["it"] = true
			appendNote(b, "Cliente top! 👍☕")
		case !done["courier"] && b.country == "IT" && b.role == "courier" && !b.fixedNote && c.GivenName != "":
			done["courier"] = true
			appendNote(b, "📦 Ritiri solo al mattino, dopo le 13 non passa!")
		case !done["ru"] && b.lang == "ru" && !b.fixedNote:
			done["ru"] = true
			appendNote(b, "Поздравить с днём рождения 🎉")
		case !done["id"] && b.lang == "id" && !b.fixedNote:
			done["id"] = true
			appendNote(b, "Terima kasih banyak 🙏 Sangat membantu.")
		case !done["en"] && b.country == "DE" && b.role == "client" && !b.fixedNote:
			done["en"] = true
			appendNote(b, "Loves our lever machines ❤️ — send Christmas card.")
		case !done["hist"] && b.country == "IT" && b.role == "client" && c.Stage == "ordered" && len(c.History) > 0:
			for i := len(c.History) - 1; i >= 0; i-- {
				if c.History[i].Kind == "note" {
					c.History[i].Text += " 🎉"
					done["hist"] = true
					break
				}
			}
		}
	}
}
