// Command gen writes the ringcard demo data set (testdata/demo.json).
//
// It is deterministic: a fixed math/rand seed and fixed reference date, so
// re-running it produces byte-identical output. Run from the module root:
//
//	go run ./testdata/gen -o testdata/demo.json
//
// After generating, it re-reads its own output and checks the invariants the
// demo relies on (see check.go); it exits non-zero if any fails.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // make Europe/Rome available everywhere
)

const seed = 20261124

var (
	rng   *rand.Rand
	rome  *time.Location
	endAt time.Time // 2026-11-24 00:00 Europe/Rome; history is strictly before
)

var staff = []string{"Giulia", "Marco", "Anna", "Luca"}
var stageChain = []string{"new", "quoted", "ordered", "paid", "done"}

// ---------- output schema ----------

type Number struct {
	Raw   string `json:"raw"`
	Type  string `json:"type"`
	Label string `json:"label,omitempty"`
}
type Email struct {
	Address string `json:"address"`
	Type    string `json:"type,omitempty"`
}
type Address struct {
	Formatted string `json:"formatted"`
	Type      string `json:"type,omitempty"`
}
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}
type Event struct {
	Kind      string `json:"kind"`
	At        string `json:"at"`
	Direction string `json:"direction,omitempty"`
	Outcome   string `json:"outcome,omitempty"`
	DurationS int    `json:"duration_s,omitempty"`
	By        string `json:"by,omitempty"`
	SimSlot   int    `json:"sim_slot,omitempty"`
	Text      string `json:"text,omitempty"`
	Stage     string `json:"stage,omitempty"`
}
type Contact struct {
	ID          string    `json:"id"`
	DisplayName string    `json:"display_name,omitempty"`
	GivenName   string    `json:"given_name,omitempty"`
	FamilyName  string    `json:"family_name,omitempty"`
	Nickname    string    `json:"nickname,omitempty"`
	Company     string    `json:"company,omitempty"`
	JobTitle    string    `json:"job_title,omitempty"`
	Department  string    `json:"department,omitempty"`
	Numbers     []Number  `json:"numbers,omitempty"`
	Emails      []Email   `json:"emails,omitempty"`
	Addresses   []Address `json:"addresses,omitempty"`
	Websites    []string  `json:"websites,omitempty"`
	Birthday    string    `json:"birthday,omitempty"`
	Groups      []string  `json:"groups,omitempty"`
	Note        string    `json:"note,omitempty"`
	Custom      []KV      `json:"custom,omitempty"`
	PhotoURL    string    `json:"photo_url,omitempty"`
	Stage       string    `json:"stage,omitempty"`
	History     []Event   `json:"history,omitempty"`
}
type Dataset struct {
	Version       int       `json:"version"`
	DefaultRegion string    `json:"default_region"`
	Staff         []string  `json:"staff"`
	Stages        []string  `json:"stages"`
	Contacts      []Contact `json:"contacts"`
}

// ---------- random helpers ----------

func ri(a, b int) int           { return a + rng.Intn(b-a+1) }
func chance(p float64) bool     { return rng.Float64() < p }
func pick[T any](xs []T) T      { return xs[rng.Intn(len(xs))] }
func pickS(xs ...string) string { return xs[rng.Intn(len(xs))] }

func wpick(weights ...int) int {
	t := 0
	for _, w := range weights {
		t += w
	}
	x := rng.Intn(t)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func pickCity(cs []city) city {
	ws := make([]int, len(cs))
	for i, c := range cs {
		ws[i] = c.weight
	}
	return cs[wpick(ws...)]
}

// digits returns n random digits; the first one is in [lo,9].
func digits(n int, lo int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i == 0 {
			b.WriteByte(byte('0' + ri(lo, 9)))
		} else {
			b.WriteByte(byte('0' + rng.Intn(10)))
		}
	}
	return b.String()
}

// ---------- phone numbers ----------

type phone struct {
	country string // IT RU IN ID FR DE ES PL
	cc      string
	area    string // IT: includes the leading 0 (part of the number); others: no trunk prefix
	sub     string
	mobile  bool
}

func (p phone) nsn() string { return p.area + p.sub }
func (p phone) key() string { return "+" + p.cc + p.nsn() }

var used = map[string]bool{}

func unique(f func() phone) phone {
	for {
		p := f()
		if !used[p.key()] {
			used[p.key()] = true
			return p
		}
	}
}

var itMobilePrefixes = []string{"320", "324", "327", "328", "329", "330", "331", "333", "334", "335", "338", "339", "340", "342",
	"345", "346", "347", "348", "349", "351", "366", "380", "388", "389", "391", "392", "393"}
var ruMobilePrefixes = []string{"903", "905", "906", "909", "915", "916", "917", "919", "925", "926", "929", "985", "999"}
var inMobilePrefixes = []string{"98400", "98410", "94440", "94450", "99400", "99620", "97890", "90030", "96770", "63800", "70100", "88700", "98765"}
var idMobilePrefixes = []string{"811", "812", "813", "821", "822", "852", "853", "815", "816", "817", "818", "819", "856", "857", "858", "877", "878", "895", "896"}
var deMobile = []struct {
	p string
	n int
}{{"151", 8}, {"152", 8}, {"157", 8}, {"160", 7}, {"170", 7}, {"171", 7}, {"172", 7}, {"176", 8}, {"179", 7}}
var plMobilePrefixes = []string{"501", "502", "509", "601", "602", "604", "691", "692", "721", "730", "781", "790", "880", "885"}

func mobileFor(country string) phone {
	return unique(func() phone {
		switch country {
		case "IT":
			return phone{"IT", "39", pick(itMobilePrefixes), digits(7, 1), true}
		case "RU":
			return phone{"RU", "7", pick(ruMobilePrefixes), digits(7, 1), true}
		case "IN":
			return phone{"IN", "91", pick(inMobilePrefixes), digits(5, 0), true}
		case "ID":
			return phone{"ID", "62", pick(idMobilePrefixes), digits([]int{8, 8, 8, 7}[rng.Intn(4)], 1), true}
		case "FR":
			return phone{"FR", "33", pickS("6", "6", "7"), pickS("1", "2", "3", "4", "5", "6", "7", "8") + digits(7, 0), true}
		case "DE":
			m := pick(deMobile)
			return phone{"DE", "49", m.p, digits(m.n, 1), true}
		case "ES":
			return phone{"ES", "34", "6" + digits(2, 0), digits(6, 0), true}
		case "PL":
			return phone{"PL", "48", pick(plMobilePrefixes), digits(6, 0), true}
		}
		panic(country)
	})
}

