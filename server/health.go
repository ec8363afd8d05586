package server

import (
	"context"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/officeapi"
)

// DeviceHealth is what the office sees of a phone: can it be reached now,
// how, and what is waiting for it.
type DeviceHealth struct {
	DeviceRow
	Connected     bool       `json:"connected"`
	Channel       string     `json:"channel"` // websocket, fcm, or "" before any delivery
	LastError     string     `json:"last_error,omitempty"`
	LastErrorAt   *time.Time `json:"last_error_at,omitempty"`
	EventsWaiting int64      `json:"events_waiting"` // numbered but not acknowledged
	Silent        bool       `json:"silent"`         // flagged: unseen too long during working hours
	SilentSince   *time.Time `json:"silent_since,omitempty"`
}

// DeviceHealth lists every device with its health, newest first, as this
// server process sees it (connections and waiting events from the hub).
func (s *Server) DeviceHealth(ctx context.Context) ([]DeviceHealth, error) {
	out, err := StoredDeviceHealth(ctx, s.db)
	if err != nil {
		return nil, err
	}
	for i := range out {
		h := &out[i]
		if h.Status != "active" {
			continue
		}
		h.Connected = s.hub.IsConnected(h.ID)
		h.EventsWaiting = s.hub.Waiting(h.ID)
		if seen := s.hub.LastSeen(h.ID); h.LastSeen == nil || seen.After(*h.LastSeen) {
			if !seen.IsZero() {
				h.LastSeen = &seen
			}
		}
	}
	return out, nil
}

// StoredDeviceHealth is device health as the database has it: what the CLI
// shows from another process (connected as last recorded by the server).
func StoredDeviceHealth(ctx context.Context, db *sqlite.DB) ([]DeviceHealth, error) {
	devs, err := db.Devices(ctx)
	if err != nil {
		return nil, err
	}
	states, err := db.DeviceStates(ctx)
	if err != nil {
		return nil, err
	}
	// Events waiting: numbered for the device after what it acknowledged
	// (as last flushed by the server, every few seconds).
	cursors, err := db.Cursors(ctx)
	if err != nil {
		return nil, err
	}
	last, err := db.LastEventGID(ctx)
	if err != nil {
		return nil, err
	}
	waiting := map[string]int64{}
	for _, c := range cursors {
		if waiting[c.DeviceID], err = db.CountDeviceEvents(ctx, c.DeviceID, c.BaseGID, last); err != nil {
			return nil, err
		}
	}
	out := make([]DeviceHealth, 0, len(devs))
	for _, d := range devs {
		h := DeviceHealth{DeviceRow: NewDeviceRow(d), EventsWaiting: waiting[d.ID]}
		st := states[d.ID]
		h.Channel, h.LastError, h.Connected = st.Channel, st.LastError, st.Connected && !d.Revoked()
		if !st.LastErrorAt.IsZero() {
			t := st.LastErrorAt
			h.LastErrorAt = &t
		}
		if !st.SilentSince.IsZero() {
			t := st.SilentSince
			h.Silent, h.SilentSince = true, &t
		}
		out = append(out, h)
	}
	return out, nil
}

// State is one word for the list: revoked, online, silent or offline.
func (h DeviceHealth) State() string {
	switch {
	case h.Status != "active":
		return h.Status
	case h.Connected:
		return "online"
	case h.Silent:
		return "SILENT"
	}
	return "offline"
}

// watchSilent flags phones unseen for cfg.SilentAfter during working hours:
// a log line and a device.silent event on the office's live feed, once
// until the phone is seen again.
func (s *Server) watchSilent(ctx context.Context, every time.Duration) {
	wh, err := config.ParseWorkingHours(s.cfg.WorkingHours)
	if err != nil {
		s.log.Error("working hours", "err", err)
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.checkSilent(ctx, wh, s.now())
		}
	}
}

func (s *Server) checkSilent(ctx context.Context, wh config.WorkingHours, now time.Time) {
	health, err := s.DeviceHealth(ctx)
	if err != nil {
		s.log.Error("check silent phones", "err", err)
		return
	}
	for _, h := range health {
		if h.Status != "active" {
			continue
		}
		seen := h.CreatedAt
		if h.LastSeen != nil {
			seen = *h.LastSeen
		}
		quiet := !h.Connected && now.Sub(seen) > s.cfg.SilentAfter.D()
		switch {
		case quiet && !h.Silent && wh.Contains(now.Local()):
			s.log.Warn("phone silent during working hours", "device", h.ID, "name", h.Name, "last_seen", seen, "channel", h.Channel, "last_error", h.LastError)
			if err := s.db.SetSilent(ctx, h.ID, now); err != nil {
				s.log.Error("flag silent phone", "err", err)
			}
			s.live.Publish(officeapi.LiveEvent{Type: "device.silent", At: now.UTC(), Device: &officeapi.LiveDev{DeviceID: h.ID, Name: h.Name, LastSeen: contacts.TimeText(seen)}})
		case !quiet && h.Silent:
			if err := s.db.SetSilent(ctx, h.ID, time.Time{}); err != nil {
				s.log.Error("clear silent phone", "err", err)
			}
			s.live.Publish(officeapi.LiveEvent{Type: "device.online", At: now.UTC(), Device: &officeapi.LiveDev{DeviceID: h.ID, Name: h.Name, LastSeen: contacts.TimeText(seen)}})
		}
	}
}

// Dial asks a phone to place a call on a SIM: a dial event stored for that
// device, delivered over its socket or, when it has none, by FCM.
func (s *Server) Dial(ctx context.Context, deviceID, number string, simSlot int) error {
	return QueueDial(ctx, s.db, deviceID, number, simSlot)
}

// QueueDial stores a dial event for a device; the running server's hub
// delivers it (the CLI uses this from another process).
func QueueDial(ctx context.Context, db *sqlite.DB, deviceID, number string, simSlot int) error {
	d, err := db.Device(ctx, deviceID)
	if err != nil {
		return err
	}
	if d.Revoked() {
		return contacts.Errorf(contacts.ENotFound, "device %s not found", deviceID)
	}
	p, err := db.Normalizer().Parse(number, "")
	if err != nil {
		return err
	}
	if simSlot != 0 {
		if _, ok := d.SIM(simSlot); !ok {
			return contacts.Errorf(contacts.EInvalid, "sim_slot: the phone has no SIM %d", simSlot)
		}
	}
	dial := p.E164
	if dial == "" {
		dial = p.Key
	}
	return db.AddEvent(ctx, deviceID, protocol.TypeDial, "", string(protocol.MustMarshal(protocol.Dial{Number: dial, SIMSlot: simSlot})))
}
