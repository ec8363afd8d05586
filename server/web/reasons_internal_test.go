package web

import (
	"strings"
	"testing"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
)

// Failure reasons as they are stored (a phone's report, the mail library's
// error with the server's answer, the server's own words) are worded in
// the office's language; an unknown one is shown as it came.
func TestReasonWord(t *testing.T) {
	for _, tc := range []struct {
		channel, reason, key string
	}{
		{messages.SMS, "interrupted: the phone stopped while sending", "msg.why.interrupted"},
		{messages.SMS, "RESULT_ERROR_NO_SERVICE", "msg.why.noservice"},
		{messages.SMS, "RESULT_ERROR_RADIO_OFF", "msg.why.radiooff"},
		{messages.SMS, "RESULT_ERROR_GENERIC_FAILURE", "msg.why.carrier"},
		{messages.SMS, "RESULT_ERROR_LIMIT_EXCEEDED", "msg.why.prompt"},
		{messages.SMS, "the user refused Android's prompt", "msg.why.prompt"},
		{messages.Email, "failed to set RCPT TO address: 550 5.1.1 no such user here, affected recipient(s): gone@example.com", "msg.why.mailto"},
		{messages.Email, "failed to set RCPT TO address: 452 4.2.2 mailbox full", "msg.why.maillater"},
		{messages.Email, "failed to authenticate: 535 5.7.8 bad credentials", "msg.why.mailauth"},
		{messages.Email, "retry: dial tcp 127.0.0.1:2525: connect: connection refused", "msg.why.maildown"},
		{messages.Email, "dial tcp 127.0.0.1:465: i/o timeout", "msg.why.mailslow"},
		{messages.Email, "the server stopped while sending this e-mail: it may or may not have gone out", "msg.why.mailinterrupted"},
		{"", "opted out of SMS", "msg.skip.optsms"},
		{"", "no e-mail address", "msg.skip.noemail"},
		{messages.SMS, "ERR_42 something new", ""},
		{messages.Email, "connection refused", "msg.why.maildown"},
		{messages.SMS, "connection refused", ""}, // a mail answer is not a phone's
		{messages.SMS, "expired", "msg.why.expired"},
		{messages.SMS, "handed_over: from SIM 1 of Marco to SIM 2 of Giulia, the first phone is silent", "msg.why.handedover"},
		{messages.Email, "x509: certificate has expired or is not yet valid", "msg.why.mailtls"},
	} {
		if got := reasonKey(tc.channel, tc.reason); got != tc.key {
			t.Errorf("reasonKey(%s, %q) = %q, want %q", tc.channel, tc.reason, got, tc.key)
		}
		if tc.key == "" {
			if got := reasonWord("ru", tc.channel, tc.reason); got != tc.reason {
				t.Errorf("unknown %q worded %q, want it as it came", tc.reason, got)
			}
			continue
		}
		for _, lang := range Langs {
			if got := reasonWord(lang, tc.channel, tc.reason); got == "" || strings.Contains(got, "⟦") || (lang != "en" && got == T("en", tc.key)) {
				t.Errorf("reasonWord(%s, %q) = %q", lang, tc.reason, got)
			}
		}
	}
}

func TestSendRunningStopsWaitingForDeliveryReports(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	sms := func(by map[string]int, last time.Duration) *sqlite.SendProgress {
		return &sqlite.SendProgress{Send: sqlite.MessageSend{Channel: messages.SMS}, ByStatus: by, LastChange: now.Add(-last)}
	}
	for _, tc := range []struct {
		name string
		p    *sqlite.SendProgress
		want bool
	}{
		{"still planned", sms(map[string]int{messages.StatusPlanned: 1, messages.StatusDelivered: 4}, time.Hour), true},
		{"on a phone", sms(map[string]int{messages.StatusDispatched: 1}, time.Hour), true},
		{"sent, reports may come", sms(map[string]int{messages.StatusSent: 3, messages.StatusDelivered: 2}, time.Minute), true},
		{"sent, no report for long", sms(map[string]int{messages.StatusSent: 3, messages.StatusDelivered: 2}, 11*time.Minute), false},
		{"all delivered or failed", sms(map[string]int{messages.StatusDelivered: 4, messages.StatusFailed: 1}, 0), false},
		{"e-mail sent", &sqlite.SendProgress{Send: sqlite.MessageSend{Channel: messages.Email}, ByStatus: map[string]int{messages.StatusSent: 5}, LastChange: now}, false},
	} {
		if got := sendRunning(tc.p, now); got != tc.want {
			t.Errorf("%s: running = %v, want %v", tc.name, got, tc.want)
		}
	}
}
