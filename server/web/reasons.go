package web

import (
	"regexp"
	"strings"

	"github.com/ringcard/ringcard/messages"
)

// reasonRule words one kind of failure: a reason whose lower-cased text
// contains any of match (for its channel; "" for either) is key's.
type reasonRule struct {
	channel string
	match   []string
	key     string
}

// reasonRules are the failures ringcard knows, in the order they are
// tried: what phones report (Android's SmsManager result codes, or their
// words for them; the simulator's), what the mail server or the network
// answered, and why the server itself did not send.
var reasonRules = []reasonRule{
	{messages.SMS, []string{"handed_over"}, "msg.why.handedover"},
	{messages.SMS, []string{"expired"}, "msg.why.expired"},
	{messages.SMS, []string{"interrupted"}, "msg.why.interrupted"},
	{messages.SMS, []string{"limit_exceeded", "prompt", "large number", "user refused", "user denied", "not allowed by the user"}, "msg.why.prompt"},
	{messages.SMS, []string{"no_service", "no service", "out of service", "no signal"}, "msg.why.noservice"},
	{messages.SMS, []string{"radio_off", "radio off", "airplane", "flight mode"}, "msg.why.radiooff"},
	{messages.SMS, []string{"short_code"}, "msg.why.shortcode"},
	{messages.SMS, []string{"fdn"}, "msg.why.fdn"},
	{messages.SMS, []string{"sim absent", "no sim", "sim not ready", "sim_absent", "sim removed"}, "msg.why.nosim"},
	{messages.SMS, []string{"generic_failure", "generic failure", "null_pdu", "carrier"}, "msg.why.carrier"},
	{messages.SMS, []string{"unpaired", "revoked", "phone gone", "phone removed", "vanished"}, "msg.why.phonegone"},
	{messages.Email, []string{"stopped while sending"}, "msg.why.mailinterrupted"},
	{"", []string{"daily cap", "over the cap"}, "msg.why.cap"},
	{"", []string{"working hours", "outside the hours"}, "msg.why.hours"},
	{"", []string{"opted out of sms"}, "msg.skip.optsms"},
	{"", []string{"opted out of e-mail"}, "msg.skip.optemail"},
	{"", []string{"no mobile number"}, "msg.skip.nomobile"},
	{"", []string{"no e-mail address"}, "msg.skip.noemail"},
}

// smtpCode finds the reply code in a mail server's answer ("550 5.1.1 …").
var smtpCode = regexp.MustCompile(`\b([45])(\d\d)\b(?:[ -]|$)`)

// smtpKeys word the mail server's permanent answers.
var smtpKeys = map[string]string{"550": "msg.why.mailto", "551": "msg.why.mailto", "553": "msg.why.mailto", "552": "msg.why.mailfull",
	"554": "msg.why.mailrefused", "530": "msg.why.mailauth", "535": "msg.why.mailauth"}

// mailNetRules word a mail server that could not be reached or was slow.
var mailNetRules = []reasonRule{
	{messages.Email, []string{"connection refused", "no such host", "network is unreachable", "no route to host", "connection reset", "eof"}, "msg.why.maildown"},
	{messages.Email, []string{"timeout", "deadline exceeded", "timed out"}, "msg.why.mailslow"},
	{messages.Email, []string{"certificate", "x509", "tls:"}, "msg.why.mailtls"},
}

// reasonKey is the catalogue key of why a message failed or was skipped
// (reason as stored: a phone's report, a mail server's answer, the
// server's own), or "" when ringcard does not know it.
func reasonKey(channel, reason string) string {
	r := strings.ToLower(reason)
	if r == "" {
		return ""
	}
	match := func(rules []reasonRule) string {
		for _, rule := range rules {
			if rule.channel != "" && rule.channel != channel {
				continue
			}
			for _, m := range rule.match {
				if strings.Contains(r, m) {
					return rule.key
				}
			}
		}
		return ""
	}
	if k := match(reasonRules); k != "" {
		return k
	}
	if channel == messages.Email {
		if m := smtpCode.FindStringSubmatch(reason); m != nil {
			if m[1] == "4" {
				return "msg.why.maillater"
			}
			if k, ok := smtpKeys[m[1]+m[2]]; ok {
				return k
			}
			return "msg.why.mailrefused"
		}
		return match(mailNetRules)
	}
	return ""
}

// reasonWord is why a message failed or was skipped, in lang; a reason
// ringcard does not know is shown as it came (the page keeps the raw text
// in a title either way).
func reasonWord(lang, channel, reason string) string {
	if k := reasonKey(channel, reason); k != "" {
		return T(lang, k)
	}
	return reason
}
