package protocol

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// schemaFiles are the protocol's JSON Schemas (draft 2020-12), embedded so
// any program linking this package can check a message without the source
// tree: the server's tests, the simulator, a debugging proxy.
//
//go:embed schemas/*.schema.json
var schemaFiles embed.FS

const schemaSuffix = ".schema.json"

// ValidateJSON checks data (one JSON value) against the schema
// schemas/<schemaName>.schema.json; schemaName may also be given with the
// suffix. It implements the subset of JSON Schema 2020-12 the protocol's
// schemas use (type, required, properties, additionalProperties, items,
// minItems/maxItems, enum, const, minimum/maximum, minLength/maxLength,
// pattern, format date-time and $ref within a file and across schemas/),
// and refuses a schema that uses anything else, so a schema never claims a
// rule nobody checks. "integer" is strict: digits only, as Go decodes it.
// The error lists every violation with its JSON pointer.
func ValidateJSON(schemaName string, data []byte) error {
	set, err := loadSchemas()
	if err != nil {
		return err
	}
	return set.validate(schemaName, data)
}

func (set *schemaSet) validate(schemaName string, data []byte) error {
	name := strings.TrimSuffix(schemaName, schemaSuffix)
	root, ok := set.files[name]
	if !ok {
		return fmt.Errorf("validate: no schema %q in schemas/", schemaName)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("validate against %s: not JSON: %w", name, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("validate against %s: more than one JSON value", name)
	}
	r := &run{set: set}
	r.check(&node{file: name, s: root}, v, "")
	if len(r.errs) == 0 {
		return nil
	}
	return &SchemaError{Schema: name, Problems: r.errs}
}

// SchemaNames lists the embedded schemas by name (without the suffix).
func SchemaNames() []string {
	set, err := loadSchemas()
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(set.files))
	for n := range set.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SchemaError lists what in a message breaks its schema, one problem per
// line, each starting with the JSON pointer of the offending value.
type SchemaError struct {
	Schema   string
	Problems []string
}

func (e *SchemaError) Error() string {
	const show = 10
	p := e.Problems
	more := ""
	if len(p) > show {
		more = fmt.Sprintf("\n  ... and %d more", len(p)-show)
		p = p[:show]
	}
	return "does not match " + e.Schema + ":\n  " + strings.Join(p, "\n  ") + more
}

type schemaSet struct {
	files    map[string]map[string]any
	patterns map[string]*regexp.Regexp
}

var (
	loadOnce sync.Once
	loaded   *schemaSet
	loadErr  error
)

func loadSchemas() (*schemaSet, error) {
	loadOnce.Do(func() { loaded, loadErr = parseSchemas(schemaFiles) })
	return loaded, loadErr
}

// parseSchemas reads every *.schema.json of fsys (under schemas/) and checks
// that each uses only known keywords and that every $ref resolves.
func parseSchemas(fsys fs.FS) (*schemaSet, error) {
	entries, err := fs.ReadDir(fsys, "schemas")
	if err != nil {
		return nil, fmt.Errorf("read schemas: %w", err)
	}
	set := &schemaSet{files: map[string]map[string]any{}, patterns: map[string]*regexp.Regexp{}}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), schemaSuffix) {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join("schemas", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read schema %s: %w", e.Name(), err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("parse schema %s: %w", e.Name(), err)
		}
		set.files[strings.TrimSuffix(e.Name(), schemaSuffix)] = m
	}
	for name, m := range set.files {
		if err := set.lint(name, m, ""); err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
	}
	return set, nil
}

// keywords the validator implements; the annotations are only read by people.
var keywords = map[string]bool{
	"$schema": true, "$id": true, "$defs": true, "$ref": true, "$comment": true,
	"title": true, "description": true, "examples": true, "deprecated": true,
	"type": true, "required": true, "properties": true, "additionalProperties": true,
	"items": true, "minItems": true, "maxItems": true, "enum": true, "const": true,
	"minimum": true, "maximum": true, "minLength": true, "maxLength": true,
	"pattern": true, "format": true,
}

