package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

func TestCallCardMatchesAnyWritingOfTheNumber(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	ctx := context.Background()
	// Silvia Santoro's numbers are stored as "+39 0663965762", "0039 06 94453475" and "06 4281 1822".
	for _, n := range []string{"06 4281 1822", "+39 06 4281 1822", "0039 06 4281 1822", "(06) 4281-1822", "tel:+39-06-4281-1822", "+390642811822;ext=12", "0663965762", "+39 06 9445 3475"} {
		t.Run(n, func(t *testing.T) {
			card, err := ph.StartCall(ctx, callReq(n, time.Now()))
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if !card.Known || card.ContactID == nil || *card.ContactID != "demo-0085" || card.DisplayName != "Silvia Santoro" {
				t.Fatalf("card = known %v id %v name %q, want Silvia Santoro (demo-0085)", card.Known, card.ContactID, card.DisplayName)
			}
			if card.Number == nil || card.Number.Raw != n {
				t.Errorf("card.number = %+v, want raw %q", card.Number, n)
			}
			if card.SIM == nil || card.SIM.Label != "Sales line" {
				t.Errorf("card.sim = %+v, want slot 1 'Sales line'", card.SIM)
			}
			if len(card.Groups) == 0 || len(card.Fields) == 0 || len(card.History) == 0 {
				t.Errorf("card lacks groups, fields or history: %+v", card)
			}
		})
	}
}