func fixedFor(country string, c city) phone {
	return unique(func() phone {
		n := pick(c.subLens)
		switch country {
		case "IT":
			return phone{"IT", "39", c.area, digits(n, 2), false}
		case "RU":
			return phone{"RU", "7", c.area, digits(n, 2), false}
		case "IN":
			return phone{"IN", "91", c.area, "2" + digits(n-1, 0), false}
		case "ID":
			return phone{"ID", "62", c.area, digits(n, 2), false}
		case "FR":
			pre := pick(frSub[c.name])
			return phone{"FR", "33", c.area, pre + digits(n-len(pre), 0), false}
		case "DE", "ES", "PL":
			cc := map[string]string{"DE": "49", "ES": "34", "PL": "48"}[country]
			return phone{country, cc, c.area, digits(n, 2), false}
		}
		panic(country)
	})
}

func grp(s, sep string) string {
	switch len(s) {
	case 8:
		return s[:4] + sep + s[4:]
	case 7:
		return s[:3] + sep + s[3:]
	case 6:
		return s[:3] + sep + s[3:]
	}
	return s
}

func pairs(s string) string {
	var parts []string
	for len(s) > 2 {
		parts = append(parts, s[:2])
		s = s[2:]
	}
	return strings.Join(append(parts, s), " ")
}

// format writes p the way people do; non-Italian numbers always carry the
// country code (the server's default region is IT).
func format(p phone) string {
	a, s := p.area, p.sub
	switch p.country {
	case "IT":
		if p.mobile {
			s1, s2 := s[:3], s[3:]
			return pickS("+39 "+a+" "+s1+" "+s2, "+39 "+a+" "+s1+" "+s2, a+"."+s1+"."+s2, a+s, a+s, a+" "+s, a+" "+s,
				"+39"+a+s, "0039 "+a+" "+s, a+"-"+s1+"-"+s2, "+39 "+a+" "+s, a+" "+s1+" "+s[3:5]+" "+s[5:],
				"tel:+39-"+a+"-"+s, "+39 "+a+s, a+" "+s1+" "+s2)
		}
		return pickS(a+" "+grp(s, " "), a+" "+grp(s, " "), a+" "+grp(s, " "), "+39 "+a+" "+grp(s, " "), "+39 "+a+" "+grp(s, " "),
			"0039 "+a+" "+s, "("+a+") "+grp(s, "-"), a+"/"+s, a+"-"+s, a+s, "+39 "+a+s, "+39"+a+s,
			"tel:+39-"+a+"-"+s, a+" "+pairs(s), "+39 "+a+" "+s)
	case "RU":
		s3 := s[:3] + " " + s[3:5] + " " + s[5:]
		d3 := s[:3] + "-" + s[3:5] + "-" + s[5:]
		return pickS("+7 "+a+" "+s3, "+7 "+a+" "+s3, "+7 ("+a+") "+d3, "+7 ("+a+") "+d3, "+7 "+a+" "+d3, "+7"+a+s,
			"007 "+a+" "+s3, "+7-"+a+"-"+d3)
	case "IN":
		if p.mobile {
			return pickS("+91 "+a+" "+s, "+91 "+a+" "+s, "+91-"+a+"-"+s, "+91"+a+s, "0091 "+a+" "+s, "+91 "+a+s)
		}
		return pickS("+91 "+a+" "+grp(s, " "), "+91-"+a+"-"+s, "+91 ("+a+") "+grp(s, " "), "0091 "+a+" "+s)
	case "ID":
		if p.mobile {
			s1, s2 := s[:4], s[4:]
			return pickS("+62 "+a+"-"+s1+"-"+s2, "+62 "+a+"-"+s1+"-"+s2, "+62 "+a+" "+s1+" "+s2, "+62"+a+s, "0062 "+a+" "+s1+" "+s2)
		}
		return pickS("+62 "+a+" "+grp(s, " "), "+62 ("+a+") "+grp(s, "-"), "+62-"+a+"-"+s)
	case "FR":
		n := a + s
		return pickS("+33 "+n[:1]+" "+pairs(n[1:]), "+33 "+n[:1]+" "+pairs(n[1:]), "+33 (0)"+n[:1]+" "+pairs(n[1:]),
			"0033 "+n[:1]+" "+pairs(n[1:]), "+33"+n)
	case "DE":
		return pickS("+49 "+a+" "+s, "+49 "+a+" "+s, "+49 (0)"+a+" "+grp(s, " "), "0049 "+a+" "+s, "+49 "+a+" "+grp(s, "-"), "+49"+a+s)
	case "ES":
		n := a + s
		return pickS("+34 "+n[:3]+" "+n[3:5]+" "+n[5:7]+" "+n[7:], "+34 "+n[:3]+" "+n[3:6]+" "+n[6:], "0034 "+n, "+34"+n)
	case "PL":
		n := a + s
		if p.mobile {
			return pickS("+48 "+n[:3]+" "+n[3:6]+" "+n[6:], "+48 "+n[:3]+" "+n[3:6]+" "+n[6:], "0048 "+n[:3]+" "+n[3:6]+" "+n[6:], "+48"+n)
		}
		return pickS("+48 "+n[:2]+" "+n[2:5]+" "+n[5:7]+" "+n[7:], "0048 "+n, "+48"+n)
	}
	panic(p.country)
}

// formatExt writes an Italian office line with an extension.
func formatExt(p phone) string {
	ext := strconv.Itoa(ri(10, 299))
	return pickS("+39 "+p.area+" "+p.sub+" ext. "+ext, p.area+" "+grp(p.sub, " ")+" int. "+ext, "+39 "+p.area+" "+grp(p.sub, " ")+" ext. "+ext)
}

// national writes p in its home-country national format (for notes and
// custom fields only; it would not parse correctly with default region IT).
func national(p phone) string {
	s := p.sub
	switch p.country {
	case "RU":
		return "8 (" + p.area + ") " + s[:3] + "-" + s[3:5] + "-" + s[5:]
	case "ID":
		if p.mobile {
			return "0" + p.area + "-" + s[:4] + "-" + s[4:]
		}
		return "(0" + p.area + ") " + grp(s, " ")
	case "IN":
		if p.mobile {
			return "0" + p.area + " " + s
		}
		return "0" + p.area + " " + grp(s, " ")
	}
	return ""
}

// ---------- text helpers ----------

var fold = strings.NewReplacer("à", "a", "á", "a", "â", "a", "ä", "ae", "ã", "a", "å", "a", "ç", "c", "è", "e", "é", "e", "ê", "e", "ë", "e",
	"ì", "i", "í", "i", "î", "i", "ï", "i", "ñ", "n", "ò", "o", "ó", "o", "ô", "o", "õ", "o", "ö", "oe", "ù", "u", "ú", "u", "û", "u",
	"ü", "ue", "ß", "ss", "ł", "l", "ś", "s", "ż", "z", "ź", "z", "ą", "a", "ę", "e", "ć", "c", "ń", "n", "'", "", "’", "")