func (set *schemaSet) lint(file string, s map[string]any, at string) error {
	for k, v := range s {
		if !keywords[k] {
			return fmt.Errorf("%s: keyword %q is not supported by this validator", at, k)
		}
		var err error
		switch k {
		case "$ref":
			ref, _ := v.(string)
			_, err = set.resolve(file, ref)
		case "pattern":
			p, _ := v.(string)
			var re *regexp.Regexp
			if re, err = regexp.Compile(p); err == nil {
				set.patterns[p] = re
			}
		case "format":
			if v != "date-time" {
				err = fmt.Errorf("format %v is not supported", v)
			}
		case "$defs", "properties":
			m, _ := v.(map[string]any)
			for name, sub := range m {
				if err = set.lintSub(file, sub, at+"/"+k+"/"+name); err != nil {
					return err
				}
			}
		case "items":
			err = set.lintSub(file, v, at+"/items")
		case "additionalProperties":
			if _, ok := v.(bool); !ok {
				err = set.lintSub(file, v, at+"/additionalProperties")
			}
		}
		if err != nil {
			return fmt.Errorf("%s/%s: %w", at, k, err)
		}
	}
	return nil
}

func (set *schemaSet) lintSub(file string, v any, at string) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: a schema must be an object", at)
	}
	return set.lint(file, m, at)
}

// node is a schema object and the file it lives in (for relative $ref).
type node struct {
	file string
	s    map[string]any
}

// resolve finds "#/$defs/x", "other.schema.json" or
// "other.schema.json#/$defs/x" seen from file.
func (set *schemaSet) resolve(file, ref string) (*node, error) {
	target, frag, _ := strings.Cut(ref, "#")
	if target != "" {
		target = strings.TrimSuffix(strings.TrimPrefix(target, "./"), schemaSuffix)
		file = target
	}
	cur, ok := set.files[file]
	if !ok {
		return nil, fmt.Errorf("$ref %q: no schema %s", ref, file)
	}
	if frag == "" || frag == "/" {
		return &node{file: file, s: cur}, nil
	}
	if !strings.HasPrefix(frag, "/") {
		return nil, fmt.Errorf("$ref %q: only JSON pointer fragments are supported", ref)
	}
	var at any = cur
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := at.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q: %s is not an object", ref, tok)
		}
		if at, ok = m[tok]; !ok {
			return nil, fmt.Errorf("$ref %q: %s not found", ref, tok)
		}
	}
	m, ok := at.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("$ref %q: does not name a schema object", ref)
	}
	return &node{file: file, s: m}, nil
}

// run is one validation, collecting every problem.
type run struct {
	set   *schemaSet
	errs  []string
	depth int
}

func (r *run) fail(ptr, format string, args ...any) {
	if ptr == "" {
		ptr = "/"
	}
	r.errs = append(r.errs, ptr+": "+fmt.Sprintf(format, args...))
}

func (r *run) check(n *node, v any, ptr string) {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > 64 {
		r.fail(ptr, "schema $ref nesting too deep")
		return
	}
	s := n.s
	if ref, ok := s["$ref"].(string); ok {
		target, err := r.set.resolve(n.file, ref)
		if err != nil {
			r.fail(ptr, "%v", err)
			return
		}
		r.check(target, v, ptr)
	}
	if t, ok := s["type"]; ok && !r.checkType(t, v, ptr) {
		return // the other keywords would only repeat the type mismatch
	}
	if c, ok := s["const"]; ok && !jsonEqual(c, v) {
		r.fail(ptr, "must be %s", show(c))
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, x := range e {
			found = found || jsonEqual(x, v)
		}
		if !found {
			r.fail(ptr, "%s is not one of %s", show(v), show(e))
		}
	}
	switch x := v.(type) {
	case string:
		r.checkString(s, x, ptr)
	case json.Number:
		r.checkNumber(s, x, ptr)
	case []any:
		r.checkArray(n, x, ptr)
	case map[string]any:
		r.checkObject(n, x, ptr)
	}
}

