package dataio

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// HistoryHeader is the header of an export's history sheet or file.
var HistoryHeader = []string{"Contact ID", "Contact", "Kind", "At", "By", "Direction", "Outcome", "Duration (s)", "SIM", "Number", "Text", "From stage", "Stage"}

// historyRow is one history line as an export writes it.
func historyRow(e sqlite.ExportEntry, name string) []string {
	text, from := e.Text, ""
	if e.Kind == contacts.KindStage {
		text, from = "", e.Text
	}
	if e.Kind == contacts.KindCall {
		text = ""
	}
	sim := ""
	if e.SIMSlot > 0 {
		sim = strconv.Itoa(e.SIMSlot)
	}
	dur := ""
	if e.Kind == contacts.KindCall {
		dur = strconv.Itoa(e.DurationS)
	}
	return []string{e.ContactID, name, e.Kind, e.At.UTC().Format(time.RFC3339Nano), e.By, e.Direction, e.Outcome, dur, sim, e.Number, text, from, e.Stage}
}

// attachHistory reads history rows (a header row, then lines) and gives
// each record the entries of its contact ID.
func attachHistory(src *Source, rows [][]string, name string) {
	if len(rows) < 2 {
		return
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[foldHeader(h)] = i
	}
	get := func(r []string, h string) string {
		if i, ok := col[foldHeader(h)]; ok && i < len(r) {
			return strings.TrimSpace(r[i])
		}
		return ""
	}
	byID := map[string][]contacts.SeedEntry{}
	bad, orphans := 0, 0
	for _, r := range rows[1:] {
		id := get(r, "Contact ID")
		at, err := time.Parse(time.RFC3339Nano, get(r, "At"))
		kind := get(r, "Kind")
		if err != nil || (kind != contacts.KindCall && kind != contacts.KindNote && kind != contacts.KindStage) {
			bad++
			continue
		}
		if id == "" {
			orphans++
			continue
		}
		dur, _ := strconv.Atoi(get(r, "Duration (s)"))
		sim, _ := strconv.Atoi(get(r, "SIM"))
		byID[id] = append(byID[id], contacts.SeedEntry{Kind: kind, At: at, By: get(r, "By"), Direction: get(r, "Direction"),
			Outcome: get(r, "Outcome"), DurationS: dur, SIMSlot: sim, Text: get(r, "Text"), Stage: get(r, "Stage")})
		src.HistoryRows++
	}
	for i := range src.Records {
		rec := &src.Records[i]
		if h, ok := byID[rec.Contact.ID]; ok && rec.Contact.ID != "" {
			rec.History = h
			delete(byID, rec.Contact.ID)
		}
	}
	lost := 0
	for _, h := range byID {
		lost += len(h)
	}
	if bad > 0 {
		src.Warnings = append(src.Warnings, fmt.Sprintf("%s: %d history lines not understood, skipped", name, bad))
	}
	if orphans > 0 {
		src.Warnings = append(src.Warnings, fmt.Sprintf("%s: %d calls or notes to numbers without a contact, skipped", name, orphans))
	}
	if lost > 0 {
		src.Warnings = append(src.Warnings, fmt.Sprintf("%s: %d history lines of contacts not in the file, skipped", name, lost))
	}
	src.HistoryRows -= lost
}
