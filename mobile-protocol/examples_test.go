package protocol_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// goTypes gives, per schema, a new value of the Go type its messages decode
// into. Websocket frames decode into Envelope and their payload into
// payloadTypes.
var goTypes = map[string]func() any{
	"rest.pair.request":               func() any { return new(protocol.PairRequest) },
	"rest.pair.response":              func() any { return new(protocol.PairResponse) },
	"rest.device.request":             func() any { return new(protocol.DeviceUpdate) },
	"rest.device.response":            func() any { return new(protocol.DeviceInfo) },
	"rest.calls.request":              func() any { return new(protocol.CallStart) },
	"rest.calls.response":             func() any { return new(protocol.CardResponse) },
	"rest.calls.end.request":          func() any { return new(protocol.CallEnd) },
	"rest.calls.end.response":         func() any { return new(protocol.CallResponse) },
	"rest.notes.request":              func() any { return new(protocol.NoteAdd) },
	"rest.notes.response":             func() any { return new(protocol.NoteResponse) },
	"rest.contacts.request":           func() any { return new(protocol.ContactCreate) },
	"rest.contacts.response":          func() any { return new(protocol.CardResponse) },
	"rest.cards.lookup.response":      func() any { return new(protocol.CardResponse) },
	"rest.cards.response":             func() any { return new(protocol.Directory) },
	"error":                           func() any { return new(protocol.ErrorResponse) },
	"fcm.sync":                        func() any { return new(map[string]string) }, // FCM data is a string map
	"fcm.dial":                        func() any { return new(map[string]string) },
	"fcm.event":                       func() any { return new(map[string]string) },
	"card":                            func() any { return new(protocol.Card) },
	"rest.messages.status.request":    func() any { return new(protocol.MessageStatus) },
	"rest.messages.status.response":   func() any { return new(protocol.MessageStatusResponse) },
	"rest.messages.received.request":  func() any { return new(protocol.SMSReceived) },
	"rest.messages.received.response": func() any { return new(protocol.SMSReceivedResponse) },
	"envelope":                        func() any { return new(protocol.Envelope) },
}

var payloadTypes = map[string]func() any{
	protocol.TypeCallStarted:    func() any { return new(protocol.CallStart) },
	protocol.TypeCallEnded:      func() any { return new(protocol.CallEnd) },
	protocol.TypeNoteAdd:        func() any { return new(protocol.NoteAdd) },
	protocol.TypeResume:         func() any { return new(protocol.Resume) },
	protocol.TypeAck:            func() any { return new(protocol.Ack) },
	protocol.TypeCard:           func() any { return new(protocol.Card) },
	protocol.TypeCardUpdated:    func() any { return new(protocol.Card) },
	protocol.TypeContactRemoved: func() any { return new(protocol.ContactRemoved) },
	protocol.TypeNoteAdded:      func() any { return new(protocol.Note) },
	protocol.TypeDial:           func() any { return new(protocol.Dial) },
	protocol.TypeSMSSend:        func() any { return new(protocol.SMSSend) },
	protocol.TypeError:          func() any { return new(protocol.ErrorResponse) },
	protocol.TypeOK:             func() any { return new(protocol.CallResponse) },
	protocol.TypeResync:         func() any { return new(protocol.ResyncPayload) },
	protocol.TypeBatch:          func() any { return new(protocol.Batch) },
	protocol.TypeCardChanged:    func() any { return new(protocol.CardChanged) },
}

// TestBatchExampleEvents: every event in a batch example is a frame its
// own schema accepts, numbered in order with no gap.
func TestBatchExampleEvents(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("examples", "ws.batch.json"))
	if err != nil {
		t.Fatal(err)
	}
	var env protocol.Envelope
	if err := protocol.Decode(data, &env); err != nil {
		t.Fatal(err)
	}
	var b protocol.Batch
	if err := protocol.Decode(env.Payload, &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Events) < 2 {
		t.Fatalf("the batch example has %d events, want several", len(b.Events))
	}
	for i, e := range b.Events {
		if i > 0 && e.Seq != b.Events[i-1].Seq+1 {
			t.Errorf("event %d has seq %d after %d", i, e.Seq, b.Events[i-1].Seq)
		}
		if e.Type == protocol.TypeBatch {
			t.Errorf("event %d: a batch inside a batch", i)
		}
		if err := protocol.ValidateJSON("ws."+e.Type, mustMarshal(t, e)); err != nil {
			t.Errorf("event %d (%s): %v", i, e.Type, err)
		}
	}
}

type file struct{ name, path string }

// listDir returns the files of dir whose names end in suffix, by name
// without the suffix.
func listDir(t *testing.T, dir, suffix string) []file {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []file
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if !strings.HasSuffix(e.Name(), suffix) {
			t.Errorf("%s/%s: every file here must end in %s", dir, e.Name(), suffix)
			continue
		}
		out = append(out, file{strings.TrimSuffix(e.Name(), suffix), filepath.Join(dir, e.Name())})
	}
	return out
}

