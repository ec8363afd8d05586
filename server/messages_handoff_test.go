package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/messages"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/messaging"
)

// shortDeadlines gives phones 2 s to take an SMS, and 300 ms for clocks.
func shortDeadlines(c *config.Config) {
	withSMSAnyTime(c)
	c.Messages.SMSSendWithin = config.Duration(2 * time.Second)
	c.Messages.SMSClockMargin = config.Duration(300 * time.Millisecond)
}

// waitMessage polls a message until ok holds.
func waitMessage(t *testing.T, e *testEnv, id string, ok func(*messages.Message) bool) *messages.Message {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		m, err := e.DB.Message(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if ok(m) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s stays %s on %s (%s)", id, m.Status, m.DeviceID, m.Reason)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A group send over two phones: the phone that reports queued in time
// keeps its message; the silent one's message goes to the other phone once
// send_before and the margin pass (same message_id, a new sms.send), and
// the silent phone's late reports are 404, so it never sends it. A single
// message whose phone stays silent fails "expired", and a late "queued"
// is answered "failed": the phone must not send.
func TestSMSSendBeforeHandOff(t *testing.T) {
	e := newEnv(t, false, shortDeadlines)
	ids := seedClients(t, e.DB, "Chloé", "Marco", "Ibáñez", "Алексей")
	giulia, luca := e.phone("Giulia"), e.phone("Luca")
	gID, lID := deviceID(t, giulia), deviceID(t, luca)
	svc := e.Srv.Messaging()
	ctx := context.Background()
	p, err := svc.Start(ctx, messaging.SendRequest{Channel: messages.SMS, ContactIDs: ids, Text: "Gentile {name}, il listino è pronto.",
		SIMs: []messages.SIMRef{{DeviceID: gID, Slot: 1}, {DeviceID: lID, Slot: 1}}}, "Anna")
	if err != nil {
		t.Fatal(err)
	}
	// Each phone has one message due now and one 72 s later (25 per 30 minutes).
	var lucaLater string
	for _, r := range p.Recipients {
		if r.SIM.DeviceID == lID && r.At.After(time.Now().Add(time.Minute)) {
			msgs, err := e.DB.ContactMessages(ctx, r.ContactID, 1)
			if err != nil {
				t.Fatal(err)
			}
			lucaLater = msgs[0].ID
		}
	}
	if lucaLater == "" {
		t.Fatalf("plan %+v: want a second message for Luca a minute on", p.Recipients)
	}
	gs := resumed(t, giulia)
	_, own := readSMS(t, gs)
	before, err := time.Parse(time.RFC3339, own.SendBefore)
	if err != nil || before.Before(time.Now().Add(time.Second)) || before.After(time.Now().Add(3*time.Second)) {
		t.Fatalf("send_before %q (%v): want about 2 s from now", own.SendBefore, err)
	}
	if r, err := giulia.ReportMessage(ctx, own.MessageID, protocol.MessageStatus{Status: "queued"}); err != nil || r.Status != "queued" {
		t.Fatalf("queued: %+v, %v", r, err)
	}

	// Luca's phone never connects: its message comes to Giulia after the deadline.
	_, handed := readSMS(t, gs)
	if handed.MessageID == own.MessageID {
		t.Fatalf("got its own message again")
	}
	m := waitMessage(t, e, handed.MessageID, func(m *messages.Message) bool { return m.DeviceID == gID })
	if _, err := luca.ReportMessage(ctx, handed.MessageID, protocol.MessageStatus{Status: "queued"}); apiStatus(err) != http.StatusNotFound {
		t.Errorf("the silent phone's late queued: %v, want 404 (it must not send)", err)
	}
	var reasons []string
	for _, h := range m.History {
		reasons = append(reasons, h.Status+" "+h.Reason)
	}
	if got := strings.Join(reasons, " | "); !strings.Contains(got, "dispatched  | planned handed_over: from SIM 1 of Luca to SIM 1 of Giulia") || !strings.HasSuffix(got, "dispatched ") {
		t.Errorf("history %q", got)
	}
	for _, st := range []string{"queued", "sent", "delivered"} {
		if _, err := giulia.ReportMessage(ctx, handed.MessageID, protocol.MessageStatus{Status: st}); err != nil {
			t.Fatal(err)
		}
	}
	if kept, _ := e.DB.Message(ctx, own.MessageID); kept.DeviceID != gID || kept.Status != "queued" {
		t.Errorf("the message its phone took moved: %s on %s", kept.Status, kept.DeviceID)
	}
	// Luca's later message, still planned, went to Giulia with it: Luca is silent.
	later := waitMessage(t, e, lucaLater, func(m *messages.Message) bool { return m.DeviceID == gID })
	var steps []string
	for _, h := range later.History {
		steps = append(steps, h.Status+" "+h.Reason)
	}
	if got := strings.Join(steps, " | "); !strings.HasPrefix(got, "planned  | planned handed_over: from SIM 1 of Luca to SIM 1 of Giulia, the first phone is silent") {
		t.Errorf("the silent phone's planned message (never handed to it): history %q", got)
	}

	// A single message to a silent phone: nobody else to take it.
	if _, err := svc.Start(ctx, messaging.SendRequest{Channel: messages.SMS, ContactIDs: ids[:1], Text: "Il suo ordine è pronto.",
		SIMs: []messages.SIMRef{{DeviceID: lID, Slot: 1}}}, "Anna"); err != nil {
		t.Fatal(err)
	}
	msgs, err := e.DB.ContactMessages(ctx, ids[0], 1)
	if err != nil {
		t.Fatal(err)
	}
	single := waitMessage(t, e, msgs[0].ID, func(m *messages.Message) bool { return m.Status == messages.StatusFailed })
	if single.Reason != messages.ReasonExpired || single.DeviceID != lID {
		t.Errorf("single message failed with %q on %s, want %q", single.Reason, single.DeviceID, messages.ReasonExpired)
	}
	if r, err := luca.ReportMessage(ctx, single.ID, protocol.MessageStatus{Status: "queued"}); err != nil || r.Status != "failed" {
		t.Errorf("a late queued: %+v, %v; want 200 failed (the phone must not send)", r, err)
	}
}

// A phone that got an SMS too late reports it failed "expired" without
// sending it: in a group send it goes to another phone of the send at once.
func TestSMSReportedExpiredGoesToAnotherPhone(t *testing.T) {
	e := newEnv(t, false, withSMSAnyTime)
	ids := seedClients(t, e.DB, "Chloé", "Marco")
	giulia, luca := e.phone("Giulia"), e.phone("Luca")
	gID, lID := deviceID(t, giulia), deviceID(t, luca)
	ctx := context.Background()
	if _, err := e.Srv.Messaging().Start(ctx, messaging.SendRequest{Channel: messages.SMS, ContactIDs: ids, Text: "Gentile {name}, il listino è pronto.",
		SIMs: []messages.SIMRef{{DeviceID: gID, Slot: 1}, {DeviceID: lID, Slot: 1}}}, "Anna"); err != nil {
		t.Fatal(err)
	}
	ls := resumed(t, luca)
	_, late := readSMS(t, ls)
	r, err := luca.ReportMessage(ctx, late.MessageID, protocol.MessageStatus{Status: "failed", Reason: protocol.ReasonExpired})
	if err != nil || r.Status == "failed" {
		t.Fatalf("expired report: %+v, %v; want it planned again elsewhere", r, err)
	}
	gs := resumed(t, giulia)
	got := map[string]bool{}
	for len(got) < 2 {
		_, sms := readSMS(t, gs)
		got[sms.MessageID] = true
	}
	if !got[late.MessageID] {
		t.Errorf("giulia got %v, not the message luca could not send", got)
	}
	if _, err := luca.ReportMessage(ctx, late.MessageID, protocol.MessageStatus{Status: "queued"}); apiStatus(err) != http.StatusNotFound {
		t.Errorf("luca's queued after giving it up: %v, want 404", err)
	}
}
