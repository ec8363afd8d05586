package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
)

// A contact whose number others share names them in other_matches on every
// card of it: the answer to its creation, its card.updated event and its
// directory card (not only on a card looked up by that number).
func TestOtherMatchesOnContactCards(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	s := connect(t, ph, 0)
	ctx := context.Background()
	card, err := ph.CreateContact(ctx, protocol.ContactCreate{ClientID: contacts.NewID(), DisplayName: "Centralino condiviso",
		Numbers: []protocol.NumberIn{{Number: "(06) 2013-2036", Type: "work"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"demo-0232": true, "demo-0343": true}
	check := func(where string, c protocol.Card) {
		t.Helper()
		got := map[string]bool{}
		for _, m := range c.OtherMatches {
			got[m.ContactID] = true
			if m.DisplayName == "" {
				t.Errorf("%s: match %s has no name", where, m.ContactID)
			}
		}
		if len(got) != len(want) || !got["demo-0232"] || !got["demo-0343"] {
			t.Errorf("%s: other_matches %+v, want demo-0232 and demo-0343", where, c.OtherMatches)
		}
	}
	check("created card", card)
	for _, ev := range events(t, s, 1) {
		var c protocol.Card
		if err := json.Unmarshal(ev.Payload, &c); err != nil || c.ContactID == nil || *c.ContactID != *card.ContactID {
			t.Fatalf("event %s: %v %+v", ev.Type, err, c.ContactID)
		}
		check("card.updated", c)
	}
	dir, err := ph.Directory(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range dir.Cards {
		if c.ContactID != nil && *c.ContactID == *card.ContactID {
			check("directory card", c)
		}
	}
}

// A directory card always lists the contact's numbers: [] for a contact
// without any (never a missing key the phone must guess about).
func TestDirectoryCardWithoutNumbers(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	ctx := context.Background()
	card, err := ph.CreateContact(ctx, protocol.ContactCreate{ClientID: contacts.NewID(), DisplayName: "Solo e-mail", Email: "solo@example.it"})
	if err != nil {
		t.Fatal(err)
	}
	if card.Numbers != nil {
		t.Errorf("a call-time card carries numbers %v, want none (directory cards only)", card.Numbers)
	}
	dir, err := ph.Directory(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range dir.Cards {
		if c.Numbers == nil {
			t.Fatalf("directory card %v has no numbers key", c.ContactID)
		}
	}
}

// A cursor ahead of every change here (a database restored from an older
// backup) is refused rather than silently answered with nothing new.
func TestDirectoryCursorAheadOfTheServer(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	ctx := context.Background()
	dir, err := ph.Directory(ctx, "", 1000)
	if err != nil || dir.More {
		t.Fatalf("directory: %v more=%v", err, dir.More)
	}
	if again, err := ph.Directory(ctx, dir.Cursor, 10); err != nil || len(again.Cards) != 0 || again.Cursor != dir.Cursor {
		t.Errorf("the last cursor with nothing new: %+v %v, want no cards and the same cursor", again, err)
	}
	ahead := base64.RawURLEncoding.EncodeToString([]byte("v1:999999"))
	_, err = ph.Directory(ctx, ahead, 10)
	var api *client.APIError
	if !errors.As(err, &api) || api.Status != 400 || !strings.HasPrefix(api.Message, "since: ") {
		t.Errorf("a cursor ahead of the server: %v, want 400 naming since", err)
	}
}
