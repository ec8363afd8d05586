package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// numberKey normalises a raw number the way a libphonenumber parser with
// default region IT would (E.164, extension dropped). It is deliberately
// independent of the generator's own phone structs.
func numberKey(raw string) (string, error) {
	s := strings.TrimPrefix(raw, "tel:")
	for _, sep := range []string{" ext. ", " int. ", " x"} {
		if i := strings.Index(s, sep); i >= 0 {
			s = s[:i]
		}
	}
	s = strings.ReplaceAll(s, "(0)", "")
	var d strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case strings.ContainsRune(" -./()+", r):
		default:
			return "", fmt.Errorf("unexpected %q in %q", r, raw)
		}
	}
	ds := d.String()
	var k string
	switch {
	case strings.HasPrefix(s, "+"):
		k = "+" + ds
	case strings.HasPrefix(ds, "00"):
		k = "+" + ds[2:]
	default:
		k = "+39" + ds
	}
	// plausible lengths per country
	ok := false
	switch {
	case strings.HasPrefix(k, "+393"):
		ok = len(k) == 13
	case strings.HasPrefix(k, "+390"):
		ok = len(k) >= 11 && len(k) <= 14
	case strings.HasPrefix(k, "+7"):
		ok = len(k) == 12
	case strings.HasPrefix(k, "+91"):
		ok = len(k) == 13
	case strings.HasPrefix(k, "+62"):
		ok = len(k) >= 11 && len(k) <= 15
	case strings.HasPrefix(k, "+33"), strings.HasPrefix(k, "+34"), strings.HasPrefix(k, "+48"):
		ok = len(k) == 12
	case strings.HasPrefix(k, "+49"):
		ok = len(k) >= 12 && len(k) <= 14
	}
	if !ok {
		return "", fmt.Errorf("implausible number %q -> %s", raw, k)
	}
	return k, nil
}

var allowedKeys = map[string]bool{"id": true, "display_name": true, "given_name": true, "family_name": true, "nickname": true,
	"company": true, "job_title": true, "department": true, "numbers": true, "emails": true, "addresses": true, "websites": true,
	"birthday": true, "groups": true, "note": true, "custom": true, "photo_url": true, "stage": true, "history": true}

func isEmoji(r rune) bool { return r >= 0x1F300 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF }

