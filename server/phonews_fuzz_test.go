package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ringcard/ringcard"
	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server/config"
)

// FuzzWebsocketFrame feeds the server's handling of a phone's websocket
// frame (dispatch: the strict envelope decoding, then the handler of its
// type) with frames a phone could send, on a real server with the demo
// data and a paired phone. Every answer is an envelope the phone can
// decode, answering the frame's id, and an error answer is in the
// protocol's error shape with a code that is not "internal": bad input is
// the phone's mistake, never the server's failure. A frame the server
// cannot read as an envelope always gets an invalid_request answer.
func FuzzWebsocketFrame(f *testing.F) {
	paths, err := filepath.Glob("../mobile-protocol/examples/ws.*.json")
	if err != nil || len(paths) == 0 {
		f.Fatalf("examples: %v", err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`{"type":"teleport","id":"x1","payload":{}}`,
		`{"type":"note.add","id":"x1"}`,
		`{"type":"note.add","id":"x1","payload":{"note_id":5}}`,
		`{"type":"ping","id":"x1","colour":"red"}`,
		`{"id":"x1"}`,
		`{"type": "ping", "id": `,
		`{"type":"call.started","id":"c1","payload":{"call_id":"3F6C2A9E-8B1D-4C57-9E2A-5D7B0C4E1F94","direction":"outgoing","number":"06 4281 1822","sim_slot":2,"started_at":"2026-11-24T22:04:11Z"}}`,
		`{"type":"call.ended","id":"c2","payload":{"call_id":"3f6c2a9e-8b1d-4c57-9e2a-5d7b0c4e1f94","ended_at":"2026-11-24T22:05:11Z","duration_s":60,"outcome":"answered"}}`,
		`{"type":"note.add","id":"n1","payload":{"note_id":"9a41d7c2-0e5b-4f38-b6d1-72c8e3a5f015","number":"+39 06 4281 1822","text":"richiamare"}}`,
		`{"type":"ack","id":"a1","payload":{"seq":-9223372036854775808}}`,
	} {
		f.Add([]byte(s))
	}
	s, device := fuzzServer(f)
	ctx := contacts.WithActor(context.Background(), contacts.Actor{Kind: contacts.ActorDevice, ID: device})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > protocol.MaxBody {
			return // ReadFrame refuses larger frames before dispatch
		}
		c := &phoneConn{srv: s, device: device}
		start := time.Now()
		out := c.dispatch(ctx, data)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("frame %q took %v", data, d)
		}
		var env protocol.Envelope
		decErr := protocol.Decode(data, &env)
		if out == nil {
			if decErr != nil {
				t.Fatalf("frame %q: no answer to a frame that is not an envelope (%v)", data, decErr)
			}
			if env.ID != "" && env.Type != protocol.TypeResume {
				t.Fatalf("frame %q: no answer to a frame with an id", data)
			}
			return
		}
		var ans protocol.Envelope
		if err := protocol.Decode(out, &ans); err != nil {
			t.Fatalf("frame %q: answer %s is not an envelope: %v", data, out, err)
		}
		if ans.Seq != 0 {
			t.Fatalf("frame %q: answer %s has a seq", data, out)
		}
		if decErr == nil && ans.Re != env.ID {
			t.Fatalf("frame %q: answer %s does not answer id %q", data, out, env.ID)
		}
		switch ans.Type {
		case protocol.TypeError:
			var body protocol.ErrorResponse
			if err := protocol.Decode(ans.Payload, &body); err != nil {
				t.Fatalf("frame %q: error answer %s is not in the error shape: %v", data, out, err)
			}
			code := body.Error.Code
			if _, known := statusOf[code]; !known || code == contacts.EInternal || body.Error.Message == "" {
				t.Fatalf("frame %q: error answer %s: want a known code other than internal, and a message", data, out)
			}
			if decErr != nil && code != contacts.EInvalid {
				t.Fatalf("frame %q: answer %s to a frame that is not an envelope, want %s", data, out, contacts.EInvalid)
			}
		case protocol.TypePong, protocol.TypeOK, protocol.TypeCard, protocol.TypeNoteAdded:
			if decErr != nil {
				t.Fatalf("frame %q: answer %s to a frame that is not an envelope", data, out)
			}
		default:
			t.Fatalf("frame %q: answer %s of type %q", data, out, ans.Type)
		}
	})
}

// fuzzServer is a real server on a loopback port with the demo data and
// one phone paired through the API; it returns the phone's device id.
func fuzzServer(tb testing.TB) (*Server, string) {
	tb.Helper()
	cfg := config.Default()
	cfg.DB = filepath.Join(tb.TempDir(), "ringcard.db")
	cfg.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	db, err := OpenStore(ctx, cfg)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	if _, err := LoadDemo(ctx, db, ringcard.DemoData); err != nil {
		tb.Fatalf("load demo: %v", err)
	}
	s, err := New(ctx, cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatalf("new server: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		<-done
		db.Close()
	})
	url := "http://" + ln.Addr().String()
	pc, err := CreatePairCode(ctx, db, "Giulia", url, time.Minute)
	if err != nil {
		tb.Fatalf("pair code: %v", err)
	}
	resp, err := client.New(url, "").Pair(ctx, protocol.PairRequest{Code: pc.Code, DeviceName: "Giulia's phone", Platform: "android", AppVersion: "1.0.0",
		SIMs: []protocol.SIM{{Slot: 1, Label: "Sales line"}, {Slot: 2, Label: "Personal", Region: "RU"}}})
	if err != nil {
		tb.Fatalf("pair: %v", err)
	}
	return s, resp.DeviceID
}
