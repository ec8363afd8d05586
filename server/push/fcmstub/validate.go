package fcmstub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// maxDataBytes is FCM's limit on the data payload (keys plus values).
const maxDataBytes = 4096

// maxTTL is FCM's longest accepted time to live (28 days).
const maxTTL = 28 * 24 * time.Hour

// badRequest is a validation failure reported as 400 INVALID_ARGUMENT.
type badRequest struct {
	field, description string
}

func (b *badRequest) Error() string { return b.field + ": " + b.description }

func invalid(field, format string, args ...any) *badRequest {
	return &badRequest{field: field, description: fmt.Sprintf(format, args...)}
}

type wireRequest struct {
	ValidateOnly bool            `json:"validate_only"`
	Message      json.RawMessage `json:"message"`
}

type wireMessage struct {
	Token        *string                    `json:"token"`
	Topic        *string                    `json:"topic"`
	Condition    *string                    `json:"condition"`
	Data         map[string]json.RawMessage `json:"data"`
	Notification json.RawMessage            `json:"notification"`
	Android      *wireAndroid               `json:"android"`
}

type wireAndroid struct {
	Priority     string          `json:"priority"`
	TTL          *string         `json:"ttl"`
	CollapseKey  string          `json:"collapse_key"`
	Notification json.RawMessage `json:"notification"`
}

// parse decodes and validates a send request the way FCM does, returning
// the message to record (without ID and time) or a *badRequest.
func parse(body []byte) (Message, *badRequest) {
	var req wireRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return Message{}, invalid("", "Invalid JSON payload received. %v", err)
	}
	if len(req.Message) == 0 || bytes.Equal(req.Message, []byte("null")) {
		return Message{}, invalid("message", "Recipient of the message is not set.")
	}
	var wm wireMessage
	if err := json.Unmarshal(req.Message, &wm); err != nil {
		return Message{}, invalid("message", "Invalid JSON payload received. %v", err)
	}
	m := Message{ValidateOnly: req.ValidateOnly, Raw: append(json.RawMessage(nil), req.Message...)}
	if err := checkTarget(&wm, &m); err != nil {
		return Message{}, err
	}
	if err := checkData(wm.Data, &m); err != nil {
		return Message{}, err
	}
	m.Notification = present(wm.Notification)
	if wm.Android != nil {
		a, err := checkAndroid(wm.Android)
		if err != nil {
			return Message{}, err
		}
		m.Android = a
	}
	return m, nil
}

func present(raw json.RawMessage) bool {
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

func checkTarget(wm *wireMessage, m *Message) *badRequest {
	if wm.Topic != nil || wm.Condition != nil {
		return invalid("message", "fcmstub supports token targets only.")
	}
	if wm.Token == nil || *wm.Token == "" {
		return invalid("message", "Recipient of the message is not set.")
	}
	if strings.ContainsAny(*wm.Token, " \t\r\n") {
		return invalid("message.token", "The registration token is not a valid FCM registration token")
	}
	m.Token = *wm.Token
	return nil
}

func checkData(data map[string]json.RawMessage, m *Message) *badRequest {
	if data == nil {
		return nil
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m.Data = make(map[string]string, len(data))
	size := 0
	for i, k := range keys {
		var v string
		if err := json.Unmarshal(data[k], &v); err != nil {
			return invalid(fmt.Sprintf("message.data[%d].value", i),
				"Invalid value at 'message.data[%d].value' (TYPE_STRING), %s", i, data[k])
		}
		if k == "from" || k == "gcm" || k == "message_type" || strings.HasPrefix(k, "google") {
			return invalid(fmt.Sprintf("message.data[%d].key", i), "Invalid data payload key: %s", k)
		}
		size += len(k) + len(v)
		m.Data[k] = v
	}
	if size > maxDataBytes {
		return invalid("message", "Android message is too big")
	}
	return nil
}

func checkAndroid(wa *wireAndroid) (*Android, *badRequest) {
	a := &Android{CollapseKey: wa.CollapseKey, Notification: present(wa.Notification)}
	switch strings.ToLower(wa.Priority) {
	case "", "normal", "high":
		a.Priority = strings.ToLower(wa.Priority)
	default:
		return nil, invalid("message.android.priority",
			"Invalid value at 'message.android.priority' (type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority), %q", wa.Priority)
	}
	if wa.TTL != nil {
		d, err := parseDuration(*wa.TTL)
		if err != nil {
			return nil, invalid("message.android.ttl",
				"Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), %q", *wa.TTL)
		}
		if d > maxTTL {
			return nil, invalid("message.android.ttl", "TTL must be at most 2419200s (28 days)")
		}
		a.TTLRaw, a.TTL, a.HasTTL = *wa.TTL, d, true
	}
	return a, nil
}

// parseDuration parses a protobuf JSON Duration: non-negative seconds with
// up to nine fractional digits and an "s" suffix, such as "3.5s".
func parseDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("bad duration %q", s)
	body, ok := strings.CutSuffix(s, "s")
	if !ok {
		return 0, bad
	}
	whole, frac, hasFrac := strings.Cut(body, ".")
	if !allDigits(whole) || len(whole) > 10 || (hasFrac && (!allDigits(frac) || len(frac) > 9)) {
		return 0, bad
	}
	secs, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	d := time.Duration(secs) * time.Second
	if hasFrac {
		ns, _ := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		d += time.Duration(ns)
	}
	return d, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
