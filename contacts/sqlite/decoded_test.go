package sqlite

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// A contact as the store keeps it: several numbers, e-mails, groups and
// custom fields, in more than one script.
func storedContactJSON(t testing.TB) string {
	c := contacts.Contact{
		ID: "c-1", ResourceName: "people/c123", Etag: "%EgUBAgMFBy4aBAECBQciDE9zR0hmZ3VqZW9RPQ==",
		DisplayName: "Ольга Смирнова", GivenName: "Ольга", FamilyName: "Смирнова", Company: "Rossi & Figli S.r.l.", JobTitle: "Buyer",
		Numbers:   []contacts.Number{{Raw: "+39 333 123 4567", E164: "+393331234567", Key: "+393331234567", Type: "mobile"}, {Raw: "06 1234567", E164: "+39061234567", Key: "+39061234567", Type: "work", Label: "ufficio"}},
		Emails:    []contacts.Email{{Address: "olga@example.it", Type: "work"}},
		Addresses: []contacts.Address{{Formatted: "Via Roma 1, 00100 Roma", Type: "work"}},
		Websites:  []string{"https://example.it"},
		Groups:    []string{"wholesale", "returning"},
		Note:      "Paga a 60 giorni. Звонить после 10.",
		Custom:    []contacts.CustomField{{Key: "discount", Value: "12%"}},
		Stage:     "offer sent",
		CreatedAt: time.Date(2025, 3, 4, 9, 30, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 11, 30, 17, 5, 0, 0, time.UTC),
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every contact decoded from the same JSON is its own: changing one, its
// lists included, changes neither what the cache keeps nor the next one.
func TestDecodedContactsAreCopies(t *testing.T) {
	data := storedContactJSON(t)
	first, err := decodeContact(data, 7, false)
	if err != nil {
		t.Fatal(err)
	}
	want := &contacts.Contact{Rev: 7} // decoded apart from the cache
	if err := json.Unmarshal([]byte(data), want); err != nil {
		t.Fatal(err)
	}
	first.DisplayName = "changed"
	first.Numbers[0].Key = "changed"
	first.Groups[1] = "changed"
	first.Custom = append(first.Custom[:0], contacts.CustomField{Key: "changed"})
	again, err := decodeContact(data, 8, true)
	if err != nil {
		t.Fatal(err)
	}
	if again.Rev != 8 || !again.Deleted {
		t.Errorf("rev %d, deleted %v: want those given with the JSON (8, true)", again.Rev, again.Deleted)
	}
	again.Rev, again.Deleted = 7, false
	if !reflect.DeepEqual(again, want) {
		t.Errorf("a contact decoded after another copy was changed:\n%+v\nwant\n%+v", again, want)
	}
	if _, err := decodeContact(`{"id": "c-2", "numbers": "not a list"}`, 1, false); err == nil {
		t.Error("JSON that is not a contact decoded without an error")
	}
}

// A device's SIMs decoded from the same JSON are the caller's own too.
func TestDecodedSIMsAreCopies(t *testing.T) {
	const data = `[{"slot":1,"label":"Ufficio","carrier":"TIM","region":"IT","policy":"work"},{"slot":2,"label":"Личная","policy":"private"}]`
	first, err := decodedSIMs.decode(data)
	if err != nil {
		t.Fatal(err)
	}
	(*first)[1].Policy = "work"
	*first = append(*first, contacts.SIM{Slot: 3})
	again, err := decodedSIMs.decode(data)
	if err != nil {
		t.Fatal(err)
	}
	var want []contacts.SIM
	if err := json.Unmarshal([]byte(data), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*again, want) {
		t.Errorf("SIMs decoded after another copy was changed: %+v; want %+v", *again, want)
	}
	if empty, err := decodedSIMs.decode(`[]`); err != nil || *empty == nil || len(*empty) != 0 {
		t.Errorf("[] decoded to %#v, %v; want an empty list", *empty, err)
	}
}

// cloneContact copies every list, map and pointer a Contact has: a field
// added to Contact without a copy here fails this test.
func TestCloneContactSharesNothing(t *testing.T) {
	var c contacts.Contact
	if err := json.Unmarshal([]byte(storedContactJSON(t)), &c); err != nil {
		t.Fatal(err)
	}
	d := cloneContact(&c)
	if !reflect.DeepEqual(d, &c) {
		t.Fatalf("the clone differs:\n%+v\n%+v", d, c)
	}
	v, w := reflect.ValueOf(&c).Elem(), reflect.ValueOf(d).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		switch f.Type.Kind() {
		case reflect.Slice, reflect.Map, reflect.Pointer:
			if v.Field(i).IsNil() {
				t.Errorf("the test contact leaves %s empty: fill it, so the clone's copy of it is checked", f.Name)
				continue
			}
			if v.Field(i).UnsafePointer() == w.Field(i).UnsafePointer() {
				t.Errorf("cloneContact shares %s with the original", f.Name)
			}
		case reflect.String, reflect.Bool, reflect.Int64, reflect.Struct: // values, time.Time included
		default:
			t.Errorf("Contact.%s is a %s: say in cloneContact how it is copied, and here", f.Name, f.Type.Kind())
		}
	}
}

// BenchmarkDecodeContact: a stored contact read again, as every card of it
// does (the JSON unchanged since the last read).
func BenchmarkDecodeContact(b *testing.B) {
	data := storedContactJSON(b)
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := &contacts.Contact{}
			if err := json.Unmarshal([]byte(data), c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("kept", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeContact(data, 1, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}
