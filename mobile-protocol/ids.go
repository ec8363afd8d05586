package protocol

import (
	"reflect"
	"strings"
)

// phoneIDs are the JSON names of ids a phone chooses (UUIDs) and the
// references to them. The protocol accepts them in either case; Decode
// writes them in lower case so that "FC7C6D0B-…" and "fc7c6d0b-…" are one
// call, one note, one contact, one follow-up.
var phoneIDs = map[string]bool{
	"call_id":     true,
	"note_id":     true,
	"client_id":   true,
	"followup_id": true,
}

// CanonicalID is the canonical spelling of a phone-chosen id: a UUID in
// lower case. Anything that is not made of hex digits and dashes is
// returned unchanged, for the validator to refuse as it was sent. Use it
// for ids that reach the server outside a decoded body (URL paths).
func CanonicalID(id string) string {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || c == '-') {
			return id
		}
	}
	return strings.ToLower(id)
}

// canonicalize puts every phone-chosen id in v (and in the structs it
// holds) in canonical form.
func canonicalize(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			canonicalize(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		if !mayHoldIDs(v.Type().Elem()) {
			return
		}
		for i := range v.Len() {
			canonicalize(v.Index(i))
		}
	case reflect.Struct:
		info := infoOf(v.Type())
		for _, at := range info.ids {
			if f := v.FieldByIndex(at); f.CanSet() {
				f.SetString(CanonicalID(f.String()))
			}
		}
		for _, at := range info.nested {
			canonicalize(v.FieldByIndex(at))
		}
	}
}
