package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

func TestFindDuplicates(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := context.Background()
	a := addContact(t, db, "Mario Rossi", "+39 333 111 2222")
	b := addContact(t, db, "ROSSI, Mário", "+39 06 1234 5678")   // same name, folded and reordered
	c := addContact(t, db, "Studio Verdi", "333 111 2222")       // same number as a
	d := addContact(t, db, "Анна Смирнова", "+7 916 000 11 22")  // Cyrillic
	e := addContact(t, db, "Анна Смирновa", "+7 916 000 11 33")  // one letter apart (Latin a)
	f := addContact(t, db, "Giulia Bianchi", "+39 347 000 0000") // no duplicate
	g := &contacts.Contact{DisplayName: "G. Bianchi", Emails: []contacts.Email{{Address: "GB@example.it"}}}
	h := &contacts.Contact{DisplayName: "Bianchi Giuseppe", Emails: []contacts.Email{{Address: "gb@example.it"}}}
	for _, x := range []*contacts.Contact{g, h} {
		if _, err := db.CreateContact(ctx, x, ""); err != nil {
			t.Fatal(err)
		}
	}
	pairs, err := db.FindDuplicates(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]string]string{}
	for _, p := range pairs {
		got[[2]string{p.A.ID, p.B.ID}] = strings.Join(p.Reasons, ",")
	}
	want := map[[2]string]string{
		{a.ID, b.ID}: "same name",
		{a.ID, c.ID}: "same number +393331112222",
		{d.ID, e.ID}: "similar name",
		{g.ID, h.ID}: "same e-mail gb@example.it",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("pair %v: reasons %q, want %q", k, got[k], w)
		}
	}
	if len(pairs) != len(want) {
		t.Errorf("pairs = %d, want %d: %v", len(pairs), len(want), got)
	}
	_ = f
}

func TestMergeAndUndo(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	ctx := contacts.WithActor(context.Background(), contacts.Actor{Kind: contacts.ActorCLI, Name: "admin"})
	keep := addContact(t, db, "Mario Rossi", "+39 333 111 2222")
	gone := &contacts.Contact{DisplayName: "Rossi Mario", Company: "Rossi Impianti", Note: "Cliente storico",
		Numbers: []contacts.Number{{Raw: "06 1234 5678", Type: "work"}}, Emails: []contacts.Email{{Address: "m@rossi.it"}}}
	if _, err := db.CreateContact(ctx, gone, ""); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	note := &contacts.Note{ID: contacts.NewID(), ContactID: gone.ID, Text: "Vuole il preventivo", Author: "Anna", At: now}
	if _, err := db.AddNote(ctx, note); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStage(ctx, gone.ID, "quoted", "Anna", ""); err != nil {
		t.Fatal(err)
	}
	gid, _ := db.LastEventGID(ctx)

	id, err := db.MergeContacts(ctx, keep.ID, gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	merged, err := db.Contact(ctx, keep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(merged.Numbers) != 2 || merged.Company != "Rossi Impianti" || merged.Note != "Cliente storico" || len(merged.Emails) != 1 || merged.Stage != "quoted" {
		t.Errorf("merged = %+v", merged)
	}
	if _, err := db.Contact(ctx, gone.ID); contacts.ErrorCode(err) != contacts.ENotFound {
		t.Errorf("merged-away contact: err = %v, want not found", err)
	}
	if cs, _ := db.ContactsByNumber(ctx, "+390612345678"); len(cs) != 1 || cs[0].ID != keep.ID {
		t.Errorf("the gone contact's number finds %v, want the kept contact", cs)
	}
	hist, _ := db.History(ctx, keep.ID, "", 10, "")
	if len(hist) != 2 {
		t.Errorf("history of the kept contact = %+v, want the note and the stage change", hist)
	}
	events, _ := db.EventsAfter(ctx, gid, 0, 100)
	var removed, updated bool
	for _, e := range events {
		removed = removed || (e.Type == sqlite.EventContactRemoved && e.ContactID == gone.ID)
		updated = updated || (e.Type == sqlite.EventCardUpdated && e.ContactID == keep.ID)
	}
	if !removed || !updated {
		t.Errorf("events after the merge: %+v (want contact.removed for the gone one, card.updated for the kept)", events)
	}

	if err := db.UndoMerge(ctx, id); err != nil {
		t.Fatal(err)
	}
	back, err := db.Contact(ctx, gone.ID)
	if err != nil || back.Company != "Rossi Impianti" {
		t.Fatalf("after undo: %+v, %v", back, err)
	}
	k, _ := db.Contact(ctx, keep.ID)
	if len(k.Numbers) != 1 || k.Company != "" {
		t.Errorf("kept contact after undo = %+v, want its own fields back", k)
	}
	if h, _ := db.History(ctx, gone.ID, "", 10, ""); len(h) != 2 {
		t.Errorf("history went back: %+v", h)
	}
	if cs, _ := db.ContactsByNumber(ctx, "+390612345678"); len(cs) != 1 || cs[0].ID != gone.ID {
		t.Errorf("number after undo finds %v", cs)
	}
	if err := db.UndoMerge(ctx, id); contacts.ErrorCode(err) != contacts.EConflict {
		t.Errorf("second undo: err = %v, want conflict", err)
	}

	// A merge whose kept contact was edited since cannot be undone.
	id2, err := db.MergeContacts(ctx, keep.ID, gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	k, _ = db.Contact(ctx, keep.ID)
	k.JobTitle = "Titolare"
	db.Now = func() time.Time { return time.Now().Add(time.Second) }
	if err := db.UpdateContact(ctx, k); err != nil {
		t.Fatal(err)
	}
	if err := db.UndoMerge(ctx, id2); contacts.ErrorCode(err) != contacts.EConflict {
		t.Errorf("undo after an edit: err = %v, want conflict", err)
	}
}