func ascii(s string) string {
	s = fold.Replace(strings.ToLower(s))
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '.' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func thousands(n int, sep string) string {
	s := strconv.Itoa(n)
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	return strings.Join(append([]string{s}, out...), sep)
}

// ---------- people & companies ----------

type person struct {
	given, family, nick string
	latGiven, latFamily string
	female              bool
}

func (p person) display() string { return strings.TrimSpace(p.given + " " + p.family) }

func makePerson(culture string) person {
	f := chance(0.5)
	var p person
	p.female = f
	switch culture {
	case "it":
		if f {
			p.given = pick(itFemale)
		} else {
			p.given = pick(itMale)
		}
		p.family = pick(itFamily)
		if ns, ok := itNick[p.given]; ok && chance(0.25) {
			p.nick = pick(ns)
		}
	case "fr":
		p.given, p.family = pick(map[bool][]string{true: frFemale, false: frMale}[f]), pick(frFamily)
	case "de":
		p.given, p.family = pick(map[bool][]string{true: deFemale, false: deMale}[f]), pick(deFamily)
	case "es":
		p.given, p.family = pick(map[bool][]string{true: esFemale, false: esMale}[f]), pick(esFamily)
		if chance(0.7) {
			p.family += " " + pick(esFamily)
		}
	case "pl":
		p.given = pick(map[bool][]string{true: plFemale, false: plMale}[f])
		fam := pick(plFamilyM)
		if f && strings.HasSuffix(fam, "ski") { // Kowalczyk, Wójcik: same for both
			fam = strings.TrimSuffix(fam, "ski") + "ska"
		}
		p.family = fam
	case "ru", "rulat":
		g := pick(map[bool][]nameRU{true: ruFemale, false: ruMale}[f])
		fam := pick(ruFamily)
		p.given, p.family, p.latGiven, p.latFamily = g.cyr, fam.cyr, g.lat, fam.lat
		if f {
			p.family += "а"
			p.latFamily += "a"
		}
		if n, ok := ruNick[g.cyr]; ok && chance(0.2) {
			p.nick = n
		}
		if culture == "rulat" {
			p.given, p.family, p.nick = p.latGiven, p.latFamily, ""
		}
	case "ta", "talat":
		g := pick(map[bool][]nameRU{true: taFemale, false: taMale}[f])
		fam := pick(taFamily)
		p.given, p.family, p.latGiven, p.latFamily = g.cyr, fam.cyr, g.lat, fam.lat
		if culture == "talat" {
			p.given, p.family = p.latGiven, p.latFamily
		}
	case "id":
		if chance(0.08) {
			p.given = pick(idMononym)
			p.female = p.given == "Suharti" || p.given == "Sumiati"
		} else if f {
			p.given, p.family = pick(idFemale), pick(idFamilyF)
		} else {
			p.given, p.family = pick(idMale), pick(idFamilyM)
		}
		if chance(0.12) {
			if p.female {
				p.nick = "Bu " + p.given
			} else {
				p.nick = "Pak " + p.given
			}
		}
	default:
		panic(culture)
	}
	if p.latGiven == "" {
		p.latGiven, p.latFamily = p.given, p.family
	}
	return p
}

type company struct {
	name, slug, tld, kind, country string
	city                           city
	addr                           string
	hasSite                        bool
	vat                            string
	contacts                       int
	mainGiven                      bool
}

func (c *company) domain() string { return c.slug + c.tld }

var companies = map[string][]*company{}
var companyNames = map[string]bool{}
var foreignPools = map[string][]coName{}

func itCompanyName(kind string) string {
	place, fam, reg := pick(romePlaces), pick(itFamily), pick(itRegions)
	var n string
	switch kind {
	case "retail":
		n = pickS("Bar "+place, "Caffè "+place, "Pasticceria "+fam, "Bar Tabacchi "+place, "Trattoria da "+pick(itMale),
			"Gelateria "+place, "Hotel "+place, "B&B "+place, "Forno "+fam, "Alimentari "+fam, "Enoteca "+place,
			"Caffetteria "+place, "Ristorante "+place, "Bar "+fam)
		n += pickS(" snc", " sas", " srl", " srls", "", "")
	case "wholesale":
		n = pickS("Distribuzione Horeca "+reg+" spa", fam+" Forniture srl", "Gruppo "+fam+" spa", "Cash & Carry "+place+" srl",
			"Vending "+place+" srl", fam+" & Figli srl", "Catering "+reg+" srl", "Hotel "+place+" spa", "Caffè "+reg+" Distribuzione srl")
	case "supplier":
		n = pickS("Torrefazione "+fam+" srl", "Imballaggi "+reg+" srl", "Ricambi Espresso "+place+" srl", "Officine Meccaniche "+fam+" spa",
			"Cartotecnica "+fam+" srl", "Vetreria "+fam+" srl", "Ceramiche "+fam+" spa", "Zuccheri "+reg+" srl", "Elettroforniture "+fam+" srl")
	case "courier":
		n = pickS(place+" Express srl", "Trasporti "+fam+" snc", "Corriere Espresso "+reg+" srl", "Logistica "+fam+" srl",
			"Pony Express "+place, "Autotrasporti "+fam+" & C. sas")
	}
	return n
}

var legalWords = map[string]bool{"srl": true, "spa": true, "snc": true, "sas": true, "srls": true, "c.": true, "&": true}

func slugOf(name string) string {
	var parts []string
	for _, w := range strings.Fields(name) {
		if legalWords[strings.ToLower(w)] {
			continue
		}
		parts = append(parts, ascii(w))
	}
	return strings.ReplaceAll(strings.Join(parts, ""), ".", "")
}

func itVAT() string {
	d := digits(7, 0) + fmt.Sprintf("%03d", ri(1, 121))
	sum := 0
	for i, ch := range d {
		x := int(ch - '0')
		if i%2 == 1 {
			x *= 2
			if x > 9 {
				x -= 9
			}
		}
		sum += x
	}
	return "IT" + d + strconv.Itoa((10-sum%10)%10)
}

func letters(n int) string {
	const L = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, n)
	for i := range b {
		b[i] = L[rng.Intn(len(L))]
	}
	return string(b)
}

func alnum(n int) string {
	const L = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = L[rng.Intn(len(L))]
	}
	return string(b)
}

func vatFor(country string) string {
	switch country {
	case "IT":
		return itVAT()
	case "RU":
		return digits(10, 1)
	case "IN":
		return "33" + letters(5) + digits(4, 0) + letters(1) + "1Z" + alnum(1)
	case "ID":
		d := digits(15, 0)
		return d[:2] + "." + d[2:5] + "." + d[5:8] + "." + d[8:9] + "-" + d[9:12] + "." + d[12:]
	case "FR":
		return "FR" + digits(2, 0) + digits(9, 1)
	case "DE":
		return "DE" + digits(9, 1)
	case "ES":
		return "ESB" + digits(8, 0)
	case "PL":
		return "PL" + digits(10, 1)
	}
	return ""
}

