package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/messaging"
)

func withSMSAnyTime(c *config.Config) {
	c.Messages.SMSHours = "any"
	c.Messages.Tick = config.Duration(50 * time.Millisecond)
}

func seedClients(t *testing.T, db *sqlite.DB, names ...string) []string {
	t.Helper()
	var seed []contacts.SeedContact
	var ids []string
	for i, name := range names {
		id := contacts.NewID()
		ids = append(ids, id)
		seed = append(seed, contacts.SeedContact{Contact: contacts.Contact{ID: id, DisplayName: name, GivenName: name, Company: "Ferramenta Rossi", Groups: []string{"Wholesale"},
			Numbers: []contacts.Number{{Raw: fmt.Sprintf("+39 347 555 %04d", i), Type: "mobile"}}, Emails: []contacts.Email{{Address: fmt.Sprintf("c%d@example.com", i)}}}})
	}
	if err := db.ImportSeed(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	return ids
}

// resumed connects the phone's socket, closed when the test ends, and
// resumes its stream from the start.
func resumed(t *testing.T, c *client.Client) *client.Socket {
	t.Helper()
	s, err := c.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Resume(0); err != nil {
		t.Fatal(err)
	}
	return s
}

// readSMS reads frames until an sms.send arrives.
func readSMS(t *testing.T, s *client.Socket) (protocol.Envelope, protocol.SMSSend) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		env, err := s.Read(time.Until(deadline))
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if env.Type == protocol.TypeSMSSend {
			var p protocol.SMSSend
			if err := protocol.Decode(env.Payload, &p); err != nil {
				t.Fatal(err)
			}
			if err := protocol.ValidateJSON("ws.sms.send", mustMarshal(t, env)); err != nil {
				t.Errorf("frame does not match its schema: %v", err)
			}
			return env, p
		}
	}
	t.Fatal("no sms.send")
	return protocol.Envelope{}, protocol.SMSSend{}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// One SMS from the client's page: the phone gets it over its socket with
