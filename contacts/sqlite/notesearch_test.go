package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

func addNote(t *testing.T, db *sqlite.DB, n *contacts.Note) bool {
	t.Helper()
	created, err := db.AddNote(context.Background(), n)
	if err != nil {
		t.Fatalf("add note %q: %v", n.Text, err)
	}
	return created
}

func count(t *testing.T, db *sqlite.DB, query string) int {
	t.Helper()
	n, err := db.CountForTest(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// A note is indexed for search after its transaction, yet a search made
// the moment it is stored finds it: the search indexes what is queued
// first.
func TestSearchFindsANoteTheMomentItIsStored(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	c := addContact(t, db, "Ivan Petrov", "+39 333 444 5555")
	addNote(t, db, &contacts.Note{ID: contacts.NewID(), ContactID: c.ID, Text: "Перезвонить в пятницу насчёт поставки", Author: "Marco", At: time.Now()})
	if queued, err := db.NotesQueuedForTest(ctx); err != nil || !queued {
		t.Fatalf("queued %v, %v: the note should wait for its index entry (else this test proves nothing)", queued, err)
	}
	hits, err := db.Search(ctx, sqlite.SearchQuery{Text: "пятницу"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Contact.ID != c.ID || hits[0].Note != "Перезвонить в пятницу насчёт поставки" {
		t.Fatalf("hits %+v, want Ivan Petrov through the note", hits)
	}
	if queued, _ := db.NotesQueuedForTest(ctx); queued {
		t.Error("the search left the note queued")
	}
}

// The background indexing writes queued notes' entries in the order the
// notes came (newest highest: the search's candidates are the newest), and
// skips a note deleted before its turn.
func TestQueuedNotesAreIndexedInOrder(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	c := addContact(t, db, "Giulia Bianchi", "+39 333 666 7777")
	at := time.Now()
	var ids []string
	for i := 0; i < 5; i++ {
		id := fmt.Sprintf("note-%d", 5-i) // ids that sort against the order they came in
		ids = append(ids, id)
		addNote(t, db, &contacts.Note{ID: id, ContactID: c.ID, Text: fmt.Sprintf("ordine numero %d confermato", i), Author: "Luca", At: at.Add(time.Duration(i) * time.Second)})
	}
	if err := db.ExecForTest(ctx, `DELETE FROM notes WHERE id = ?`, ids[2]); err != nil {
		t.Fatal(err)
	}
	n, err := db.IndexNotesForTest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("indexed %d queued notes, want 4 (the deleted one left the queue with it)", n)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM note_search_pending`); got != 0 {
		t.Errorf("%d notes still queued", got)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM note_search`); got != 4 {
		t.Errorf("%d index entries, want 4", got)
	}
	for i, id := range []string{ids[0], ids[1], ids[3], ids[4]} {
		if got := count(t, db, `SELECT COUNT(*) FROM note_search_ids WHERE note_id = '`+id+`' AND rowid = (SELECT MIN(rowid) FROM note_search_ids) + `+fmt.Sprint(i)); got != 1 {
			t.Errorf("note %s is not entry %d in the index: notes are indexed out of order", id, i)
		}
	}
	hits, err := db.Search(ctx, sqlite.SearchQuery{Text: "numero 4"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Note != "ordine numero 4 confermato" {
		t.Errorf("hits %+v, want the newest note", hits)
	}
	if n, err := db.IndexNotesForTest(ctx); err != nil || n != 0 {
		t.Errorf("indexing again: %d, %v; want nothing to do", n, err)
	}
}

// A note is one transaction that checks the contact, moves it after the
// change cursor and stores one card.updated; a retry answers from the
// stored note and changes nothing, even once the contact is gone.
func TestAddNoteRetriesAndMissingContacts(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	c := addContact(t, db, "Anna Verdi", "+39 333 888 9999")
	events := func() int {
		return count(t, db, `SELECT COUNT(*) FROM events WHERE type = 'card.updated' AND contact_id = '`+c.ID+`'`)
	}
	before, _ := db.Contact(ctx, c.ID)
	e0 := events()
	n := &contacts.Note{ID: "n1", ContactID: c.ID, Text: "vuole il listino", Author: "Marco", At: time.Now().Truncate(time.Millisecond)}
	if !addNote(t, db, n) {
		t.Fatal("a new note was not created")
	}
	after, _ := db.Contact(ctx, c.ID)
	if after.Rev <= before.Rev || events() != e0+1 {
		t.Fatalf("rev %d → %d, card.updated events %d → %d: want the rev moved and one event", before.Rev, after.Rev, e0, events())
	}
	retry := &contacts.Note{ID: "n1", ContactID: c.ID, Text: "vuole il listino", Author: "Marco", At: time.Now().Add(time.Minute)}
	if addNote(t, db, retry) {
		t.Error("a retry was created again")
	}
	if !retry.At.Equal(n.At) {
		t.Errorf("the retry answered at %v, want the stored note's %v", retry.At, n.At)
	}
	if again, _ := db.Contact(ctx, c.ID); again.Rev != after.Rev || events() != e0+1 {
		t.Errorf("a retry moved the rev (%d → %d) or stored an event (%d)", after.Rev, again.Rev, events())
	}
	_, err := db.AddNote(ctx, &contacts.Note{ID: "n1", ContactID: c.ID, Text: "altro testo", Author: "Marco", At: time.Now()})
	if contacts.ErrorCode(err) != contacts.EConflict {
		t.Errorf("same note_id, other text: %v, want a conflict", err)
	}
	_, err = db.AddNote(ctx, &contacts.Note{ID: "n2", ContactID: "no-such-contact", Text: "x", Author: "Marco", At: time.Now()})
	if contacts.ErrorCode(err) != contacts.ENotFound {
		t.Errorf("a note for an unknown contact: %v, want not found", err)
	}
	if err := db.DeleteContact(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.AddNote(ctx, &contacts.Note{ID: "n3", ContactID: c.ID, Text: "x", Author: "Marco", At: time.Now()})
	if contacts.ErrorCode(err) != contacts.ENotFound {
		t.Errorf("a note for a deleted contact: %v, want not found", err)
	}
	late := &contacts.Note{ID: "n1", ContactID: c.ID, Text: "vuole il listino", Author: "Marco", At: time.Now()}
	if created, err := db.AddNote(ctx, late); err != nil || created || late.Text != "vuole il listino" {
		t.Errorf("a retry after the contact was deleted: created %v, %v; want the stored note", created, err)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM notes`); got != 1 {
		t.Errorf("%d notes stored, want 1", got)
	}
}

// SettleSearch leaves a store as the background loop does after a quiet
// while: no note waiting for its index entry, and nothing for a merge step
// to do, so a server started on it has no start-up work. A store built the
// same way but not settled has both (else this test would prove nothing).
func TestSettleSearchLeavesNothingToDo(t *testing.T) {
	ctx := context.Background()
	build := func() *sqlite.DB {
		db := openStore(t, t.TempDir()+"/ringcard.db")
		for i := 0; i < 6; i++ { // a transaction each: a segment each in both indexes
			c := addContact(t, db, fmt.Sprintf("Cliente %d Rossi", i), fmt.Sprintf("+39 333 100 %04d", i))
			addNote(t, db, &contacts.Note{ID: contacts.NewID(), ContactID: c.ID, Text: fmt.Sprintf("consegna numero %d in ritardo", i), Author: "Luca", At: time.Now()})
			if i < 5 {
				if _, err := db.IndexNotesForTest(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		return db
	}
	settled, control := build(), build()
	if err := settled.SettleSearch(ctx); err != nil {
		t.Fatal(err)
	}
	if queued, err := control.NotesQueuedForTest(ctx); err != nil || !queued {
		t.Fatalf("control: queued %v, %v: want the last note waiting", queued, err)
	}
	if queued, err := settled.NotesQueuedForTest(ctx); err != nil || queued {
		t.Errorf("settled: queued %v, %v: want no note waiting", queued, err)
	}
	for _, table := range []string{"contact_search", "note_search"} {
		if did, err := control.MergeStepForTest(ctx, table); err != nil || !did {
			t.Errorf("control: merge step on %s did work %v, %v: want segments to merge", table, did, err)
		}
		if did, err := settled.MergeStepForTest(ctx, table); err != nil || did {
			t.Errorf("settled: merge step on %s did work %v, %v: want nothing left", table, did, err)
		}
	}
	hits, err := settled.Search(ctx, sqlite.SearchQuery{Text: "ritardo"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 6 {
		t.Errorf("settled: %d hits for a word in all six notes, want 6", len(hits))
	}
}