func (r *run) checkType(t, v any, ptr string) bool {
	var names []string
	switch x := t.(type) {
	case string:
		names = []string{x}
	case []any:
		for _, y := range x {
			s, _ := y.(string)
			names = append(names, s)
		}
	}
	for _, name := range names {
		if isType(name, v) {
			return true
		}
	}
	r.fail(ptr, "must be %s, not %s", strings.Join(names, " or "), kindOf(v))
	return false
}

func isType(name string, v any) bool {
	switch name {
	case "null":
		return v == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		_, err := strconv.ParseInt(string(n), 10, 64)
		return ok && err == nil
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

func kindOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		if isType("integer", x) {
			return "an integer"
		}
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func (r *run) checkString(s map[string]any, v, ptr string) {
	n := utf8.RuneCountInString(v)
	if m, ok := intKeyword(s, "minLength"); ok && n < m {
		r.fail(ptr, "shorter than %d characters", m)
	}
	if m, ok := intKeyword(s, "maxLength"); ok && n > m {
		r.fail(ptr, "longer than %d characters", m)
	}
	if p, ok := s["pattern"].(string); ok && !r.set.patterns[p].MatchString(v) {
		r.fail(ptr, "%s does not match %s", show(cut(v, 60)), p)
	}
	if s["format"] == "date-time" {
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			r.fail(ptr, "%s is not an RFC 3339 date-time", show(cut(v, 60)))
		}
	}
}

func (r *run) checkNumber(s map[string]any, v json.Number, ptr string) {
	x, ok := new(big.Rat).SetString(string(v))
	if !ok {
		r.fail(ptr, "%s is not a number", v)
		return
	}
	if m, ok := s["minimum"].(json.Number); ok {
		if lim, _ := new(big.Rat).SetString(string(m)); lim != nil && x.Cmp(lim) < 0 {
			r.fail(ptr, "%s is less than the minimum %s", v, m)
		}
	}
	if m, ok := s["maximum"].(json.Number); ok {
		if lim, _ := new(big.Rat).SetString(string(m)); lim != nil && x.Cmp(lim) > 0 {
			r.fail(ptr, "%s is more than the maximum %s", v, m)
		}
	}
}

func (r *run) checkArray(n *node, v []any, ptr string) {
	if m, ok := intKeyword(n.s, "minItems"); ok && len(v) < m {
		r.fail(ptr, "fewer than %d items", m)
	}
	if m, ok := intKeyword(n.s, "maxItems"); ok && len(v) > m {
		r.fail(ptr, "more than %d items", m)
	}
	items, ok := n.s["items"].(map[string]any)
	if !ok {
		return
	}
	for i, x := range v {
		r.check(&node{file: n.file, s: items}, x, ptr+"/"+strconv.Itoa(i))
	}
}

func (r *run) checkObject(n *node, v map[string]any, ptr string) {
	if req, ok := n.s["required"].([]any); ok {
		for _, k := range req {
			name, _ := k.(string)
			if _, ok := v[name]; !ok {
				r.fail(ptr, "%q is required", name)
			}
		}
	}
	props, _ := n.s["properties"].(map[string]any)
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		child := ptr + "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
		if sub, ok := props[k].(map[string]any); ok {
			r.check(&node{file: n.file, s: sub}, v[k], child)
			continue
		}
		switch ap := n.s["additionalProperties"].(type) {
		case bool:
			if !ap {
				r.fail(child, "unknown field")
			}
		case map[string]any:
			r.check(&node{file: n.file, s: ap}, v[k], child)
		}
	}
}

func intKeyword(s map[string]any, k string) (int, bool) {
	n, ok := s[k].(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(string(n))
	return i, err == nil
}

// jsonEqual compares two decoded JSON values; numbers by value.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		p, ok1 := new(big.Rat).SetString(string(x))
		q, ok2 := new(big.Rat).SetString(string(y))
		return ok1 && ok2 && p.Cmp(q) == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !jsonEqual(xv, yv) {
				return false
			}
		}
		return true
	}
	return a == b
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
