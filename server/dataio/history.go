package dataio

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// HistoryHeader is the header of an export's history sheet or file. A call
// carries its own number as shown and normalized (a contact's history keeps
// which of its numbers was called); a note has only the normalized number.
var HistoryHeader = []string{"Contact ID", "Contact", "Kind", "At", "By", "Direction", "Outcome", "Duration (s)", "SIM", "Number", "Number key", "Text", "From stage", "Stage", "Call ID"}

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
	return []string{e.ContactID, name, e.Kind, e.At.UTC().Format(time.RFC3339Nano), e.By, e.Direction, e.Outcome, dur, sim,
		e.NumberRaw, e.NumberKey, text, from, e.Stage, e.CallID}
}

// attachHistory reads history rows (a header row, then lines) and gives
// each record the entries of its contact ID. Calls and notes of numbers no
// contact had, or of contacts not in the file, go to src.NumberHistory
// (kept against their number, as the store keeps unknown and withheld
// callers); stage changes of contacts not in the file are skipped with a
// warning.
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
	_, numberSet := col[foldHeader("Number")]
	byID := map[string][]sqlite.ImportEntry{}
	bad := 0
	for _, r := range rows[1:] {
		at, err := time.Parse(time.RFC3339Nano, get(r, "At"))
		kind := get(r, "Kind")
		if kind == "message" { // messages to clients are exported for the record, never imported back
			continue
		}
		if err != nil || (kind != contacts.KindCall && kind != contacts.KindNote && kind != contacts.KindStage) {
			bad++
			continue
		}
		dur, _ := strconv.Atoi(get(r, "Duration (s)"))
		sim, _ := strconv.Atoi(get(r, "SIM"))
		e := sqlite.ImportEntry{
			SeedEntry: contacts.SeedEntry{Kind: kind, At: at, By: get(r, "By"), Direction: get(r, "Direction"),
				Outcome: get(r, "Outcome"), DurationS: dur, SIMSlot: sim, Text: get(r, "Text"), Stage: get(r, "Stage")},
			NumberRaw: get(r, "Number"), NumberKey: get(r, "Number key"), NumberSet: numberSet,
			CallID: get(r, "Call ID"), FromStage: get(r, "From stage"),
		}
		byID[get(r, "Contact ID")] = append(byID[get(r, "Contact ID")], e)
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
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids) // unknown numbers ("") first, then the rest in a stable order
	for _, id := range ids {
		for _, e := range byID[id] {
			if e.Kind == contacts.KindStage {
				lost++
				continue
			}
			src.NumberHistory = append(src.NumberHistory, e)
		}
	}
	if bad > 0 {
		src.Warnings = append(src.Warnings, fmt.Sprintf("%s: %d history lines not understood, skipped", name, bad))
	}
	if lost > 0 {
		src.Warnings = append(src.Warnings, fmt.Sprintf("%s: %d stage changes of contacts not in the file, skipped", name, lost))
	}
	src.HistoryRows -= lost
}
