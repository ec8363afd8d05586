package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// DecodeError says what is wrong with a request body, naming the field.
type DecodeError struct {
	Field   string
	Message string
}

func (e *DecodeError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Decode reads exactly one JSON value from data into v, refusing unknown
// fields, wrong types and trailing data, with an error that names the field.
// It is stricter than encoding/json: the body must be valid UTF-8 (rather
// than have bad bytes turned into U+FFFD), an object key must be exactly a
// field's JSON name (not any case of it) and may appear only once (rather
// than the last one winning); such errors name the key by its full path
// (numbers[0].extra). Phone-chosen ids are then put in canonical form
// (CanonicalID), so every handler, REST or websocket, sees one spelling.
func Decode(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &DecodeError{Message: "body: empty, a JSON object is required"}
	}
	if !utf8.Valid(data) {
		return &DecodeError{Field: "body", Message: "the body is not valid UTF-8"}
	}
	if err := checkKeys(data, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describe(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &DecodeError{Message: "body: more than one JSON value"}
	}
	canonicalize(reflect.ValueOf(v))
	return nil
}

func describe(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &DecodeError{Message: fmt.Sprintf("body: malformed JSON at byte %d", syn.Offset)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &DecodeError{Message: "body: truncated JSON"}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &DecodeError{Field: field, Message: typeMessage(typ)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &DecodeError{Field: name, Message: "unknown field"}
	}
	return &DecodeError{Message: "body: " + strings.TrimPrefix(err.Error(), "json: ")}
}

// typeMessage says what a field needs. A number where a whole number is
// needed is refused for its value, not its type: "must be a whole number,
// not 1.5" rather than "must be a number, not number 1.5".
func typeMessage(typ *json.UnmarshalTypeError) string {
	if n, ok := strings.CutPrefix(typ.Value, "number "); ok && isInteger(typ.Type.Kind()) {
		if strings.ContainsAny(n, ".eE") {
			return "must be a whole number, not " + n
		}
		return n + " is out of range"
	}
	return fmt.Sprintf("must be %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)
}

func isInteger(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "ptr":
		return "a value of the right type"
	}
	return goKind
}