// the text filled in, gets it again after a reconnect without an ack (same
// message_id: the phone must not send it twice), reports its progress
// idempotently, and the history and audit log show it.
func TestSMSOneMessageEndToEnd(t *testing.T) {
	e := newEnv(t, false, withSMSAnyTime)
	ids := seedClients(t, e.DB, "Chloé")
	ph := e.phone("Giulia")
	dev := deviceID(t, ph)
	ctx := contacts.WithActor(context.Background(), contacts.Actor{Kind: contacts.ActorUser, ID: "anna", Name: "Anna"})
	p, err := e.Srv.Messaging().Start(ctx, messaging.SendRequest{Channel: messages.SMS, ContactIDs: ids, SIMs: []messages.SIMRef{{DeviceID: dev, Slot: 1}},
		Text: "Buongiorno {first_name}, il suo ordine è pronto. {staff}"}, "Anna")
	if err != nil {
		t.Fatal(err)
	}
	if p.SendID != "" || len(p.Recipients) != 1 || p.Segments != 1 {
		t.Fatalf("preview %+v", p)
	}
	s := resumed(t, ph)
	env, sms := readSMS(t, s)
	if sms.Text != "Buongiorno Chloé, il suo ordine è pronto. Anna" || sms.Number != "+393475550000" || sms.SIMSlot != 1 {
		t.Fatalf("sms.send %+v", sms)
	}
	s.Close()
	// Reconnect without acknowledging: the same event comes again.
	s = resumed(t, ph)
	env2, again := readSMS(t, s)
	if again.MessageID != sms.MessageID || env2.Seq != env.Seq {
		t.Fatalf("re-delivered %+v seq %d, want the same message_id %s and seq %d", again, env2.Seq, sms.MessageID, env.Seq)
	}
	if _, err := s.Ack(env2.Seq); err != nil {
		t.Fatal(err)
	}

	for _, st := range []string{"queued", "sent", "delivered", "sent", "delivered"} {
		r, err := ph.ReportMessage(context.Background(), sms.MessageID, protocol.MessageStatus{Status: st})
		if err != nil {
			t.Fatalf("report %s: %v", st, err)
		}
		if want := map[bool]string{true: "delivered", false: st}[st == "sent" && r.Status == "delivered"]; r.Status != want {
			t.Errorf("after %s: status %s", st, r.Status)
		}
	}
	m, err := e.DB.Message(context.Background(), sms.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, h := range m.History {
		steps = append(steps, h.Status)
	}
	if got, want := fmt.Sprint(steps), "[planned dispatched queued sent delivered]"; got != want {
		t.Errorf("history %s, want %s (repeated reports change nothing)", got, want)
	}
	if m.CreatedBy != "Anna" {
		t.Errorf("created by %q", m.CreatedBy)
	}
	audit, err := e.DB.Audit(context.Background(), sqlite.AuditFilter{ContactID: ids[0]})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range audit {
		actions = append(actions, a.Action)
	}
	if fmt.Sprint(actions) != "[message.sent message.queue]" {
		t.Errorf("audit actions %v", actions)
	}

	// The export carries the message in the client's history.
	var exported []string
	if err := e.DB.EachHistory(context.Background(), func(h sqlite.ExportEntry) error {
		if h.Kind == "message" && h.ContactID == ids[0] {
			exported = append(exported, h.Text)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(exported) != 1 || !strings.Contains(exported[0], "sms to +393475550000 (delivered): Buongiorno Chloé") {
		t.Errorf("export history %q", exported)
	}

	// Bad reports get the protocol's errors.
	other := e.phone("Marco")
	if _, err := other.ReportMessage(context.Background(), sms.MessageID, protocol.MessageStatus{Status: "sent"}); apiStatus(err) != http.StatusNotFound {
		t.Errorf("another phone's report: %v, want 404", err)
	}
	if _, err := ph.ReportMessage(context.Background(), sms.MessageID, protocol.MessageStatus{Status: "read"}); apiCode(err) != contacts.EInvalid {
		t.Errorf("status read: %v, want invalid", err)
	}
	if code, _, _ := e.raw(ph, "POST", "/api/v1/messages/"+sms.MessageID+"/status", `{"status":"sent","extra":1}`); code != http.StatusBadRequest {
		t.Errorf("unknown field: %d, want 400", code)
	}
}

// A STOP reply on a work SIM opts the client out; a private SIM is never
// heard (403) and never sends; a group send skips the opted-out and says so.
func TestStopReplyAndPrivateSIM(t *testing.T) {
	e := newEnv(t, false, withSMSAnyTime)
	ids := seedClients(t, e.DB, "Алексей", "Chloé", "Ibáñez")
	ph := e.phone("Giulia")
	dev := deviceID(t, ph)
	ctx := context.Background()
	now := time.Now().Format(time.RFC3339)
	r, err := ph.ReportReceived(ctx, protocol.SMSReceived{From: "+39 347 555 0000", Text: "Стоп, пожалуйста", SIMSlot: 1, ReceivedAt: now})
	if err != nil || !r.OptedOut || r.ContactID != ids[0] {
		t.Fatalf("STOP reply: %+v, %v", r, err)
	}
	r, err = ph.ReportReceived(ctx, protocol.SMSReceived{From: "+39 347 555 0001", Text: "grazie, a domani", SIMSlot: 1, ReceivedAt: now})
	if err != nil || r.OptedOut {
		t.Fatalf("ordinary reply: %+v, %v", r, err)
	}
	if _, err := e.DB.SetSIMPolicy(ctx, dev, 2, contacts.SIMPrivate, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := ph.ReportReceived(ctx, protocol.SMSReceived{From: "+39 347 555 0002", Text: "STOP", SIMSlot: 2, ReceivedAt: now}); apiStatus(err) != http.StatusForbidden {
		t.Errorf("a report from a private SIM: %v, want 403", err)
	}
	if o, _ := e.DB.ContactOptOut(ctx, ids[2]); o.NoSMS {
		t.Error("a private SIM's report opted a contact out")
	}
	svc := e.Srv.Messaging()
	_, _, err = svc.Plan(ctx, messaging.SendRequest{Channel: messages.SMS, Group: "Wholesale", SIMs: []messages.SIMRef{{DeviceID: dev, Slot: 2}}, Text: "x"}, "Anna")
	if contacts.ErrorCode(err) != contacts.EInvalid {
		t.Errorf("sending from a private SIM: %v, want invalid", err)
	}
	p, _, err := svc.Plan(ctx, messaging.SendRequest{Channel: messages.SMS, Group: "Wholesale", SIMs: []messages.SIMRef{{DeviceID: dev, Slot: 1}},
		Text: "Новый прайс-лист для {company} уже готов: скидка 10 % на весь ассортимент до конца месяца, подробности у менеджера."}, "Anna")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Recipients) != 2 || len(p.Skipped) != 1 || p.Skipped[0].Reason != "opted out of SMS" {
		t.Errorf("plan: %d recipients, skipped %+v", len(p.Recipients), p.Skipped)
	}
	if p.Length.Encoding != messages.UCS2 || p.Segments != 2*p.Recipients[0].Segments || p.Recipients[0].Segments != 2 {
		t.Errorf("length %+v, segments %d", p.Length, p.Segments)
	}
}
