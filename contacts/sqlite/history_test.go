package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// A card's history is the latest calls, notes and stage changes, newest
// first, up to the limit; entries at the same millisecond come calls
// first, then notes, then stage changes, and within each the later stored
// first. A call skipped (the one ringing) is left out; so is what belongs
// to another contact, and, for a number without a contact, what a contact
// has.
func TestHistoryOrderAndLimit(t *testing.T) {
	db, c, other := twoContacts(t)
	ctx := context.Background()
	base := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	same := base.Add(time.Hour) // several entries at this millisecond
	call := func(id, contactID, key string, at time.Time) {
		t.Helper()
		storeCall(t, db, storedCall{id: id, contactID: contactID, key: key, direction: "in", outcome: "answered", at: at, durationS: 30})
	}
	note := func(text, contactID, key string, at time.Time) {
		t.Helper()
		if _, err := db.AddNote(ctx, &contacts.Note{ID: contacts.NewID(), ContactID: contactID, NumberKey: key, Text: text, Author: "Anna", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	stage := func(to string, at time.Time) {
		t.Helper()
		if err := db.ExecForTest(ctx, `INSERT INTO stage_changes (contact_id, from_stage, to_stage, by_name, at_ms) VALUES (?, '', ?, 'Anna', ?)`, c.ID, to, at.UnixMilli()); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 6 { // older entries, one a minute
		call(fmt.Sprintf("old-call-%d", i), c.ID, "", base.Add(time.Duration(3*i)*time.Minute))
		note(fmt.Sprintf("old note %d", i), c.ID, "", base.Add(time.Duration(3*i+1)*time.Minute))
		stage(fmt.Sprintf("old stage %d", i), base.Add(time.Duration(3*i+2)*time.Minute))
	}
	stage("offer sent", same)
	note("первая", c.ID, "", same)
	call("same-call-1", c.ID, "", same)
	note("вторая", c.ID, "", same)
	call("same-call-2", c.ID, "", same)
	call("ringing", c.ID, "", same.Add(time.Minute)) // skipped
	note("not hers", other.ID, "", same.Add(time.Minute))
	call("not hers", other.ID, "", same.Add(time.Minute))

	got, err := db.History(ctx, c.ID, "", 8, "ringing")
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, h := range got {
		seen = append(seen, h.Kind+" "+h.Text+" "+h.At.UTC().Format("15:04"))
	}
	want := []string{
		"call Incoming, answered, 0m30s 10:00", "call Incoming, answered, 0m30s 10:00", // same-call-2, same-call-1
		"note вторая 10:00", "note первая 10:00",
		"stage Stage: offer sent 10:00",
		"stage Stage: old stage 5 09:17", "note old note 5 09:16", "call Incoming, answered, 0m30s 09:15",
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
	if got[0].CallID != "same-call-2" || got[1].CallID != "same-call-1" {
		t.Errorf("calls at the same millisecond: %s then %s; want the later stored first (same-call-2, same-call-1)", got[0].CallID, got[1].CallID)
	}

	// A number no contact has: its own calls and notes only.
	call("stranger-1", "", "+390611111111", base)
	note("chi è?", "", "+390611111111", base.Add(time.Minute))
	call("stranger-2", "", "+390611111111", base.Add(2*time.Minute))
	got, err = db.History(ctx, "", "+390611111111", 2, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].CallID != "stranger-2" || got[1].Text != "chi è?" {
		t.Errorf("a number's history: %+v; want the call stranger-2, then the note", got)
	}
	if got, err := db.History(ctx, c.ID, "", 0, ""); err != nil || len(got) != 0 {
		t.Errorf("limit 0: %d entries, %v", len(got), err)
	}
}

// The history's one statement reads each kind newest first from its index,
// sorting nothing and scanning no table.
func TestHistoryReadsItsIndexes(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	for _, tc := range []struct {
		contactID, key string
		indexes        []string
	}{
		{"c-1", "", []string{"calls_contact", "notes_contact", "stage_changes_contact"}},
		{"", "+390611111111", []string{"calls_number", "notes_number"}},
	} {
		q, args := sqlite.HistoryQueryForTest(tc.contactID, tc.key)
		plan, err := db.PlanForTest(context.Background(), q, args...)
		if err != nil {
			t.Fatal(err)
		}
		for _, ix := range tc.indexes {
			if !strings.Contains(plan, "USING INDEX "+ix) {
				t.Errorf("plan does not use %s: %s", ix, plan)
			}
		}
		if strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "SCAN calls") || strings.Contains(plan, "SCAN notes") || strings.Contains(plan, "SCAN stage_changes") {
			t.Errorf("plan sorts or scans a table: %s", plan)
		}
	}
}

// LastAndOpenCall finds a contact's last call and call in progress, whatever
// calls the contact has: none, ended ones, one in progress, the one
// ringing, or one in progress for too long.
func TestLastAndOpenCall(t *testing.T) {
	db, c, other := twoContacts(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	add := func(id, contactID, outcome string, at time.Time) *contacts.Call {
		t.Helper()
		sc := storedCall{id: id, contactID: contactID, key: "+393331234567", direction: "out", outcome: outcome, at: at, durationS: 60}
		if outcome != "" {
			sc.ended = at.Add(time.Minute)
		}
		return storeCall(t, db, sc)
	}
	idOf := func(c *contacts.Call) string {
		if c == nil {
			return "none"
		}
		return c.ID
	}
	// check wants the ids of the last call and of the call in progress
	// ("none" for none); the last call is LastCall's too.
	check := func(step string, before *contacts.Call, skip string, since time.Time, wantLast, wantOpen string) {
		t.Helper()
		last, open, err := db.LastAndOpenCall(ctx, c.ID, before, skip, since)
		if err != nil {
			t.Fatal(err)
		}
		if idOf(last) != wantLast || idOf(open) != wantOpen {
			t.Errorf("%s: last %s, open %s; want %s, %s", step, idOf(last), idOf(open), wantLast, wantOpen)
		}
		alone, err := db.LastCall(ctx, c.ID, "", before)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(last) != fmt.Sprint(alone) {
			t.Errorf("%s: last call %+v; LastCall says %+v", step, last, alone)
		}
	}
	since := now.Add(-2 * time.Hour)
	check("no calls", nil, "", since, "none", "none")
	add("other-1", other.ID, "", now.Add(-time.Minute))
	check("only another contact's call", nil, "", since, "none", "none")
	add("ended-1", c.ID, "answered", now.Add(-3*time.Hour))
	add("ended-2", c.ID, "missed", now.Add(-time.Hour))
	check("ended calls", nil, "", since, "ended-2", "none")
	stale := add("stale", c.ID, "", now.Add(-5*time.Hour))
	check("one in progress for too long", nil, "", since, "ended-2", "none")
	check("before the stale one", stale, "", since, "none", "none")
	add("ended-unreported", c.ID, "", now.Add(-20*time.Minute))
	if err := db.ExecForTest(ctx, `UPDATE calls SET ended_ms = ? WHERE id = 'ended-unreported'`, now.Add(-15*time.Minute).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	check("ended with no outcome", nil, "", since, "ended-unreported", "none")
	open := add("open", c.ID, "", now.Add(-10*time.Minute))
	check("one in progress", nil, "", since, "open", "open")
	ringing := add("ringing", c.ID, "", now)
	check("the ringing call skipped", ringing, ringing.ID, since, "open", "open")
	check("the open call skipped", ringing, open.ID, since, "open", "ringing")
	check("before the open one", open, ringing.ID, since, "ended-unreported", "open")
	if last, open, _ := db.LastAndOpenCall(ctx, c.ID, ringing, ringing.ID, since); last == nil || last.ID != "open" || open == nil || open.ID != "open" {
		t.Errorf("while ringing: last %v, open %v; want the call in progress as both", last, open)
	}
}

// storedCall is a call row put straight into the store, as a phone's call
// start (and end, when ended is set) would leave it.
type storedCall struct {
	id, contactID, key, direction, outcome string
	at, ended                              time.Time
	durationS                              int
}

func storeCall(t *testing.T, db *sqlite.DB, c storedCall) *contacts.Call {
	t.Helper()
	var contactID any // NULL: no contact has the number
	if c.contactID != "" {
		contactID = c.contactID
	}
	var ended int64
	if !c.ended.IsZero() {
		ended = c.ended.UnixMilli()
	}
	if err := db.ExecForTest(context.Background(), `INSERT INTO calls (id, contact_id, number_raw, number_key, direction, outcome, device_id, by_name, started_ms, ended_ms, duration_s, start_hash)
		VALUES (?, ?, ?, ?, ?, ?, 'd-1', 'Anna', ?, ?, ?, 'h')`, c.id, contactID, c.key, c.key, c.direction, c.outcome, c.at.UnixMilli(), ended, c.durationS); err != nil {
		t.Fatal(err)
	}
	return &contacts.Call{ID: c.id, StartedAt: c.at}
}

// twoContacts opens a new store with two contacts: the one whose history
// is read, and another whose entries must not be in it.
func twoContacts(t *testing.T) (db *sqlite.DB, c, other *contacts.Contact) {
	t.Helper()
	db = openStore(t, t.TempDir()+"/ringcard.db")
	return db, addContact(t, db, "Olga Smirnova", "+39 333 123 4567"), addContact(t, db, "Marco Rossi", "+39 333 765 4321")
}