var countryCities = map[string][]city{"IT": itCities, "RU": ruCities, "IN": inCities, "ID": idCities, "FR": frCities, "DE": deCities, "ES": esCities, "PL": plCities}
var tlds = map[string]string{"IT": ".it", "RU": ".ru", "IN": ".in", "ID": ".co.id", "FR": ".fr", "DE": ".de", "ES": ".es", "PL": ".pl"}

// getCompany returns an existing company (sometimes) or a new one.
// pool names a foreign name list ("" for generated Italian names).
func getCompany(country, kind, pool string, cyr bool) *company {
	k := country + "/" + kind
	if pool != "" {
		k = country + "/" + pool
	}
	var open []*company
	for _, c := range companies[k] {
		if c.contacts < 3 {
			open = append(open, c)
		}
	}
	fp := foreignPools[pool]
	if pool != "" && len(fp) == 0 && len(open) == 0 {
		open = companies[k]
	}
	if len(open) > 0 && (chance(0.25) || (pool != "" && len(fp) == 0)) {
		c := pick(open)
		c.contacts++
		return c
	}
	c := &company{kind: kind, country: country, tld: tlds[country]}
	if pool == "" {
		for {
			c.name = itCompanyName(kind)
			if !companyNames[c.name] {
				break
			}
		}
		c.slug = slugOf(c.name)
	} else {
		if len(fp) == 0 {
			panic("company pool exhausted: " + pool)
		}
		i := rng.Intn(len(fp))
		c.name, c.slug = fp[i].name, fp[i].slug
		foreignPools[pool] = append(fp[:i:i], fp[i+1:]...)
	}
	companyNames[c.name] = true
	c.city = pickCity(countryCities[country])
	addrs := c.city.addrs
	if !cyr && len(c.city.addrsLat) > 0 {
		addrs = c.city.addrsLat
	}
	c.addr = fmt.Sprintf(pick(addrs), ri(1, 240))
	c.hasSite = kind != "retail" || chance(0.4)
	c.vat = vatFor(country)
	c.contacts = 1
	companies[k] = append(companies[k], c)
	return c
}

func init() {
	foreignPools["ru"] = ruCompanies
	foreignPools["rulat"] = ruCompaniesLat
	foreignPools["in-client"] = inClientCos
	foreignPools["in-supplier"] = inSupplierCos
	foreignPools["id-client"] = idClientCos
	foreignPools["id-supplier"] = idSupplierCos
	foreignPools["fr-client"] = frClientCos
	foreignPools["fr-supplier"] = frSupplierCos
	foreignPools["de-client"] = deClientCos
	foreignPools["de-supplier"] = deSupplierCos
	foreignPools["de-courier"] = deCourierCos
	foreignPools["es-client"] = esClientCos
	foreignPools["es-supplier"] = esSupplierCos
	foreignPools["pl-client"] = plClientCos
	foreignPools["pl-courier"] = plCourierCos
}

// ---------- contact building ----------

type build struct {
	c        *Contact
	culture  string // name culture
	country  string // where their numbers are
	lang     string // it ru en id
	role     string // client supplier courier
	owner    string
	co       *company
	phones   []phone
	national string
	cityName string
	first    person

	fixedNote bool // specials: do not add a generated contact note
}

// "male|female" where the title is gendered.
var jobTitles = map[string][]string{
	"it-retail":    {"Titolare", "Titolare", "Titolare", "Socio|Socia", "Gestore|Gestrice", "Capo barista", "Responsabile di sala"},
	"it-wholesale": {"Responsabile acquisti", "Ufficio acquisti", "Direttore|Direttrice", "Contabilità", "Responsabile magazzino", "Food & Beverage Manager", "Commerciale", "Titolare"},
	"it-supplier":  {"Commerciale", "Area manager", "Responsabile vendite", "Ufficio ordini", "Tecnico|Tecnica", "Amministrazione", "Titolare"},
	"it-courier":   {"Autista", "Operatore filiale|Operatrice filiale", "Customer service"},
	"ru":           {"Генеральный директор", "Менеджер по закупкам", "Главный бухгалтер", "Директор по развитию", "Управляющий|Управляющая"},
	"en":           {"Owner", "Managing Director", "Purchasing Manager", "Export Manager", "Accounts", "Head Barista", "Operations Manager", "Sales Manager"},
	"id":           {"Direktur", "Manajer Pembelian", "Manajer Ekspor", "Staf Keuangan", "Pemilik"},
	"fr":           {"Gérant|Gérante", "Responsable achats", "Directeur commercial|Directrice commerciale", "Chef barista"},
	"de":           {"Geschäftsführer|Geschäftsführerin", "Einkauf", "Vertriebsleiter|Vertriebsleiterin", "Inhaber|Inhaberin"},
	"es":           {"Gerente", "Jefe de compras|Jefa de compras", "Director comercial|Directora comercial"},
	"pl":           {"Właściciel|Właścicielka", "Kierownik zakupów|Kierowniczka zakupów", "Dyspozytor|Dyspozytorka"},
}
var titleDept = map[string]string{
	"Responsabile acquisti": "Acquisti", "Ufficio acquisti": "Acquisti", "Contabilità": "Amministrazione", "Amministrazione": "Amministrazione",
	"Responsabile magazzino": "Magazzino", "Food & Beverage Manager": "F&B", "Commerciale": "Commerciale", "Responsabile vendite": "Commerciale",
	"Ufficio ordini": "Vendite", "Tecnico": "Assistenza tecnica", "Tecnica": "Assistenza tecnica",
	"Менеджер по закупкам": "Отдел закупок", "Главный бухгалтер": "Бухгалтерия",
	"Purchasing Manager": "Purchasing", "Accounts": "Accounts", "Export Manager": "Export", "Operations Manager": "Operations", "Sales Manager": "Sales",
	"Manajer Pembelian": "Pembelian", "Staf Keuangan": "Keuangan", "Manajer Ekspor": "Ekspor",
	"Responsable achats": "Achats", "Einkauf": "Einkauf", "Jefe de compras": "Compras", "Jefa de compras": "Compras",
}

func lbl(country string, it, other []string) string {
	if country == "IT" {
		return pick(it)
	}
	return pick(other)
}

func mainLabel(country, kind string) string {
	if country != "IT" {
		return pickS("Office", "Switchboard", "Reception", "")
	}
	switch kind {
	case "retail":
		return pickS("Negozio", "Locale", "Bar", "Fisso", "")
	case "courier":
		return pickS("Filiale", "Centralino", "")
	}
	return pickS("Centralino", "Centralino", "Switchboard", "Ufficio", "Reception", "")
}

