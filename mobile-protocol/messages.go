package protocol

// TypeSMSSend is the event asking a phone to send an SMS from one of its
// SIMs. The phone keeps the message_id of every sms.send it acted on (in
// storage that survives a restart) and never sends the same message_id
// twice: an event re-delivered after a reconnect is only acknowledged.
const TypeSMSSend = "sms.send"

// SMSSend is the payload of an sms.send event.
type SMSSend struct {
	MessageID string `json:"message_id"`
	Number    string `json:"number"`
	Text      string `json:"text"`
	SIMSlot   int    `json:"sim_slot"`
	// SendBefore (RFC 3339, optional, added 2026-12) is the latest moment
	// the phone may send the message by its clock: a phone that gets it
	// later, or cannot send it by then, sends nothing and reports it
	// failed with reason "expired". Past it, and a margin, with no report
	// from the phone, the server may give the message to another phone.
	SendBefore string `json:"send_before,omitempty"`
}

// ReasonExpired is the failed reason of an SMS the phone did not send
// before its send_before.
const ReasonExpired = "expired"

// MessageStatus is what the phone reports about a message it was asked to
// send (POST /api/v1/messages/{message_id}/status). Reports are idempotent:
// the same report again, or a report that does not advance the message
// (sent after delivered), changes nothing.
type MessageStatus struct {
	Status string `json:"status"` // queued, sent, delivered or failed
	Reason string `json:"reason,omitempty"`
}

// MessageStatusResponse is the message as the server now has it.
type MessageStatusResponse struct {
	MessageID string `json:"message_id"`
	Status    string `json:"status"`
}

// SMSReceived reports an SMS that arrived on a work SIM, so that an opt-out
// reply (STOP, СТОП, BASTA, ...) marks the contact (POST
// /api/v1/messages/received). Private SIMs never report.
type SMSReceived struct {
	From       string `json:"from"`
	Text       string `json:"text"`
	SIMSlot    int    `json:"sim_slot"`
	ReceivedAt string `json:"received_at"`
}

// SMSReceivedResponse says what the server made of a received SMS.
type SMSReceivedResponse struct {
	OptedOut  bool   `json:"opted_out"`
	ContactID string `json:"contact_id,omitempty"`
}
