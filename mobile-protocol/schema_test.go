package protocol

import (
	"strings"
	"testing"
	"testing/fstest"
)

// testSet parses schemas given as name -> text into a set, as the embedded
// ones are parsed.
func testSet(t *testing.T, files map[string]string) *schemaSet {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys["schemas/"+name+schemaSuffix] = &fstest.MapFile{Data: []byte(text)}
	}
	set, err := parseSchemas(fsys)
	if err != nil {
		t.Fatalf("parse schemas: %v", err)
	}
	return set
}

func TestSchemaKeywords(t *testing.T) {
	set := testSet(t, map[string]string{
		"main": `{
			"type": "object",
			"required": ["id", "n"],
			"additionalProperties": false,
			"properties": {
				"id":   {"$ref": "#/$defs/uuid"},
				"n":    {"type": "integer", "minimum": 1, "maximum": 8},
				"x":    {"type": "number", "maximum": 1.5},
				"name": {"type": ["string", "null"], "minLength": 2, "maxLength": 3},
				"kind": {"enum": ["a", "b", null]},
				"v":    {"const": 1},
				"at":   {"type": "string", "format": "date-time"},
				"tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 2},
				"card": {"$ref": "other.schema.json"},
				"code": {"$ref": "other.schema.json#/$defs/code"},
				"open": {"type": "object", "additionalProperties": {"type": "boolean"}},
				"any":  {}
			},
			"$defs": {"uuid": {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}}
		}`,
		"other": `{"type": "object", "properties": {"ok": {"type": "boolean"}}, "additionalProperties": false,
			"$defs": {"code": {"type": "string", "pattern": "^[a-z_]+$"}}}`,
	})
	const id = `"0b8a4f3e-5d6c-4e7f-8a9b-0c1d2e3f4a5b"`
	tests := []struct {
		name, data, want string // want "" means valid, else a substring of the error
	}{
		{"minimal", `{"id":` + id + `,"n":1}`, ""},
		{"everything", `{"id":` + id + `,"n":8,"x":1.5,"name":"Юля","kind":null,"v":1.0,"at":"2026-03-01T09:30:00+01:00",
			"tags":["a"],"card":{"ok":true},"code":"not_found","open":{"a":true},"any":[1,{"b":null}]}`, ""},
		{"missing required", `{"id":` + id + `}`, `"n" is required`},
		{"unknown field", `{"id":` + id + `,"n":1,"colour":"red"}`, "/colour: unknown field"},
		{"wrong type", `{"id":` + id + `,"n":"1"}`, "/n: must be integer, not a string"},
		{"integer with fraction", `{"id":` + id + `,"n":1.0}`, "/n: must be integer, not a number"},
		{"below minimum", `{"id":` + id + `,"n":0}`, "less than the minimum 1"},
		{"above maximum", `{"id":` + id + `,"n":9}`, "more than the maximum 8"},
		{"number above maximum", `{"id":` + id + `,"n":1,"x":1.51}`, "more than the maximum 1.5"},
		{"pattern via $ref", `{"id":"not-a-uuid","n":1}`, "/id: \"not-a-uuid\" does not match"},
		{"too short in characters", `{"id":` + id + `,"n":1,"name":"Ю"}`, "shorter than 2 characters"},
		{"too long in characters", `{"id":` + id + `,"n":1,"name":"Юлия"}`, "longer than 3 characters"},
		{"null where string or null", `{"id":` + id + `,"n":1,"name":null}`, ""},
		{"enum", `{"id":` + id + `,"n":1,"kind":"c"}`, `"c" is not one of ["a","b",null]`},
		{"const", `{"id":` + id + `,"n":1,"v":2}`, "must be 1"},
		{"date-time without offset", `{"id":` + id + `,"n":1,"at":"2026-03-01T09:30:00"}`, "not an RFC 3339 date-time"},
		{"date-time with a space", `{"id":` + id + `,"n":1,"at":"2026-03-01 09:30:00Z"}`, "not an RFC 3339 date-time"},
		{"date-time Z and fraction", `{"id":` + id + `,"n":1,"at":"2026-03-01T09:30:00.123456789Z"}`, ""},
		{"items", `{"id":` + id + `,"n":1,"tags":["a",2]}`, "/tags/1: must be string"},
		{"minItems", `{"id":` + id + `,"n":1,"tags":[]}`, "fewer than 1 items"},
		{"maxItems", `{"id":` + id + `,"n":1,"tags":["a","b","c"]}`, "more than 2 items"},
		{"$ref to another file", `{"id":` + id + `,"n":1,"card":{"ok":1}}`, "/card/ok: must be boolean"},
		{"$ref to another file's $defs", `{"id":` + id + `,"n":1,"code":"Not Found"}`, "/code: \"Not Found\" does not match"},
		{"additionalProperties schema", `{"id":` + id + `,"n":1,"open":{"a":"yes"}}`, "/open/a: must be boolean"},
		{"not an object", `[]`, "/: must be object, not an array"},
		{"two problems", `{"n":0,"colour":1}`, `"id" is required`},
		{"not JSON", `{"id":`, "not JSON"},
		{"trailing data", `{"id":` + id + `,"n":1} {}`, "more than one JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := set.validate("main", []byte(tt.data))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want valid", err)
			case tt.want != "" && err == nil:
				t.Errorf("got valid, want an error with %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
	err := set.validate("main", []byte(`{"n":0,"colour":1}`))
	if se, ok := err.(*SchemaError); !ok || len(se.Problems) != 3 {
		t.Errorf("got %#v, want 3 problems (id missing, n too small, colour unknown)", err)
	}
}

func TestSchemaRefusesWhatItCannotCheck(t *testing.T) {
	for name, text := range map[string]string{
		"unsupported keyword": `{"type": "object", "properties": {"a": {"oneOf": []}}}`,
		"unsupported format":  `{"type": "string", "format": "email"}`,
		"dangling $ref":       `{"$ref": "#/$defs/nothing"}`,
		"ref to missing file": `{"$ref": "nowhere.schema.json"}`,
		"bad pattern":         `{"type": "string", "pattern": "(["}`,
		"schema not object":   `{"properties": {"a": 5}}`,
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"schemas/x.schema.json": &fstest.MapFile{Data: []byte(text)}}
			if _, err := parseSchemas(fsys); err == nil {
				t.Errorf("schema %s was accepted", text)
			}
		})
	}
}

func TestSchemaEmbedded(t *testing.T) {
	names := SchemaNames()
	if len(names) < 30 {
		t.Fatalf("embedded schemas: %d (%v), want every protocol schema", len(names), names)
	}
	for _, n := range []string{"card", "envelope", "error", "rest.calls.request", "ws.card.updated", "ws.resync"} {
		if err := ValidateJSON(n, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "does not match") {
			t.Errorf("%s: an empty object gave %v, want a mismatch", n, err)
		}
	}
	ok := `{"error":{"code":"not_found","message":"call 0b8a4f3e-5d6c-4e7f-8a9b-0c1d2e3f4a5b not found"}}`
	for _, name := range []string{"error", "error.schema.json"} {
		if err := ValidateJSON(name, []byte(ok)); err != nil {
			t.Errorf("ValidateJSON(%q) = %v, want valid", name, err)
		}
	}
	if err := ValidateJSON("nope", []byte(ok)); err == nil {
		t.Errorf("an unknown schema name was accepted")
	}
}