var courierTitles = []string{"Autista", "Autista", "Autista", "Customer service"}

var personalDomains = map[string][]string{
	"IT": {"gmail.com", "gmail.com", "libero.it", "hotmail.it", "yahoo.it", "tiscali.it", "alice.it", "virgilio.it", "outlook.it"},
	"RU": {"mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru"},
	"IN": {"gmail.com", "yahoo.co.in", "rediffmail.com"},
	"ID": {"gmail.com", "yahoo.co.id"},
	"FR": {"orange.fr", "free.fr", "gmail.com", "laposte.net"},
	"DE": {"gmx.de", "web.de", "t-online.de", "gmail.com"},
	"ES": {"gmail.com", "hotmail.es", "telefonica.net"},
	"PL": {"wp.pl", "onet.pl", "gmail.com"},
}

func emailLocal(p person, work bool) string {
	g, f := ascii(p.latGiven), ascii(strings.ReplaceAll(p.latFamily, " ", ""))
	if f == "" {
		return g
	}
	if work {
		return pickS(g+"."+f, g+"."+f, g[:1]+"."+f, g, f)
	}
	return pickS(g+"."+f, g+f, f+"."+g, g+"."+f+strconv.Itoa(ri(60, 99)), g+"_"+f, g[:1]+f+strconv.Itoa(ri(1, 99)))
}

func labelFor(lang string, opts ...string) string { return pick(opts) }

// newBuild creates a contact for a person (or, if p is nil, a company only).
func newBuild(culture, country, lang, role string, p *person, co *company) *build {
	b := &build{c: &Contact{}, culture: culture, country: country, lang: lang, role: role, co: co}
	c := b.c
	if p != nil {
		b.first = *p
		c.GivenName, c.FamilyName, c.Nickname = p.given, p.family, p.nick
		c.DisplayName = p.display()
		if culture == "it" && chance(0.05) && p.family != "" {
			c.DisplayName = p.family + " " + p.given // phone-book habit
		}
	}
	cityList := countryCities[country]
	ct := pickCity(cityList)
	if co != nil {
		ct = co.city
		c.Company = co.name
	}
	b.cityName = ct.name
	// numbers
	add := func(ph phone, typ, label string) {
		b.phones = append(b.phones, ph)
		c.Numbers = append(c.Numbers, Number{Raw: format(ph), Type: typ, Label: label})
	}
	if co != nil {
		if chance(0.6) {
			add(mobileFor(country), "mobile", lbl(country, []string{"", "", "", "Aziendale", "Cellulare lavoro", "WhatsApp", "Work mobile"}, []string{"", "", "", "Work mobile", "WhatsApp"}))
		} else {
			ph := fixedFor(country, ct)
			b.phones = append(b.phones, ph)
			raw := format(ph)
			if country == "IT" && co.kind != "retail" && chance(0.2) {
				raw = formatExt(ph)
			}
			c.Numbers = append(c.Numbers, Number{Raw: raw, Type: "work", Label: lbl(country, []string{"", "", "Ufficio", "Office", "Diretto"}, []string{"", "", "Office", "Direct"})})
		}
		if !co.mainGiven && chance(0.45) {
			co.mainGiven = true
			add(fixedFor(country, ct), "main", mainLabel(country, co.kind))
		}
		if len(c.Numbers) < 3 && chance(0.2) {
			add(mobileFor(country), "mobile", lbl(country, []string{"Privato", "Personale", "Personal", ""}, []string{"Personal", "Private", ""}))
		}
		if len(c.Numbers) < 3 && co.kind != "retail" && chance(0.08) {
			add(fixedFor(country, ct), "work", lbl(country, []string{"Magazzino", "Warehouse"}, []string{"Warehouse"}))
		}
	} else if p != nil {
		add(mobileFor(country), "mobile", "")
		if chance(0.25) {
			add(fixedFor(country, ct), "home", lbl(country, []string{"", "", "Casa", "Home"}, []string{"", "Home"}))
		}
		if chance(0.05) {
			add(mobileFor(country), "other", lbl(country, []string{"WhatsApp", "Seconda SIM", "Lavoro"}, []string{"WhatsApp", "Second SIM"}))
		}
	}
	// emails
	if p != nil {
		if co != nil && chance(0.75) {
			c.Emails = append(c.Emails, Email{emailLocal(*p, true) + "@" + co.domain(), "work"})
			if chance(0.12) {
				c.Emails = append(c.Emails, Email{emailLocal(*p, false) + "@" + pick(personalDomains[country]), "home"})
			}
		} else if co == nil && chance(0.55) {
			c.Emails = append(c.Emails, Email{emailLocal(*p, false) + "@" + pick(personalDomains[country]), pickS("home", "home", "other")})
		}
	}
	// addresses, websites
	if co != nil {
		if chance(0.7) {
			c.Addresses = append(c.Addresses, Address{co.addr, "work"})
		}
		if co.hasSite && chance(0.6) {
			c.Websites = append(c.Websites, "https://"+pickS("www.", "www.", "")+co.domain())
		}
	} else if p != nil && chance(0.35) {
		addrs := ct.addrs
		if culture == "rulat" && len(ct.addrsLat) > 0 {
			addrs = ct.addrsLat
		}
		c.Addresses = append(c.Addresses, Address{fmt.Sprintf(pick(addrs), ri(1, 240)), "home"})
	}
	// personal details
	if p != nil {
		if chance(0.25) {
			d := time.Date(ri(1955, 2001), time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.Intn(365))
			c.Birthday = d.Format("2006-01-02")
		}
		if co != nil {
			tl := lang
			switch culture {
			case "fr", "de", "es", "pl":
				tl = culture
			}
			if role == "courier" && country == "IT" {
				if chance(0.7) {
					c.JobTitle = pick(courierTitles)
				}
			} else if chance(0.65) {
				key := tl
				if tl == "it" {
					key = "it-" + co.kind
				}
				t := pick(jobTitles[key])
				if i := strings.Index(t, "|"); i >= 0 { // male|female
					if p.female {
						t = t[i+1:]
					} else {
						t = t[:i]
					}
				}
				c.JobTitle = t
				if d, ok := titleDept[t]; ok && chance(0.5) {
					c.Department = d
				}
			}
		}
	}
	// national-format copy of a foreign number, for notes/custom fields
	for _, ph := range b.phones {
		if n := national(ph); n != "" && (ph.country == "RU" && !ph.mobile || ph.country == "ID" && ph.mobile || ph.country == "IN") {
			b.national = n
			break
		}
	}
	b.customFields()
	return b
}

