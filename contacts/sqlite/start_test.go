package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// TestRecentlyTouched: the clients with the newest calls or notes come
// first, each once, and a deleted client drops out.
func TestRecentlyTouched(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "r.db"))
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	var seed []contacts.SeedContact
	for i, name := range []string{"Anna", "Boris", "Carla", "Dario"} {
		c := contacts.Contact{ID: "c" + name, DisplayName: name, Company: name + " srl", Stage: "new",
			Numbers: []contacts.Number{{Raw: contactsNumber(i), Type: "mobile"}}}
		seed = append(seed, contacts.SeedContact{Contact: c, History: []contacts.SeedEntry{
			{Kind: contacts.KindCall, At: base.Add(time.Duration(i) * time.Hour), By: "Marco", Direction: contacts.Incoming, Outcome: contacts.OutcomeAnswered, DurationS: 60},
		}})
	}
	if err := db.ImportSeed(ctx, seed); err != nil {
		t.Fatal(err)
	}
	// A note on Anna makes her the newest; Dario, deleted, drops out.
	if _, err := db.AddNote(ctx, &contacts.Note{ID: contacts.NewID(), ContactID: "cAnna", Text: "called back", Author: "Marco", At: base.Add(10 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteContact(ctx, "cDario"); err != nil {
		t.Fatal(err)
	}
	got, err := db.RecentlyTouched(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range got {
		names = append(names, r.Name)
	}
	want := []string{"Anna", "Carla", "Boris"}
	if len(names) != len(want) {
		t.Fatalf("touched = %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("touched = %v, want %v", names, want)
		}
	}
	if got[0].Company != "Anna srl" || got[0].Stage != "new" || !got[0].At.Equal(base.Add(10*time.Hour)) {
		t.Errorf("first = %+v, want Anna srl, stage new, at the note's time", got[0])
	}
	if got, _ := db.RecentlyTouched(ctx, 2); len(got) != 2 {
		t.Errorf("limit 2 gave %d", len(got))
	}
}

func contactsNumber(i int) string { return "+39 347 000 00" + string(rune('0'+i)) + "0" }