func check(data []byte, w io.Writer) error {
	var errs []string
	fail := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }

	// valid JSON, only known fields
	var ds Dataset
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ds); err != nil {
		return fmt.Errorf("invalid JSON: %v", err)
	}
	var raw struct {
		Contacts []map[string]json.RawMessage `json:"contacts"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	for _, m := range raw.Contacts {
		for k, v := range m {
			if !allowedKeys[k] {
				fail("unknown key %s", k)
			}
			if s := string(v); s == `""` || s == "[]" || s == "null" || s == "{}" {
				fail("empty value for %s in %s", k, m["id"])
			}
		}
	}
	if ds.Version != 1 || ds.DefaultRegion != "IT" || len(ds.Staff) != 4 || len(ds.Stages) != 6 {
		fail("bad top level")
	}
	if len(ds.Contacts) < 320 {
		fail("only %d contacts", len(ds.Contacts))
	}
	staffOK := map[string]bool{}
	for _, s := range ds.Staff {
		staffOK[s] = true
	}
	stageIdx := map[string]int{"new": 0, "quoted": 1, "ordered": 2, "paid": 3, "done": 4, "lost": 9}
	groupsOK := map[string]bool{"New": true, "Returning": true, "Wholesale": true, "Retail": true, "Supplier": true, "Courier": true}
	clientG := map[string]bool{"New": true, "Returning": true, "Wholesale": true, "Retail": true}
	typesOK := map[string]bool{"mobile": true, "work": true, "home": true, "main": true, "other": true}
	loc, _ := time.LoadLocation("Europe/Rome")
	end := time.Date(2026, 11, 24, 0, 0, 0, 0, loc)
	start := end.AddDate(0, 0, -90)

	groupCount := map[string]int{}
	owners := map[string][]string{} // number key -> contact ids
	ids := map[string]bool{}
	var nNumbers, nHist, cyr, tamil, latinAcc, emoji, long, companyOnly, nickOnly, withExt int
	typeCount, kindCount, outcomeCount, perNumbers := map[string]int{}, map[string]int{}, map[string]int{}, map[int]int{}
	for _, c := range ds.Contacts {
		if ids[c.ID] {
			fail("duplicate id %s", c.ID)
		}
		ids[c.ID] = true
		if len(c.Groups) < 1 || len(c.Groups) > 2 {
			fail("%s: %d groups", c.ID, len(c.Groups))
		}
		isClient := false
		for _, g := range c.Groups {
			if !groupsOK[g] {
				fail("%s: bad group %s", c.ID, g)
			}
			groupCount[g]++
			isClient = isClient || clientG[g]
		}
		if c.Stage != "" && !isClient {
			fail("%s: stage on non-client", c.ID)
		}
		if isClient && c.Stage == "" {
			fail("%s: client without stage", c.ID)
		}
		if len(c.Numbers) == 0 || len(c.Numbers) > 3 {
			fail("%s: %d numbers", c.ID, len(c.Numbers))
		}
		perNumbers[len(c.Numbers)]++
		seen := map[string]bool{}
		for _, n := range c.Numbers {
			nNumbers++
			typeCount[n.Type]++
			if !typesOK[n.Type] {
				fail("%s: bad number type %s", c.ID, n.Type)
			}
			if strings.Contains(n.Raw, "ext.") || strings.Contains(n.Raw, "int.") {
				withExt++
			}
			k, err := numberKey(n.Raw)
			if err != nil {
				fail("%s: %v", c.ID, err)
				continue
			}
			if seen[k] {
				fail("%s: number %s twice", c.ID, k)
			}
			seen[k] = true
			owners[k] = append(owners[k], c.ID)
		}
		name := c.DisplayName + c.GivenName + c.FamilyName
		for _, r := range name {
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				cyr++
			case unicode.Is(unicode.Tamil, r):
				tamil++
			case r > 0x7f && unicode.Is(unicode.Latin, r):
				latinAcc++
			}
		}
		notes := c.Note
		for _, h := range c.History {
			notes += h.Text
		}
		if strings.IndexFunc(notes, isEmoji) >= 0 {
			emoji++
		}
		if utf8.RuneCountInString(c.Note) == 1500 {
			long++
		}
		if c.GivenName == "" && c.FamilyName == "" && c.Company != "" && c.DisplayName == c.Company && c.Nickname == "" {
			companyOnly++
		}
		if c.Nickname != "" && c.DisplayName == "" && c.GivenName == "" && c.FamilyName == "" && c.Company == "" && len(c.Numbers) == 1 &&
			len(c.Emails) == 0 && len(c.Addresses) == 0 && c.Note == "" && len(c.Custom) == 0 {
			nickOnly++
		}
		if c.DisplayName == "" && c.Nickname == "" {
			fail("%s: no display name and no nickname", c.ID)
		}
		// history
		if len(c.History) > 12 {
			fail("%s: %d history entries", c.ID, len(c.History))
		}
		last, lastStage := time.Time{}, -1
		stageSeen := ""
		for _, h := range c.History {
			nHist++
			kindCount[h.Kind]++
			t, err := time.Parse(time.RFC3339, h.At)
			if err != nil {
				fail("%s: bad time %s", c.ID, h.At)
				continue
			}
			if !t.Before(end) || t.Before(start) {
				fail("%s: time out of window %s", c.ID, h.At)
			}
			if _, off := t.Zone(); off != func() int { _, o := t.In(loc).Zone(); return o }() {
				fail("%s: offset is not Europe/Rome's: %s", c.ID, h.At)
			}
			if t.Before(last) {
				fail("%s: history not in time order", c.ID)
			}
			last = t
			if !staffOK[h.By] {
				fail("%s: bad by %q", c.ID, h.By)
			}
			switch h.Kind {
			case "call":
				outcomeCount[h.Direction+"/"+h.Outcome]++
				if h.Direction != "incoming" && h.Direction != "outgoing" || h.SimSlot < 1 || h.SimSlot > 2 || h.Text != "" || h.Stage != "" {
					fail("%s: bad call %+v", c.ID, h)
				}
				switch h.Outcome {
				case "answered":
					if h.DurationS <= 0 {
						fail("%s: answered without duration", c.ID)
					}
				case "missed", "rejected", "busy":
					if h.DurationS != 0 {
						fail("%s: unanswered with duration", c.ID)
					}
				default:
					fail("%s: bad outcome %s", c.ID, h.Outcome)
				}
			case "note":
				if h.Text == "" || h.Direction != "" || h.Stage != "" {
					fail("%s: bad note", c.ID)
				}
			case "stage":
				i, ok := stageIdx[h.Stage]
				if !ok || h.Text != "" {
					fail("%s: bad stage %q", c.ID, h.Stage)
				}
				if !isClient {
					fail("%s: stage entry on non-client", c.ID)
				}
				if i <= lastStage && h.Stage != "lost" || lastStage == 9 {
					fail("%s: stage goes backwards to %s", c.ID, h.Stage)
				}
				lastStage, stageSeen = i, h.Stage
			default:
				fail("%s: bad kind %s", c.ID, h.Kind)
			}
		}
		if stageSeen != "" && stageSeen != c.Stage {
			fail("%s: last stage move %s != stage %s", c.ID, stageSeen, c.Stage)
		}
	}
	for g := range groupsOK {
		if groupCount[g] == 0 {
			fail("group %s missing", g)
		}
	}
	var shared []string
	for k, o := range owners {
		if len(o) > 1 {
			shared = append(shared, k)
			if len(o) != 2 {
				fail("number %s shared by %d contacts", k, len(o))
			}
		}
	}
	sort.Strings(shared)
	if len(shared) != 4 {
		fail("%d shared numbers, want 4: %v", len(shared), shared)
	}
	if cyr == 0 || tamil == 0 || latinAcc == 0 {
		fail("scripts: cyrillic=%d tamil=%d latin-accented=%d", cyr, tamil, latinAcc)
	}
	for _, must := range []string{"Nicolò", "Françoise", "José", "Müller", "Łukasz", "Анна Смирнова", "Дмитрий Иванов", "முருகன் சுப்பிரமணியம்", "Siti Rahayu", "Budi Santoso"} {
		if !bytes.Contains(data, []byte(must)) {
			fail("name %q missing", must)
		}
	}
	if emoji < 3 || long != 1 || companyOnly != 1 || nickOnly != 1 {
		fail("specials: emoji=%d long=%d companyOnly=%d nickOnly=%d", emoji, long, companyOnly, nickOnly)
	}

	fmt.Fprintf(w, "contacts: %d\n", len(ds.Contacts))
	for _, g := range []string{"New", "Returning", "Wholesale", "Retail", "Supplier", "Courier"} {
		fmt.Fprintf(w, "  group %-9s %d\n", g, groupCount[g])
	}
	fmt.Fprintf(w, "numbers: %d (distinct %d, with extension %d) by type %v; contacts with 1/2/3 numbers: %d/%d/%d\n",
		nNumbers, len(owners), withExt, typeCount, perNumbers[1], perNumbers[2], perNumbers[3])
	fmt.Fprintf(w, "shared numbers: %v\n", shared)
	for _, k := range shared {
		fmt.Fprintf(w, "  %s -> %v\n", k, owners[k])
	}
	fmt.Fprintf(w, "history entries: %d by kind %v\n  calls %v\n", nHist, kindCount, outcomeCount)
	fmt.Fprintf(w, "emoji notes: %d, 1500-char notes: %d, company-only: %d, nickname-only: %d\n", emoji, long, companyOnly, nickOnly)
	if len(errs) > 0 {
		if len(errs) > 30 {
			errs = append(errs[:30], fmt.Sprintf("... and %d more", len(errs)-30))
		}
		return fmt.Errorf("\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}
