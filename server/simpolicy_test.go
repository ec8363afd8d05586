package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
)

// pairWithPolicies pairs a phone reporting sims with a code made with the
// given SIM policies chosen (as `devices pair --sim` and the web dialog do).
func (e *testEnv) pairWithPolicies(name string, policies map[int]string, sims []protocol.SIM) (*client.Client, string) {
	e.t.Helper()
	ctx := context.Background()
	pc, err := server.CreatePairCode(ctx, e.DB, name, e.URL, time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := server.SetPairCodeSIMs(ctx, e.DB, pc.Code, policies); err != nil {
		e.t.Fatal(err)
	}
	c := client.New(e.URL, "")
	resp, err := c.Pair(ctx, protocol.PairRequest{Code: pc.Code, DeviceName: name, Platform: "android", SIMs: sims})
	if err != nil {
		e.t.Fatal(err)
	}
	return c, resp.DeviceID
}

// logged reports whether a call on slot is kept in the call log.
func (e *testEnv) logged(ph *client.Client, slot int) bool {
	e.t.Helper()
	req := callReq("06 4281 1822", time.Now())
	req.SIMSlot = slot
	if _, err := ph.StartCall(context.Background(), req); err != nil {
		e.t.Fatal(err)
	}
	var n int
	if err := e.countRows("SELECT COUNT(*) FROM calls WHERE id = ?", &n, req.CallID); err != nil {
		e.t.Fatal(err)
	}
	return n == 1
}

func (e *testEnv) policies(id string) map[int]string {
	e.t.Helper()
	d, err := e.DB.Device(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[int]string{}
	for _, s := range d.SIMs {
		out[s.Slot] = s.EffectivePolicy()
	}
	return out
}

func TestSIMNamedPersonalIsPrivateUntilSomeoneChooses(t *testing.T) {
	e := newEnv(t, true)
	for _, label := range []string{"Personal", "Личная", "personale", "CASA", "Домашняя"} {
		t.Run(label, func(t *testing.T) {
			ph, id := e.pairWithPolicies("Giulia "+label, nil, []protocol.SIM{{Slot: 1, Label: "Linea vendite"}, {Slot: 2, Label: label}})
			info, err := ph.UpdateDevice(context.Background(), protocol.DeviceUpdate{})
			if err != nil {
				t.Fatal(err)
			}
			if info.SIMs[1].Policy != contacts.SIMPrivate || info.SIMs[0].Policy != "" {
				t.Errorf("the phone is told policies %q and %q, want \"\" (work) and private", info.SIMs[0].Policy, info.SIMs[1].Policy)
			}
			if e.logged(ph, 2) {
				t.Errorf("a call on the SIM named %q was logged", label)
			}
			if !e.logged(ph, 1) {
				t.Errorf("a call on the sales SIM was not logged")
			}
			// Someone chooses: work it is.
			if _, err := e.DB.SetSIMPolicy(context.Background(), id, 2, contacts.SIMWork, ""); err != nil {
				t.Fatal(err)
			}
			if !e.logged(ph, 2) {
				t.Errorf("after the office chose work, a call on %q was not logged", label)
			}
		})
	}
}

func TestPairingAsksEachSIMsPolicy(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	// Chosen at pairing: SIM 1 (named Personal) is work, SIM 2 ignored,
	// SIM 3 private; the phone reports only SIMs 1 and 2 now.
	ph, id := e.pairWithPolicies("Marco", map[int]string{1: "work", 2: "ignore", 3: "private"},
		[]protocol.SIM{{Slot: 1, Label: "Personal"}, {Slot: 2, Label: "Vendite"}})
	if got := e.policies(id); got[1] != "work" || got[2] != "ignore" || len(got) != 2 {
		t.Errorf("policies after pairing = %v, want 1 work, 2 ignore", got)
	}
	if pending, err := e.DB.PendingSIMPolicies(ctx, id); err != nil || len(pending) != 1 || pending[3] != "private" {
		t.Errorf("pending = %v (%v), want slot 3 private", pending, err)
	}
	if !e.logged(ph, 1) || e.logged(ph, 2) {
		t.Errorf("calls logged on SIM 1 / SIM 2 do not follow the chosen policies")
	}
	// A third SIM goes in later: the pending choice applies.
	sims := []protocol.SIM{{Slot: 1, Label: "Personal"}, {Slot: 2, Label: "Vendite"}, {Slot: 3, Label: "Ufficio"}}
	info, err := ph.UpdateDevice(ctx, protocol.DeviceUpdate{SIMs: &sims})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.SIMs) != 3 || info.SIMs[2].Policy != "private" || info.SIMs[0].Policy != "work" {
		t.Errorf("device after the phone reported SIM 3 = %+v", info.SIMs)
	}
	if e.logged(ph, 3) {
		t.Errorf("a call on SIM 3, chosen private at pairing, was logged")
	}
	if pending, _ := e.DB.PendingSIMPolicies(ctx, id); len(pending) != 0 {
		t.Errorf("still pending: %v", pending)
	}
	// A bad choice is refused before any code is handed out.
	pc, err := server.CreatePairCode(ctx, e.DB, "Rita", e.URL, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := server.SetPairCodeSIMs(ctx, e.DB, pc.Code, map[int]string{1: "sometimes"}); contacts.ErrorCode(err) != contacts.EInvalid {
		t.Errorf("a bad policy: err %v, want invalid", err)
	}
}
