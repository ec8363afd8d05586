package server_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/push/fcmstub"
)

func withFCM(stub *httptest.Server) envOpt {
	return func(c *config.Config) {
		c.FCM.ProjectID = "ringcard-test"
		c.FCM.Endpoint = stub.URL + "/v1"
	}
}

// pairWithToken pairs a phone that has an FCM token.
func (e *testEnv) pairWithToken(name, token string) (*client.Client, string) {
	e.t.Helper()
	ctx := context.Background()
	pc, err := server.CreatePairCode(ctx, e.DB, name, e.URL, time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	c := client.New(e.URL, "")
	resp, err := c.Pair(ctx, protocol.PairRequest{Code: pc.Code, DeviceName: name, Platform: "android", FCMToken: token,
		SIMs: []protocol.SIM{{Slot: 1, Label: "Sales line"}, {Slot: 2, Label: "Second line"}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return c, resp.DeviceID
}

func TestOfflinePhoneGetsFCMWithoutClientData(t *testing.T) {
	stub := fcmstub.New()
	fcm := httptest.NewServer(stub)
	defer fcm.Close()
	e := newEnv(t, true, withFCM(fcm))
	_, _ = e.pairWithToken("Giulia", "tok-giulia") // paired, never connected
	other := e.phone("Marco")
	if _, err := other.AddNote(context.Background(), protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0016", Text: "Позвонить в пятницу"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an FCM message", 5*time.Second, func() bool { return len(stub.MessagesFor("tok-giulia")) > 0 })
	m := stub.MessagesFor("tok-giulia")[0]
	if m.Notification || m.Android == nil || m.Android.Notification {
		t.Errorf("message has a notification block: %+v", m)
	}
	if m.Data["type"] != "sync" || m.Android.Priority != "normal" || m.Android.CollapseKey != "sync" || !m.Android.HasTTL {
		t.Errorf("sync tickle = data %v priority %q collapse %q ttl %v, want a collapsible normal-priority sync with a TTL", m.Data, m.Android.Priority, m.Android.CollapseKey, m.Android.TTLRaw)
	}
	for k, v := range m.Data {
		if k != "type" && k != "cursor" {
			t.Errorf("sync carries %s=%q: only type and cursor are allowed", k, v)
		}
	}
	raw := string(m.Raw)
	for _, private := range []string{"Семёнов", "Евгений", "Позвонить", "+7925", "demo-0016"} {
		if strings.Contains(raw, private) {
			t.Errorf("FCM message carries client data %q: %s", private, raw)
		}
	}
}

func TestDialReachesConnectedAndDisconnectedPhones(t *testing.T) {
	stub := fcmstub.New()
	fcm := httptest.NewServer(stub)
	defer fcm.Close()
	e := newEnv(t, true, withFCM(fcm))
	online, onlineID := e.pairWithToken("Giulia", "tok-online")
	_, offlineID := e.pairWithToken("Marco", "tok-offline")
	s := connect(t, online, 0)
	ctx := context.Background()
	if err := e.Srv.Dial(ctx, onlineID, "06 4281 1822", 1); err != nil {
		t.Fatal(err)
	}
	ev := events(t, s, 1)[0]
	var d protocol.Dial
	if ev.Type != "dial" || json.Unmarshal(ev.Payload, &d) != nil || d.Number != "+390642811822" || d.SIMSlot != 1 {
		t.Errorf("connected phone got %s %s, want dial +390642811822 on SIM 1", ev.Type, ev.Payload)
	}
	if err := e.Srv.Dial(ctx, offlineID, "+39 380 296 0981", 2); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an FCM dial", 5*time.Second, func() bool {
		for _, m := range stub.MessagesFor("tok-offline") {
			if m.Data["type"] == "dial" {
				return true
			}
		}
		return false
	})
	for _, m := range stub.MessagesFor("tok-offline") {
		if m.Data["type"] == "dial" && (m.Android.Priority != "high" || m.Data["number"] != "+393802960981" || m.Data["sim_slot"] != "2") {
			t.Errorf("FCM dial = %v priority %s, want high priority with the number and SIM 2", m.Data, m.Android.Priority)
		}
	}
	if len(stub.MessagesFor("tok-online")) != 0 {
		t.Errorf("a connected phone was sent FCM messages")
	}
	if err := e.Srv.Dial(ctx, offlineID, "not a number", 1); contacts.ErrorCode(err) != contacts.EInvalidNumber {
		t.Errorf("dialling a non-number: %v", err)
	}
	if err := e.Srv.Dial(ctx, offlineID, "0612345678", 5); contacts.ErrorCode(err) != contacts.EInvalid {
		t.Errorf("dialling on a SIM the phone lacks: %v", err)
	}
}

func TestUnregisteredTokenIsDropped(t *testing.T) {
	stub := fcmstub.New()
	fcm := httptest.NewServer(stub)
	defer fcm.Close()
	stub.Unregister("tok-gone")
	e := newEnv(t, true, withFCM(fcm))
	_, id := e.pairWithToken("Giulia", "tok-gone")
	if _, err := e.phone("Marco").AddNote(context.Background(), protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: "demo-0001", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	waitFor(t, "the token dropped", 5*time.Second, func() bool {
		d, err := e.DB.Device(ctx, id)
		return err == nil && d.FCMToken == ""
	})
	health, err := e.Srv.DeviceHealth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range health {
		if h.ID == id && (!strings.Contains(h.LastError, "no longer registered") || h.Channel != "fcm") {
			t.Errorf("health = %+v, want the unregistered token reported", h)
		}
	}
}

func TestSilentPhoneIsFlagged(t *testing.T) {
	e := newEnv(t, false)
	_ = e.phone("Giulia")
	ctx := context.Background()
	feed, stop := e.Srv.SubscribeLiveForTest()
	defer stop()
	// Outside working hours nothing is flagged: a Sunday, long after the
	// phone was last seen.
	if err := e.Srv.CheckSilentForTest(ctx, time.Date(2030, 1, 6, 11, 0, 0, 0, time.Local)); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-feed:
		t.Fatalf("flagged on a Sunday: %+v", ev)
	default:
	}
	// A Wednesday at 11:00 local time, long after the phone was last seen.
	wed := time.Date(2030, 1, 2, 11, 0, 0, 0, time.Local)
	devs, _ := e.DB.Devices(ctx)
	if err := e.Srv.CheckSilentForTest(ctx, wed); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-feed:
		if ev.Type != "device.silent" || ev.Device.DeviceID != devs[0].ID {
			t.Errorf("live event = %+v, want device.silent", ev)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no device.silent event")
	}
	h, _ := e.Srv.DeviceHealth(ctx)
	if !h[0].Silent {
		t.Errorf("health = %+v, want silent", h[0])
	}
	// Checking again does not flag twice.
	if err := e.Srv.CheckSilentForTest(ctx, wed.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-feed:
		t.Errorf("flagged twice: %+v", ev)
	default:
	}
}

func TestPrivateSIMLeavesNoTrace(t *testing.T) {
	e := newEnv(t, true)
	ph, id := e.pairWithToken("Giulia", "")
	ctx := context.Background()
	if _, err := e.DB.SetSIMPolicy(ctx, id, 2, contacts.SIMPrivate, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.SetSIMPolicy(ctx, id, 3, contacts.SIMIgnore, "Family"); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		var n int
		if err := e.countRows(q, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	calls, events, audit := count("SELECT COUNT(*) FROM calls"), count("SELECT COUNT(*) FROM events"), count("SELECT COUNT(*) FROM audit_log")

	req := callReq("06 4281 1822", time.Now())
	req.SIMSlot = 2
	card, err := ph.StartCall(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !card.Known || card.DisplayName != "Silvia Santoro" || card.SIM == nil || card.SIM.Policy != "private" {
		t.Errorf("private SIM card = %+v, want the card shown", card)
	}
	d := 5
	if _, err := ph.EndCall(ctx, req.CallID, protocol.CallEnd{EndedAt: time.Now().Format(time.RFC3339), DurationS: &d, Outcome: "answered"}); err != nil {
		t.Errorf("ending a private call: %v", err)
	}
	ignored := callReq("06 4281 1822", time.Now())
	ignored.SIMSlot = 3
	card, err = ph.StartCall(ctx, ignored)
	if err != nil {
		t.Fatal(err)
	}
	if card.Known || card.DisplayName != "" || card.SIM.Policy != "ignore" {
		t.Errorf("ignored SIM card = %+v, want nothing looked up", card)
	}
	if c, ev, a := count("SELECT COUNT(*) FROM calls"), count("SELECT COUNT(*) FROM events"), count("SELECT COUNT(*) FROM audit_log"); c != calls || ev != events || a != audit {
		t.Errorf("private calls left traces: calls %d->%d events %d->%d audit %d->%d", calls, c, events, ev, audit, a)
	}
	// The phone updating its SIMs keeps the office's policy.
	sims := []protocol.SIM{{Slot: 1, Label: "Sales"}, {Slot: 2, Label: "Mine"}}
	info, err := ph.UpdateDevice(ctx, protocol.DeviceUpdate{SIMs: &sims})
	if err != nil || info.SIMs[1].Policy != "private" {
		t.Errorf("after PUT /device: %+v %v, want SIM 2 still private", info.SIMs, err)
	}
	// A work SIM is logged.
	work := callReq("06 4281 1822", time.Now())
	if _, err := ph.StartCall(ctx, work); err != nil {
		t.Fatal(err)
	}
	if c := count("SELECT COUNT(*) FROM calls"); c != calls+1 {
		t.Errorf("work SIM call not logged")
	}
}

func TestSecondPhoneSeesOnACall(t *testing.T) {
	e := newEnv(t, true)
	giulia, marco := e.phone("Giulia"), e.phone("Marco")
	ctx := context.Background()
	start := time.Now().UTC().Truncate(time.Second)
	call := callReq("+39 380 296 0981", start)
	if _, err := giulia.StartCall(ctx, call); err != nil {
		t.Fatal(err)
	}
	card, err := marco.Lookup(ctx, "380 296 0981")
	if err != nil {
		t.Fatal(err)
	}
	if card.OnCall == nil || card.OnCall.By != "Giulia" || card.OnCall.Since != start.Format(time.RFC3339) {
		t.Fatalf("Marco's card on_call = %+v, want Giulia since %s", card.OnCall, start)
	}
	own, err := giulia.StartCall(ctx, call) // Giulia's own card (a retry) does not show her own call
	if err != nil || own.OnCall != nil {
		t.Errorf("the caller's own card shows on_call %+v (%v)", own.OnCall, err)
	}
	d := 60
	if _, err := giulia.EndCall(ctx, call.CallID, protocol.CallEnd{EndedAt: start.Add(time.Minute).Format(time.RFC3339), DurationS: &d, Outcome: "answered"}); err != nil {
		t.Fatal(err)
	}
	if card, _ := marco.Lookup(ctx, "380 296 0981"); card.OnCall != nil {
		t.Errorf("after the call ended, on_call = %+v", card.OnCall)
	}
}

func TestLiveFeedAndMissedCallback(t *testing.T) {
	e := newEnv(t, true)
	ph := e.phone("Giulia")
	feed, stop := e.Srv.SubscribeLiveForTest()
	defer stop()
	ctx := context.Background()
	req := callReq("06 4281 1822", time.Now())
	req.SIMSlot = 2
	if _, err := ph.StartCall(ctx, req); err != nil {
		t.Fatal(err)
	}
	got := <-feed
	if got.Type != "call.started" || got.Call.DisplayName != "Silvia Santoro" || got.Call.SIMLabel != "Second line" {
		t.Errorf("live event = %+v %+v", got, got.Call)
	}
	if _, err := ph.EndCall(ctx, req.CallID, protocol.CallEnd{EndedAt: time.Now().Format(time.RFC3339), Outcome: "missed"}); err != nil {
		t.Fatal(err)
	}
	got = <-feed
	if got.Type != "call.missed" || got.Callback == nil || got.Callback.SIMSlot != 2 || got.Callback.Number != "06 4281 1822" {
		t.Errorf("missed call event = %+v, want a callback on SIM 2", got)
	}
}
