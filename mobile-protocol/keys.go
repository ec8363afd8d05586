package protocol

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// checkKeys walks the JSON in data alongside the Go type it is decoded
// into and refuses the first object key that is not exactly one of the
// struct's JSON names, or that repeats a key of the same object. Malformed
// JSON is left to the decoder proper, which says where it breaks.
func checkKeys(data []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers are only skipped here: no float parsing
	err := (&keyWalker{dec: dec}).value(t, "")
	var de *DecodeError
	if errors.As(err, &de) {
		return de
	}
	return nil
}

type keyWalker struct {
	dec   *json.Decoder
	depth int
}

// maxDepth bounds how deeply a body may nest arrays and objects: protocol
// bodies nest three or four levels; a body of a million '[' must not cost
// the server its memory (it is read before authentication, on pairing).
const maxDepth = 32

// value reads one JSON value; t is the Go type it goes into, nil when any
// key is acceptable there (maps of interfaces, raw JSON, custom decoders).
func (w *keyWalker) value(t reflect.Type, path string) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if w.depth++; w.depth > maxDepth {
		return &DecodeError{Field: "body", Message: "nested too deeply"}
	}
	defer func() { w.depth-- }()
	t = concrete(t)
	if d == '[' {
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(elem, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	} else {
		if err := w.object(t, path); err != nil {
			return err
		}
	}
	_, err = w.dec.Token() // the closing delimiter
	return err
}

func (w *keyWalker) object(t reflect.Type, path string) error {
	var fields map[string]reflect.Type // nil: any key
	var elem reflect.Type
	switch {
	case t == nil:
	case t.Kind() == reflect.Struct:
		fields = infoOf(t).fields
	case t.Kind() == reflect.Map:
		elem = t.Elem()
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		at := key
		if path != "" {
			at = path + "." + key
		}
		if seen[key] {
			return &DecodeError{Field: at, Message: "duplicate field"}
		}
		seen[key] = true
		if fields != nil {
			ft, ok := fields[key]
			if !ok {
				return &DecodeError{Field: at, Message: "unknown field"}
			}
			elem = ft
		}
		if err := w.value(elem, at); err != nil {
			return err
		}
	}
	return nil
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// concrete is the type a JSON value's keys are checked against: pointers
// dereferenced; nil for interfaces and for types that decode themselves
// (json.RawMessage, time.Time), whose keys are theirs to judge.
func concrete(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface {
		return nil
	}
	if p := reflect.PointerTo(t); p.Implements(jsonUnmarshaler) || p.Implements(textUnmarshaler) {
		return nil
	}
	return t
}

// typeInfo is what Decode needs of a struct type: its fields by exact JSON
// name, and where its phone-chosen ids and nested structs are.
type typeInfo struct {
	fields map[string]reflect.Type
	ids    [][]int // string fields named in phoneIDs
	nested [][]int // fields that may hold structs with ids
}

var typeInfos sync.Map // reflect.Type -> *typeInfo

func infoOf(t reflect.Type) *typeInfo {
	if v, ok := typeInfos.Load(t); ok {
		return v.(*typeInfo)
	}
	info := &typeInfo{fields: map[string]reflect.Type{}}
	info.add(t, nil)
	v, _ := typeInfos.LoadOrStore(t, info)
	return v.(*typeInfo)
}

// add records t's fields as encoding/json sees them: the JSON name from the
// tag (or the Go name), "-" left out, untagged embedded structs flattened
// (after the outer fields, which win a name clash).
func (info *typeInfo) add(t reflect.Type, index []int) {
	var embedded []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			if ft := derefType(f.Type); ft.Kind() == reflect.Struct {
				embedded = append(embedded, f)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, taken := info.fields[name]; taken {
			continue
		}
		info.fields[name] = f.Type
		at := append(append([]int(nil), index...), i)
		switch {
		case phoneIDs[name] && f.Type.Kind() == reflect.String:
			info.ids = append(info.ids, at)
		case mayHoldIDs(f.Type):
			info.nested = append(info.nested, at)
		}
	}
	for _, f := range embedded {
		if f.Type.Kind() == reflect.Pointer {
			continue // a nil embedded pointer cannot be walked without allocating
		}
		info.add(f.Type, append(append([]int(nil), index...), f.Index...))
	}
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// mayHoldIDs reports whether a field of type t can contain a struct (so a
// phone-chosen id) without being a type that decodes itself.
func mayHoldIDs(t reflect.Type) bool {
	t = derefType(t)
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return mayHoldIDs(t.Elem())
	case reflect.Struct:
		return concrete(t) != nil
	}
	return false
}