func (b *build) customFields() {
	c, co := b.c, b.co
	addKV := func(k, v string) { c.Custom = append(c.Custom, KV{k, v}) }
	if co != nil {
		switch b.country {
		case "IT":
			if chance(0.7) {
				addKV("VAT", co.vat)
			}
			if b.role == "client" {
				if chance(0.4) {
					addKV("SDI", alnum(7))
				}
				if chance(0.5) {
					addKV("Payment terms", pickS("30 days", "60 days EOM", "Bank transfer in advance", "RiBa 60 gg d.f.f.m.", "Cash on delivery", "30 gg d.f."))
				}
				if chance(0.3) {
					addKV("Customer code", fmt.Sprintf("CL-%05d", ri(100, 9999)))
				}
				if chance(0.15) {
					addKV("Discount", pickS("5%", "8%", "10%", "12%"))
				}
			} else if b.role == "supplier" {
				if chance(0.5) {
					addKV("Supplier code", fmt.Sprintf("FO-%04d", ri(10, 999)))
				}
				if chance(0.4) {
					addKV("Lead time", pickS("5 working days", "2 weeks", "48 h", "3-4 settimane"))
				}
			} else {
				if chance(0.6) {
					addKV("Account no.", digits(8, 1))
				}
				if chance(0.4) {
					addKV("Pickup window", pickS("10:00-12:00", "14:00-16:30", "entro le 11"))
				}
			}
		case "RU":
			if chance(0.7) {
				addKV("ИНН", co.vat)
			}
			if chance(0.4) {
				addKV("Payment terms", pickS("50% prepayment", "100% prepayment", "30 days after delivery"))
			}
			if chance(0.3) {
				addKV("Incoterms", pickS("DAP Moscow", "EXW Roma", "DAP Saint Petersburg"))
			}
		case "IN":
			if chance(0.6) {
				addKV("GSTIN", co.vat)
			}
			if chance(0.4) {
				if b.role == "supplier" {
					addKV("Incoterms", "FOB Chennai")
				} else {
					addKV("Incoterms", "CIF Chennai")
				}
			}
		case "ID":
			if chance(0.6) {
				addKV("NPWP", co.vat)
			}
			if b.role == "supplier" && chance(0.4) {
				addKV("Incoterms", pickS("FOB Belawan", "FOB Tanjung Perak", "FOB Tanjung Priok"))
			}
		default:
			if chance(0.6) {
				addKV("VAT", co.vat)
			}
			if chance(0.3) {
				addKV("Payment terms", pickS("30 days", "Prepayment", "60 days"))
			}
		}
	} else if b.role == "client" && b.country == "IT" && chance(0.2) {
		addKV("Machine", pick(machines))
		if chance(0.5) {
			addKV("Serial no.", "RC"+digits(6, 1))
		}
	}
	if b.country == "ID" && b.national != "" && chance(0.6) {
		addKV("WhatsApp", b.national)
	}
	if b.country != "IT" && chance(0.15) {
		addKV("Preferred language", map[string]string{"ru": "Russian", "en": "English", "id": "Indonesian", "it": "Italian"}[b.lang])
	}
}

// ---------- groups, stages, history ----------

func (b *build) setGroups(kind string) {
	c := b.c
	switch b.role {
	case "supplier":
		c.Groups = []string{"Supplier"}
		return
	case "courier":
		c.Groups = []string{"Courier"}
		return
	}
	typ := "Retail"
	if kind == "wholesale" {
		typ = "Wholesale"
	}
	loyal := []string{"New", "Returning", ""}[wpick(35, 45, 20)]
	switch {
	case loyal == "":
		c.Groups = []string{typ}
	case chance(0.15):
		c.Groups = []string{loyal}
	default:
		c.Groups = []string{loyal, typ}
	}
}

