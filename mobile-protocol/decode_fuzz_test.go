package protocol_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// requestTypes are the bodies a phone sends, REST and websocket: the ones
// the server decodes with Decode. The fuzz input's first byte picks one.
var requestTypes = []struct {
	example string // examples/ files that are this type (prefix)
	new     func() any
}{
	{"rest.pair.request", func() any { return new(protocol.PairRequest) }},
	{"rest.device.request", func() any { return new(protocol.DeviceUpdate) }},
	{"rest.calls.request", func() any { return new(protocol.CallStart) }},
	{"rest.calls.end.request", func() any { return new(protocol.CallEnd) }},
	{"rest.notes.request", func() any { return new(protocol.NoteAdd) }},
	{"rest.contacts.request", func() any { return new(protocol.ContactCreate) }},
	{"ws.", func() any { return new(protocol.Envelope) }},
	{"", func() any { return new(protocol.Resume) }},
	{"", func() any { return new(protocol.Ack) }},
}

// FuzzDecode feeds Decode bodies for every request type. Decode either
// fills the value or returns a *DecodeError (what the server turns into
// the protocol's invalid_request error); a value it accepts encodes back
// to a body Decode accepts again and gives the same value (ids already
// canonical, nothing lost). A websocket frame's payload is decoded into
// its type the same way.
func FuzzDecode(f *testing.F) {
	paths, err := filepath.Glob("examples/*.json")
	if err != nil || len(paths) == 0 {
		f.Fatalf("examples: %v", err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		for i, rt := range requestTypes {
			if rt.example != "" && strings.HasPrefix(name, rt.example) && !strings.HasPrefix(name, rt.example+".response") {
				f.Add(uint8(i), data)
			}
		}
	}
	f.Add(uint8(7), []byte(`{"after_seq": 12}`))
	f.Add(uint8(8), []byte(`{"seq": 3}`))
	f.Add(uint8(2), []byte(`{"call_id": "FC7C6D0B-A8E9-4454-91F0-EFD694C11743", "number": null, "sim_slot": 1.5}`))
	f.Add(uint8(6), []byte(`{"type": "note.add", "id": "1", "payload": {"note_id": 5, "note_id": 6}}`))
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		if len(data) > protocol.MaxBody {
			return // the server reads no more than this
		}
		rt := requestTypes[int(kind)%len(requestTypes)]
		v, ok := decodeChecked(t, rt.new, data)
		if !ok {
			return
		}
		env, isEnv := v.(*protocol.Envelope)
		if !isEnv || len(env.Payload) == 0 {
			return
		}
		if newPayload, known := payloadTypes[env.Type]; known {
			decodeChecked(t, newPayload, env.Payload)
		}
	})
}

// decodeChecked decodes data into a new value and checks the properties
// FuzzDecode states; it reports whether the value was accepted.
func decodeChecked(t *testing.T, newValue func() any, data []byte) (any, bool) {
	t.Helper()
	v := newValue()
	start := time.Now()
	err := protocol.Decode(data, v)
	if took := time.Since(start); took > time.Second {
		t.Fatalf("Decode of %d bytes into %T took %v", len(data), v, took)
	}
	if err != nil {
		var de *protocol.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("Decode(%q) into %T: error %T %v, want *protocol.DecodeError", data, v, err, err)
		}
		if msg := err.Error(); msg == "" || !utf8.ValidString(msg) {
			t.Fatalf("Decode(%q) into %T: error message %q, want text", data, v, msg)
		}
		return nil, false
	}
	once, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("Decode(%q) into %T gave %+v, which does not encode: %v", data, v, v, err)
	}
	v2 := newValue()
	if err := protocol.Decode(once, v2); err != nil {
		t.Fatalf("Decode(%q) into %T gave %s, which Decode refuses: %v", data, v, once, err)
	}
	twice, err := json.Marshal(v2)
	if err != nil || !bytes.Equal(once, twice) {
		t.Fatalf("Decode(%q) into %T: %s decodes again as %s (%v)", data, v, once, twice, err)
	}
	return v, true
}
