package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// TestPhoneRequestFinishesWhenThePhoneIsGone: a phone's request whose
// connection is already gone (its context canceled) still runs to its end:
// the note is stored, once, and a retry with the same note_id returns it.
func TestPhoneRequestFinishesWhenThePhoneIsGone(t *testing.T) {
	env := newEnv(t, false)
	ph := env.phone("Anna")
	card, err := ph.CreateContact(context.Background(), protocol.ContactCreate{ClientID: contacts.NewID(), DisplayName: "Мария Иванова", Numbers: []protocol.NumberIn{{Number: "+39 347 555 0101"}}})
	if err != nil {
		t.Fatal(err)
	}
	noteID := contacts.NewID()
	body := `{"note_id":"` + noteID + `","contact_id":"` + *card.ContactID + `","text":"перезвонить завтра"}`
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/notes", strings.NewReader(body)).WithContext(gone)
	req.RemoteAddr = "127.0.0.1:40000"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+ph.Token)
	rec := httptest.NewRecorder()
	env.Srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("status %d, body %s: want 201", rec.Code, rec.Body)
	}
	hist, err := env.DB.History(context.Background(), *card.ContactID, "", 10, "")
	if err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, h := range hist {
		if h.Kind == "note" && h.Text == "перезвонить завтра" {
			notes++
		}
	}
	if notes != 1 {
		t.Fatalf("history has %d copies of the note, want 1: %+v", notes, hist)
	}
	again, err := ph.AddNote(context.Background(), protocol.NoteAdd{NoteID: noteID, ContactID: *card.ContactID, Text: "перезвонить завтра"})
	if err != nil || again.NoteID != noteID {
		t.Fatalf("retry: %+v, %v", again, err)
	}
}