// schemaOf names the schema an example is checked against: the longest
// dot-separated prefix of its name that is a schema, so
// "rest.calls.request.withheld" uses rest.calls.request and
// "error.not_found" uses error.
func schemaOf(example string, schemas map[string]bool) string {
	parts := strings.Split(example, ".")
	for n := len(parts); n > 0; n-- {
		if name := strings.Join(parts[:n], "."); schemas[name] {
			return name
		}
	}
	return ""
}

func schemaSet(t *testing.T) map[string]bool {
	t.Helper()
	set := map[string]bool{}
	for _, f := range listDir(t, "schemas", ".schema.json") {
		set[f.name] = true
	}
	return set
}

func TestExampleSchemaPairs(t *testing.T) {
	schemas := schemaSet(t)
	if embedded := protocol.SchemaNames(); !slices.Equal(embedded, sortedKeys(schemas)) {
		t.Errorf("embedded schemas %v differ from schemas/ %v", embedded, sortedKeys(schemas))
	}
	used := map[string]bool{}
	for _, ex := range listDir(t, "examples", ".json") {
		s := schemaOf(ex.name, schemas)
		if s == "" {
			t.Errorf("example %s has no schema: add schemas/<prefix of its name>.schema.json", ex.path)
			continue
		}
		used[s] = true
	}
	// A schema is covered by an example of its own, or by being referenced
	// from a covered schema (card, envelope, common).
	refRE := regexp.MustCompile(`"\$ref":\s*"([^"#]+)\.schema\.json`)
	reached := map[string]bool{}
	queue := sortedKeys(used)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if reached[s] {
			continue
		}
		reached[s] = true
		b, err := os.ReadFile(filepath.Join("schemas", s+".schema.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range refRE.FindAllStringSubmatch(string(b), -1) {
			queue = append(queue, strings.TrimPrefix(m[1], "./"))
		}
	}
	for s := range schemas {
		if !reached[s] {
			t.Errorf("schemas/%s.schema.json has no example: add examples/%s.json", s, s)
		}
		if _, ok := goTypes[s]; !ok && !strings.HasPrefix(s, "ws.") && s != "common" {
			t.Errorf("schema %s has no Go type in goTypes", s)
		}
	}
}

func TestExamplesMatchSchemasAndGoTypes(t *testing.T) {
	schemas := schemaSet(t)
	examples := listDir(t, "examples", ".json")
	if len(examples) < 45 {
		t.Fatalf("%d examples, want one for every message of the protocol", len(examples))
	}
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			data, err := os.ReadFile(ex.path)
			if err != nil {
				t.Fatal(err)
			}
			s := schemaOf(ex.name, schemas)
			if err := protocol.ValidateJSON(s, data); err != nil {
				t.Fatalf("schema %s: %v", s, err)
			}
			var again []byte
			if strings.HasPrefix(s, "ws.") {
				if err := protocol.ValidateJSON("envelope", data); err != nil {
					t.Errorf("envelope: %v", err)
				}
				if wantType := strings.TrimPrefix(s, "ws."); !bytes.Contains(data, []byte(`"type": "`+wantType+`"`)) {
					t.Errorf("a ws.%s example must be a %s frame", wantType, wantType)
				}
				again = reencodeFrame(t, data)
			} else {
				v := goTypes[s]()
				if err := protocol.Decode(data, v); err != nil {
					t.Fatalf("strict decode into %T: %v", v, err)
				}
				again = mustMarshal(t, v)
			}
			if !sameJSON(t, data, again) {
				t.Errorf("re-encoded differs:\n got %s\nwant %s", again, compact(t, data))
			}
		})
	}
}

// reencodeFrame decodes a frame and its payload strictly and encodes both again.
func reencodeFrame(t *testing.T, data []byte) []byte {
	t.Helper()
	var env protocol.Envelope
	if err := protocol.Decode(data, &env); err != nil {
		t.Fatalf("strict decode into Envelope: %v", err)
	}
	if len(env.Payload) > 0 {
		newPayload, ok := payloadTypes[env.Type]
		if !ok {
			t.Fatalf("frame type %s has a payload but no payload type", env.Type)
		}
		p := newPayload()
		if err := protocol.Decode(env.Payload, p); err != nil {
			t.Fatalf("strict decode of the payload into %T: %v", p, err)
		}
		env.Payload = mustMarshal(t, p)
	}
	return mustMarshal(t, env)
}

func TestExamplesAreRealistic(t *testing.T) {
	// Names, notes and numbers in the examples use what phones really
	// carry: Cyrillic, accents, emoji-free but non-ASCII punctuation.
	var all strings.Builder
	for _, ex := range listDir(t, "examples", ".json") {
		b, err := os.ReadFile(ex.path)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	for _, want := range []string{"Алексей", "Chloé", "Ibáñez", "«", "€"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no example carries %q", want)
		}
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	return reflect.DeepEqual(generic(t, a), generic(t, b))
}

func generic(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

func compact(t *testing.T, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