func TestCallUnknownWithheldAndShared(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Marco")
	ctx := context.Background()

	card, err := ph.StartCall(ctx, callReq("+39 333 000 1111", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if card.Known || card.ContactID != nil || card.Number == nil || card.Number.E164 == nil || *card.Number.E164 != "+393330001111" {
		t.Errorf("unknown card = %+v, want known false with the number", card)
	}
	if card.LastCall != nil {
		t.Errorf("first call from an unknown number has last_call %+v", card.LastCall)
	}
	// A second call from the same unknown number shows the first as last_call and in history.
	card2, err := ph.StartCall(ctx, callReq("333 000 1111", time.Now().Add(time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	if card2.LastCall == nil || card2.LastCall.By != "Marco" || len(card2.History) != 1 {
		t.Errorf("second unknown call: last_call %+v history %d, want the first call by Marco", card2.LastCall, len(card2.History))
	}

	withheld, err := ph.StartCall(ctx, callReq("", time.Now()))
	if err != nil {
		t.Fatalf("withheld: %v", err)
	}
	if withheld.Known || withheld.Number != nil {
		t.Errorf("withheld card = %+v, want known false and number null", withheld)
	}

	shared, err := ph.StartCall(ctx, callReq("06 2013 2036", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if !shared.Known || len(shared.OtherMatches) != 1 {
		t.Fatalf("shared number: known %v other_matches %+v, want one other match", shared.Known, shared.OtherMatches)
	}
	ids := []string{*shared.ContactID, shared.OtherMatches[0].ContactID}
	if !(contains(ids, "demo-0232") && contains(ids, "demo-0343")) {
		t.Errorf("shared number matched %v, want demo-0232 and demo-0343", ids)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestLastCallIsTheCallBefore(t *testing.T) {
	e := newEnv(t, false)
	ph := e.phone("Anna")
	other := e.phone("Luca")
	ctx := context.Background()
	if _, err := ph.CreateContact(ctx, protocol.ContactCreate{ClientID: contacts.NewID(), DisplayName: "Dmitri", Numbers: []protocol.NumberIn{{Number: "+7 495 123 45 67", Type: "work"}}}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	first := callReq("+74951234567", t0)
	first.SIMSlot = 2
	if _, err := other.StartCall(ctx, first); err != nil {
		t.Fatal(err)
	}
	d := 42
	if _, err := other.EndCall(ctx, first.CallID, protocol.CallEnd{EndedAt: t0.Add(42 * time.Second).Format(time.RFC3339), DurationS: &d, Outcome: "answered"}); err != nil {
		t.Fatal(err)
	}
	second := callReq("+7 (495) 123-45-67", t0.Add(time.Hour))
	card, err := ph.StartCall(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	lc := card.LastCall
	if lc == nil || lc.By != "Luca" || lc.Outcome != "answered" || lc.SIMSlot != 2 || lc.At != "2026-11-24T10:00:00Z" || lc.DurationS != 42 {
		t.Fatalf("last_call = %+v, want Luca's answered call at 10:00 on SIM 2", lc)
	}
	// A late-reported call that started earlier does not become the "last call" of a later one.
	late := callReq("+74951234567", t0.Add(-time.Hour))
	lateCard, err := ph.StartCall(ctx, late)
	if err != nil {
		t.Fatal(err)
	}
	if lateCard.LastCall != nil {
		t.Errorf("a call that started before every other has last_call %+v, want null", lateCard.LastCall)
	}
	// The current call is not in its own card's history.
	for _, h := range card.History {
		if h.CallID == second.CallID {
			t.Errorf("the current call is in its own card's history")
		}
	}
}

func TestCallIdempotency(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	ctx := context.Background()
	req := callReq("06 4281 1822", time.Now())
	a, err := ph.StartCall(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ph.StartCall(ctx, req)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if *a.ContactID != *b.ContactID || len(a.History) != len(b.History) || (a.LastCall == nil) != (b.LastCall == nil) {
		t.Errorf("retried call answered differently:\n%+v\n%+v", a, b)
	}
	var calls int
	if err := e.countRows("SELECT COUNT(*) FROM calls WHERE id = ?", &calls, req.CallID); err != nil || calls != 1 {
		t.Errorf("calls stored for one call_id = %d (%v), want 1", calls, err)
	}
	changed := req
	other := "06 9999 0000"
	changed.Number = &other
	if _, err := ph.StartCall(ctx, changed); apiStatus(err) != 409 || apiCode(err) != "conflict" {
		t.Errorf("same call_id, other body: %v, want 409 conflict", err)
	}
	// Ending twice the same way is fine; differently is a conflict.
	d := 10
	end := protocol.CallEnd{EndedAt: time.Now().Add(10 * time.Second).Format(time.RFC3339), DurationS: &d, Outcome: "answered"}
	if _, err := ph.EndCall(ctx, req.CallID, end); err != nil {
		t.Fatal(err)
	}
	if _, err := ph.EndCall(ctx, req.CallID, end); err != nil {
		t.Errorf("ending again: %v", err)
	}
	end.Outcome = "missed"
	if _, err := ph.EndCall(ctx, req.CallID, end); apiStatus(err) != 409 {
		t.Errorf("ending differently: %v, want 409", err)
	}
	if _, err := ph.EndCall(ctx, contacts.NewID(), end); apiStatus(err) != 404 || apiCode(err) != "not_found" {
		t.Errorf("ending an unknown call: %v, want 404 not_found", err)
	}
}

func (e *testEnv) countRows(q string, out *int, args ...any) error {
	return e.DB.QueryRowForTest(context.Background(), q, out, args...)
}

func TestNotes(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Анна")
	ctx := context.Background()
	long := strings.Repeat("é", 2000)
	texts := []string{"Хочет скидку 5% 👍", long, "முருகன் விலை கேட்டார்", "line one\nline two"}
	for _, txt := range texts {
		n, err := ph.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0016", Text: txt})
		if err != nil {
			t.Fatalf("note %q: %v", txt[:10], err)
		}
		if n.Text != txt || n.Author != "Анна" || n.ContactID == nil || *n.ContactID != "demo-0016" {
			t.Errorf("note = %+v, want text kept and author Анна", n)
		}
	}
	card, err := ph.Lookup(ctx, "+7 925 870-82-16")
	if err != nil {
		t.Fatal(err)
	}
	if card.History[0].Kind != "note" || card.History[0].By != "Анна" {
		t.Errorf("newest history entry = %+v, want Анна's note", card.History[0])
	}

	for name, req := range map[string]protocol.NoteAdd{
		"empty":        {NoteID: contacts.NewID(), ContactID: "demo-0016", Text: "   "},
		"no target":    {NoteID: contacts.NewID(), Text: "hello"},
		"bad note_id":  {NoteID: "42", ContactID: "demo-0016", Text: "x"},
		"huge":         {NoteID: contacts.NewID(), ContactID: "demo-0016", Text: strings.Repeat("x", contacts.MaxNoteLen+1)},
		"bad number":   {NoteID: contacts.NewID(), Number: "not a number", Text: "x"},
		"no such note": {NoteID: contacts.NewID(), ContactID: "nope", Text: "x"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ph.AddNote(ctx, req)
			if s := apiStatus(err); s != 400 && s != 404 {
				t.Errorf("error = %v, want 400 or 404", err)
			}
		})
	}

	// The same note twice: one note, the same answer; other text: conflict.
	req := protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", Text: "Chiamare venerdì"}
	a, err := ph.AddNote(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ph.AddNote(ctx, req)
	if err != nil || string(mustJSON(t, a)) != string(mustJSON(t, b)) {
		t.Errorf("retry = %+v %v, want the same answer %+v", b, err, a)
	}
	req.Text = "altro"
	if _, err := ph.AddNote(ctx, req); apiStatus(err) != 409 {
		t.Errorf("same note_id other text: %v, want 409", err)
	}
}

func TestNoteBeforeContactExists(t *testing.T) {
	e := newEnv(t, false)
	ph := e.phone("Giulia")
	ctx := context.Background()
	call := callReq("+39 347 555 0101", time.Now().Add(-time.Minute))
	if _, err := ph.StartCall(ctx, call); err != nil {
		t.Fatal(err)
	}
	n, err := ph.AddNote(ctx, protocol.NoteAdd{NoteID: contacts.NewID(), Number: "347 555 0101", CallID: call.CallID, Text: "Nuovo cliente, vuole un preventivo"})
	if err != nil {
		t.Fatal(err)
	}
	if n.ContactID != nil {
		t.Errorf("note for an unknown number has contact_id %v", *n.ContactID)
	}
	card, err := ph.CreateContact(ctx, protocol.ContactCreate{ClientID: contacts.NewID(), DisplayName: "Bar Centrale", Groups: []string{"New"},
		Numbers: []protocol.NumberIn{{Number: "+393475550101", Type: "mobile"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !card.Known || len(card.History) != 2 {
		t.Fatalf("new contact's card: known %v history %+v, want the earlier call and note", card.Known, card.History)
	}
	kinds := card.History[0].Kind + "," + card.History[1].Kind
	if kinds != "note,call" || card.History[0].Text != "Nuovo cliente, vuole un preventivo" {
		t.Errorf("history = %+v", card.History)
	}
	if card.LastCall == nil {
		t.Errorf("the earlier call is not last_call")
	}
}

func TestCreateContactIdempotent(t *testing.T) {
	e := newEnv(t, false)
	ph := e.phone("Giulia")
	ctx := context.Background()
	req := protocol.ContactCreate{ClientID: contacts.NewID(), DisplayName: "Siti Rahayu", Company: "PT Kopi Nusantara",
		Numbers: []protocol.NumberIn{{Number: "+62 812-3456-7890", Type: "mobile"}}, Groups: []string{"New", "new", " Retail "}, Note: "Dari Jakarta"}
	a, err := ph.CreateContact(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ph.CreateContact(ctx, req)
	if err != nil || *a.ContactID != *b.ContactID {
		t.Fatalf("retry: %v, ids %v %v", err, a.ContactID, b.ContactID)
	}
	if strings.Join(a.Groups, ",") != "New,Retail" {
		t.Errorf("groups = %v, want New,Retail (deduplicated, trimmed)", a.Groups)
	}
	var n int
	if err := e.countRows("SELECT COUNT(*) FROM contacts", &n); err != nil || n != 1 {
		t.Errorf("contacts = %d, want 1", n)
	}
	req.DisplayName = "Someone else"
	if _, err := ph.CreateContact(ctx, req); apiStatus(err) != 409 {
		t.Errorf("same client_id other body: %v, want 409", err)
	}
	if _, err := ph.CreateContact(ctx, protocol.ContactCreate{ClientID: contacts.NewID(), DisplayName: "X", Numbers: []protocol.NumberIn{{Number: "abc"}}}); apiCode(err) != "invalid_number" {
		t.Errorf("contact with a non-number: %v, want invalid_number", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