func has(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

type deal struct {
	prod   product
	qty    int
	num    string
	disc   int
	amount int
}

func (b *build) newDeal() deal {
	pr := pick(products)
	q := pr.min + pr.step*rng.Intn((pr.max-pr.min)/pr.step+1)
	unit := map[string]float64{"macchine espresso a 2 gruppi": 4200, "macchine espresso a leva": 5600, "macinacaffè on demand": 950,
		"kg di caffè in grani": 18, "capsule compatibili": 0.24, "cialde ESE": 0.21, "tazzine con logo": 2.6, "kit guarnizioni": 14}[pr.it]
	if b.lang == "ru" { // keep Russian numerals in the genitive plural: 5-20, 25-30, ...
		for q%10 >= 1 && q%10 <= 4 && (q%100 < 11 || q%100 > 14) {
			q += pr.step
		}
	}
	d := deal{prod: pr, qty: q, num: fmt.Sprintf("%d/%d", ri(100, 980), 2026), disc: pick([]int{3, 5, 8, 10, 12, 15})}
	d.amount = int(float64(q) * unit * float64(100-d.disc) / 100)
	if d.amount < 60 {
		d.amount = 60
	}
	return d
}

func (b *build) fill(s string, d deal) string {
	prod := map[string]string{"it": d.prod.it, "en": d.prod.en, "ru": d.prod.ru, "id": d.prod.id}[b.lang]
	sep := map[string]string{"it": ".", "en": ",", "ru": " ", "id": "."}[b.lang]
	r := strings.NewReplacer("{qty}", thousands(d.qty, sep), "{product}", prod, "{day}", pick(days[b.lang]), "{num}", d.num,
		"{disc}", strconv.Itoa(d.disc), "{machine}", pick(machines), "{year}", strconv.Itoa(ri(2009, 2024)),
		"{amount}", thousands(d.amount, sep), "{city}", b.cityName, "{national}", b.national, "{given}", b.first.given, "{staff}", b.owner)
	return r.Replace(s)
}

func (b *build) tpl(purpose string, d deal) string {
	return b.fill(pick(histTpl[b.lang][purpose]), d)
}

type session struct {
	stage string // "" for fillers
	kind  string // full, nocall, stageonly, missed, callback, general, note
}

func cost(s session) int {
	switch s.kind {
	case "full":
		return 3
	case "nocall", "callnote", "callback":
		return 2
	case "general":
		return 2
	}
	return 1 // stageonly, missed, note, callonly
}

func (b *build) history() {
	c := b.c
	client := b.role == "client"
	var trans []string
	if client {
		isNew := has(c.Groups, "New")
		var final string
		switch {
		case isNew:
			final = []string{"new", "quoted", "ordered", "paid", "lost"}[wpick(28, 35, 17, 5, 15)]
		case has(c.Groups, "Returning"):
			final = []string{"new", "quoted", "ordered", "paid", "done", "lost"}[wpick(5, 20, 25, 20, 25, 5)]
		default:
			final = []string{"new", "quoted", "ordered", "paid", "done", "lost"}[wpick(10, 25, 20, 15, 20, 10)]
		}
		c.Stage = final
		var path []string
		if final == "lost" {
			upto := wpick(35, 55, 10) // lost after new / quoted / ordered
			path = append(append(path, stageChain[:upto+1]...), "lost")
		} else {
			for _, s := range stageChain {
				path = append(path, s)
				if s == final {
					break
				}
			}
		}
		trans = path[1:]
		if !isNew && len(trans) > 0 {
			trans = trans[rng.Intn(len(trans)):] // the cycle may have started before the window
			if chance(0.2) {
				trans = nil
			}
		}
	}
	budget := []int{0, ri(1, 3), ri(4, 7), ri(8, 12)}[wpick(10, 25, 40, 25)]
	if budget == 0 {
		if has(c.Groups, "New") && c.Stage != "lost" {
			c.Stage = "new" // a new client nobody has talked to yet
		}
		return
	}
	if len(trans) > budget {
		trans = trans[len(trans)-budget:]
	}
	remaining := budget
	var stageS []session
	for i, st := range trans {
		avail := remaining - (len(trans) - i - 1)
		var s session
		switch {
		case avail >= 3 && (st != "paid" || chance(0.5)):
			s = session{st, "full"}
		case avail >= 2:
			s = session{st, "nocall"}
		default:
			s = session{st, "stageonly"}
		}
		if s.kind == "full" && chance(0.15) {
			s.kind = "callstage" // answered call + stage, no note
		}
		remaining -= map[string]int{"full": 3, "nocall": 2, "stageonly": 1, "callstage": 2}[s.kind]
		stageS = append(stageS, s)
	}
	var fillers []session
	for remaining > 0 {
		var k string
		switch {
		case remaining >= 3 && chance(0.1):
			k = "callback3"
		case remaining >= 2 && chance(0.35):
			k = pickS("general", "general", "general", "callback", "missednote")
		default:
			k = pickS("missed", "callonly", "callonly", "callonly", "note")
		}
		n := map[string]int{"callback3": 3, "general": 2, "callback": 2, "missednote": 2, "missed": 1, "callonly": 1, "note": 1}[k]
		remaining -= n
		fillers = append(fillers, session{"", k})
	}
	// interleave fillers among stage sessions, keeping stage order
	all := append([]session(nil), stageS...)
	for _, f := range fillers {
		i := rng.Intn(len(all) + 1)
		all = append(all[:i], append([]session{f}, all[i:]...)...)
	}
	// days
	firstDay := 0
	if has(c.Groups, "New") {
		firstDay = 90 - ri(20, 40)
	}
	dayset := map[int]bool{}
	var dayIdx []int
	for len(dayIdx) < len(all) {
		d := ri(firstDay, 89)
		t := endAt.AddDate(0, 0, d-90)
		wd := t.Weekday()
		if wd == time.Sunday || (wd == time.Saturday && !chance(0.15)) || dayset[d] {
			continue
		}
		dayset[d] = true
		dayIdx = append(dayIdx, d)
	}
	sort.Ints(dayIdx)
	d := b.newDeal()
	for i, s := range all {
		day := endAt.AddDate(0, 0, dayIdx[i]-90)
		var h0, h1 int // minutes of day
		switch b.country {
		case "IN", "ID":
			h0, h1 = 7*60+30, 12*60+30
		case "RU":
			h0, h1 = 8*60+30, 16*60+30
		default:
			h0, h1 = 8*60+30, 19*60
		}
		t := day.Add(time.Duration(ri(h0, h1)) * time.Minute)
		b.session(s, t, d)
	}
}

func (b *build) by() string {
	if chance(0.75) {
		return b.owner
	}
	return pick(staff)
}

func (b *build) call(t time.Time, dir, outcome, who string) Event {
	e := Event{Kind: "call", At: ts(t), Direction: dir, Outcome: outcome, By: who, SimSlot: 1}
	if chance(0.15) {
		e.SimSlot = 2
	}
	if outcome == "answered" {
		e.DurationS = ri(15, 60) + int(rng.ExpFloat64()*150)
		if e.DurationS > 1800 {
			e.DurationS = 1800 - ri(0, 300)
		}
	}
	return e
}

func ts(t time.Time) string { return t.In(rome).Format("2006-01-02T15:04:05-07:00") }

func (b *build) generalPurpose() string {
	switch b.role {
	case "supplier":
		return "supplier"
	case "courier":
		return "courier"
	}
	return "general"
}

func (b *build) session(s session, t time.Time, d deal) {
	c := b.c
	who := b.by()
	dir := pickS("incoming", "outgoing")
	after := func(e Event) time.Time {
		at, _ := time.Parse(time.RFC3339, e.At)
		return at.Add(time.Duration(e.DurationS)*time.Second + time.Duration(ri(1, 6))*time.Minute).Truncate(time.Minute)
	}
	note := func(at time.Time, purpose string) Event {
		return Event{Kind: "note", At: ts(at), By: who, Text: b.tpl(purpose, d)}
	}
	stage := func(at time.Time, st string) Event { return Event{Kind: "stage", At: ts(at), By: who, Stage: st} }
	badOutcome := func(dir string) string {
		if dir == "incoming" {
			return []string{"missed", "rejected"}[wpick(80, 20)]
		}
		return []string{"missed", "busy", "rejected"}[wpick(50, 35, 15)]
	}
	switch s.kind {
	case "full":
		cl := b.call(t, dir, "answered", who)
		n := note(after(cl), s.stage)
		at, _ := time.Parse(time.RFC3339, n.At)
		c.History = append(c.History, cl, n, stage(at.Add(time.Duration(ri(1, 3))*time.Minute), s.stage))
	case "callstage":
		cl := b.call(t, dir, "answered", who)
		c.History = append(c.History, cl, stage(after(cl), s.stage))
	case "nocall":
		c.History = append(c.History, note(t, s.stage), stage(t.Add(time.Minute), s.stage))
	case "stageonly":
		c.History = append(c.History, stage(t, s.stage))
	case "callonly":
		if chance(0.65) {
			c.History = append(c.History, b.call(t, dir, "answered", who))
		} else {
			c.History = append(c.History, b.call(t, dir, badOutcome(dir), who))
		}
	case "missed":
		if dir == "incoming" && chance(0.2) { // evening call to the office phone
			t = time.Date(t.Year(), t.Month(), t.Day(), ri(19, 20), ri(0, 59), 0, 0, rome)
		}
		c.History = append(c.History, b.call(t, dir, badOutcome(dir), who))
	case "missednote":
		cl := b.call(t, dir, badOutcome(dir), who)
		c.History = append(c.History, cl, note(t.Add(time.Duration(ri(1, 4))*time.Minute), "missed"))
	case "general":
		cl := b.call(t, dir, "answered", who)
		c.History = append(c.History, cl, note(after(cl), b.generalPurpose()))
	case "callback", "callback3":
		m := b.call(t, "incoming", "missed", who)
		cb := b.call(t.Add(time.Duration(ri(5, 90))*time.Minute), "outgoing", "answered", who)
		c.History = append(c.History, m, cb)
		if s.kind == "callback3" {
			c.History = append(c.History, note(after(cb), b.generalPurpose()))
		}
	case "note":
		c.History = append(c.History, note(t, b.generalPurpose()))
	}
}

func (b *build) contactNote() {
	if !chance(0.45) {
		return
	}
	opts := contactNoteTpl[b.lang][b.role]
	var ok []string
	for _, o := range opts {
		if strings.Contains(o, "{national}") && b.national == "" {
			continue
		}
		ok = append(ok, o)
	}
	if len(ok) > 0 {
		b.c.Note = b.fill(pick(ok), b.newDeal())
	}
}

func ownerFor(country, role string) string {
	switch {
	case country == "RU":
		return []string{"Anna", "Giulia", "Marco", "Luca"}[wpick(85, 5, 5, 5)]
	case country != "IT":
		return []string{"Luca", "Marco", "Giulia", "Anna"}[wpick(60, 25, 10, 5)]
	case role == "supplier":
		return []string{"Marco", "Giulia", "Luca", "Anna"}[wpick(60, 20, 15, 5)]
	case role == "courier":
		return []string{"Luca", "Giulia", "Marco", "Anna"}[wpick(50, 30, 15, 5)]
	}
	return []string{"Giulia", "Marco", "Anna", "Luca"}[wpick(35, 30, 15, 20)]
}

// ---------- population ----------

type spec struct {
	culture, country, lang, role string
	n                            int
	companyP                     float64
	pool                         string // foreign company pool prefix
}

var specs = []spec{
	{"it", "IT", "it", "client", 196, 0.6, ""},
	{"it", "IT", "it", "supplier", 22, 0.9, ""},
	{"it", "IT", "it", "courier", 14, 0.6, ""},
	{"ta", "IT", "it", "client", 5, 0.4, ""},
	{"talat", "IT", "it", "courier", 1, 1, ""},
	{"ru", "RU", "ru", "client", 20, 0.75, "ru"},
	{"rulat", "RU", "en", "client", 3, 1, "rulat"},
	{"ru", "IT", "it", "client", 4, 0.0, ""},
	{"ta", "IN", "en", "client", 8, 0.8, "in-client"},
	{"talat", "IN", "en", "client", 3, 1, "in-client"},
	{"ta", "IN", "en", "supplier", 3, 1, "in-supplier"},
	{"talat", "IN", "en", "supplier", 2, 1, "in-supplier"},
	{"id", "ID", "id", "client", 10, 0.7, "id-client"},
	{"id", "ID", "id", "supplier", 8, 1, "id-supplier"},
	{"fr", "FR", "en", "client", 8, 0.7, "fr-client"},
	{"fr", "FR", "en", "supplier", 2, 1, "fr-supplier"},
	{"de", "DE", "en", "client", 8, 0.7, "de-client"},
	{"de", "DE", "en", "supplier", 4, 1, "de-supplier"},
	{"de", "DE", "en", "courier", 1, 1, "de-courier"},
	{"es", "ES", "en", "client", 5, 0.7, "es-client"},
	{"es", "ES", "en", "supplier", 1, 1, "es-supplier"},
	{"pl", "PL", "en", "client", 3, 0.6, "pl-client"},
	{"pl", "PL", "en", "courier", 2, 1, "pl-courier"},
}

// Names that must appear in the demo, given to the first person of each culture.
var forced = map[string][]person{
	"it": {{given: "Nicolò", family: "Ferri"}, {given: "Niccolò", family: "Cantù"}},
	"fr": {{given: "Françoise", family: "Lefèvre", female: true}},
	"es": {{given: "José", family: "García Núñez"}},
	"de": {{given: "Jürgen", family: "Müller"}},
	"pl": {{given: "Łukasz", family: "Wiśniewski"}},
	"ru": {{given: "Анна", family: "Смирнова", latGiven: "Anna", latFamily: "Smirnova", female: true}, {given: "Дмитрий", family: "Иванов", latGiven: "Dmitry", latFamily: "Ivanov"}},
	"id": {{given: "Siti", family: "Rahayu", female: true}, {given: "Budi", family: "Santoso"}},
	"ta": {{given: "கார்த்திக்", family: "வெங்கடேசன்", latGiven: "Karthik", latFamily: "Venkatesan"}},
}

func personFor(culture string) person {
	if fs := forced[culture]; len(fs) > 0 {
		p := fs[0]
		forced[culture] = fs[1:]
		if p.latGiven == "" {
			p.latGiven, p.latFamily = p.given, p.family
		}
		return p
	}
	return makePerson(culture)
}

func generate() Dataset {
	rng = rand.New(rand.NewSource(seed))
	var err error
	if rome, err = time.LoadLocation("Europe/Rome"); err != nil {
		panic(err)
	}
	endAt = time.Date(2026, 11, 24, 0, 0, 0, 0, rome)

	var all []*build
	for _, sp := range specs {
		for i := 0; i < sp.n; i++ {
			p := personFor(sp.culture)
			var co *company
			kind := "retail"
			if sp.role == "client" && (sp.country != "IT" && chance(0.6) || sp.country == "IT" && chance(0.35)) {
				kind = "wholesale"
			}
			if sp.role != "client" {
				kind = sp.role
			}
			if chance(sp.companyP) {
				co = getCompany(sp.country, kind, sp.pool, sp.culture == "ru")
				kind = co.kind
			}
			b := newBuild(sp.culture, sp.country, sp.lang, sp.role, &p, co)
			b.owner = ownerFor(sp.country, sp.role)
			b.setGroups(kind)
			all = append(all, b)
		}
	}
	all = append(all, specials()...)

	// deterministic shuffle, then ids
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	for i, b := range all {
		b.c.ID = fmt.Sprintf("demo-%04d", i+1)
	}
	// notes & history (after shuffle so ids are stable whatever the text)
	for _, b := range all {
		if !b.fixedNote {
			b.contactNote()
		}
		b.history()
	}
	decorate(all)

	ds := Dataset{Version: 1, DefaultRegion: "IT", Staff: staff, Stages: []string{"new", "quoted", "ordered", "paid", "done", "lost"}}
	for _, b := range all {
		ds.Contacts = append(ds.Contacts, *b.c)
	}
	return ds
}

func main() {
	out := flag.String("o", "testdata/demo.json", "output file")
	flag.Parse()
	ds := generate()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ds); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := check(buf.Bytes(), os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "CHECK FAILED:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "wrote %s (%d bytes)\n", *out, buf.Len())
}
