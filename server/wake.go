package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/hub"
	"github.com/ringcard/ringcard/server/metrics"
	"github.com/ringcard/ringcard/server/push"
)

// fcmWaker wakes phones with no open socket through FCM. Messages carry no
// client data: a "sync" tickle (collapsible, normal priority) for card
// changes, an "event" with the seq (high priority) where a person waits, and
// "dial" with the number the office asked to call.
type fcmWaker struct {
	db   *sqlite.DB
	log  *slog.Logger
	disp *push.Dispatcher
	// tokens maps FCM tokens back to devices for the dispatcher's callbacks.
	tokens  *tokenIndex
	metrics *metrics.Metrics // FCM sends by result

	mu       sync.Mutex
	recorded map[string]string    // device -> last delivery state written, so unchanged states are not written again
	syncSent map[string]time.Time // device -> when its last sync tickle was queued
	rev      int64                // the directory cursor, read at most every revTTL
	revAt    time.Time
}

const revTTL = 200 * time.Millisecond

// record writes a device's delivery state when it changed: the hub calls
// Wake for every offline phone on every batch, and a write per phone per
// batch would compete with the call path for the one write connection.
func (w *fcmWaker) record(deviceID, channel, msg string) {
	w.mu.Lock()
	if w.recorded == nil {
		w.recorded = map[string]string{}
	}
	key := channel + "\x00" + msg
	same := w.recorded[deviceID] == key
	w.recorded[deviceID] = key
	w.mu.Unlock()
	if same {
		return
	}
	if err := w.db.RecordDelivery(context.Background(), deviceID, channel, msg); err != nil {
		w.log.Error("fcm: record delivery", "device", deviceID, "err", err)
	}
}

func (w *fcmWaker) cursor() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if time.Since(w.revAt) > revTTL {
		rev, err := w.db.MaxRev(context.Background())
		if err != nil {
			w.log.Warn("fcm: read cursor", "err", err)
		} else {
			w.rev, w.revAt = rev, time.Now()
		}
	}
	return formatCursor(w.rev)
}

// urgentEvents are the event types a person is waiting for.
// An sms.send is urgent too: FCM only wakes the phone (the seq, no number,
// no text); it fetches the message over its socket.
var urgentEvents = map[string]bool{"followup.due": true, protocol.TypeSMSSend: true}

// Wake queues what the device needs; it never blocks.
func (w *fcmWaker) Wake(deviceID string, seq int64, events []hub.WakeEvent) {
	sync, urgent, dials := false, false, false
	for _, e := range events {
		switch {
		case e.Type == protocol.TypeDial:
			dials = true
		case urgentEvents[e.Type]:
			urgent = true
		default:
			sync = true
		}
	}
	if !dials && !urgent && !w.syncDue(deviceID) {
		return // a tickle went out recently: the phone is already told to connect
	}
	d, err := w.db.Device(context.Background(), deviceID)
	if err != nil {
		w.log.Warn("fcm: device lookup", "device", deviceID, "err", err)
		return
	}
	if d.FCMToken == "" {
		w.record(deviceID, "", "no socket and no FCM token: events wait for the phone to reconnect")
		return
	}
	w.tokens.put(d.FCMToken, deviceID)
	for _, e := range events {
		if e.Type != protocol.TypeDial {
			continue
		}
		var p protocol.Dial
		if json.Unmarshal(e.Payload, &p) != nil {
			continue
		}
		w.enqueue(deviceID, push.Message{Token: d.FCMToken, Kind: push.KindDial, Data: map[string]string{"number": p.Number, "sim_slot": strconv.Itoa(p.SIMSlot)}})
	}
	if urgent {
		w.enqueue(deviceID, push.Message{Token: d.FCMToken, Kind: push.KindEvent, Urgent: true, Data: map[string]string{"seq": strconv.FormatInt(seq, 10)}})
	} else if sync && w.markSync(deviceID) {
		w.enqueue(deviceID, push.Message{Token: d.FCMToken, Kind: push.KindSync, Data: map[string]string{"cursor": w.cursor()}})
	}
}

// syncEvery is the least time between two sync tickles to one phone: a
// tickle only says "connect"; more before it does would spend FCM quota
// and the phone's battery for nothing.
const syncEvery = 30 * time.Second

func (w *fcmWaker) syncDue(deviceID string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return time.Since(w.syncSent[deviceID]) >= syncEvery
}

// markSync records a tickle for the device, unless one went out within
// syncEvery (it reports whether to send).
func (w *fcmWaker) markSync(deviceID string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if time.Since(w.syncSent[deviceID]) < syncEvery {
		return false
	}
	if w.syncSent == nil {
		w.syncSent = map[string]time.Time{}
	}
	w.syncSent[deviceID] = time.Now()
	return true
}

// connected forgets a phone's last tickle when it opens its socket: once
// it leaves again, the next change wakes it at once.
func (w *fcmWaker) connected(deviceID string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.syncSent, deviceID)
}

func (w *fcmWaker) enqueue(deviceID string, m push.Message) {
	if err := w.disp.Enqueue(m); err != nil {
		w.log.Warn("fcm: message not queued", "device", deviceID, "kind", m.Kind, "err", err)
		w.record(deviceID, "fcm", "not queued: "+err.Error())
	}
}

// onResult records each message's outcome on its device's health.
func (w *fcmWaker) onResult(token string, err error) {
	w.metrics.FCMSent(fcmResult(err))
	id, ok := w.tokens.get(token)
	if !ok {
		return
	}
	msg := ""
	if err != nil {
		msg = "fcm: " + err.Error()
		if errors.Is(err, push.ErrUnregistered) {
			msg = "fcm: the app's push token is no longer registered (app uninstalled or data cleared); waiting for the phone to reconnect"
		}
	}
	w.record(id, "fcm", msg)
}

// onUnregistered forgets a token FCM no longer knows.
func (w *fcmWaker) onUnregistered(token string) {
	id, _ := w.tokens.get(token)
	w.log.Warn("fcm: token unregistered, dropped", "device", id)
	if err := w.db.ClearFCMToken(context.Background(), token); err != nil {
		w.log.Error("fcm: drop token", "err", err)
	}
}

// startFCM builds the sender and dispatcher when FCM is configured.
func (s *Server) startFCM(ctx context.Context) (*fcmWaker, error) {
	c := s.cfg.FCM
	if !c.Enabled() {
		return nil, nil
	}
	ttls := push.DefaultTTLs()
	for _, o := range []struct {
		set config.Duration
		dst *time.Duration
	}{{c.SyncTTL, &ttls.Sync}, {c.EventTTL, &ttls.Event}, {c.DialTTL, &ttls.Dial}} {
		if o.set > 0 {
			*o.dst = o.set.D()
		}
	}
	sender, err := push.NewFCMSender(ctx, c.ProjectID, c.CredentialsFile, c.Endpoint, push.WithTTLs(ttls))
	if err != nil {
		return nil, fmt.Errorf("start fcm: %w", err)
	}
	w := &fcmWaker{db: s.db, log: s.log, tokens: &tokenIndex{}, metrics: s.metrics}
	disp, err := push.NewDispatcher(push.Config{Sender: sender, TTLs: ttls, Logger: s.log, OnUnregistered: w.onUnregistered, OnResult: w.onResult})
	if err != nil {
		return nil, fmt.Errorf("start fcm: %w", err)
	}
	w.disp = disp
	return w, nil
}
