package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/tlsconf"
)

// PairCode is a one-time code a phone pairs with.
type PairCode struct {
	Code      string    `json:"code"`
	URL       string    `json:"url"` // what the QR code holds
	ExpiresAt time.Time `json:"expires_at"`
	Name      string    `json:"name"`
	Pin       string    `json:"pin,omitempty"` // the server key's pin, also in URL
}

// codeAlphabet has no 0/O, 1/I/L: codes are read off a screen and typed.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CreatePairCode makes and stores a pairing code for the phone `name` will
// carry, for a server at baseURL whose certificate a CA signed (or plain
// HTTP on loopback): its QR code carries no pin. See CreatePairCodeFor.
func CreatePairCode(ctx context.Context, db *sqlite.DB, name, baseURL string, ttl time.Duration) (PairCode, error) {
	return CreatePairCodeFor(ctx, db, name, PairTarget{URL: baseURL}, ttl)
}

// PairTarget is where a pairing code sends the phone: the server's base
// URL and, for ringcard's own certificate, the pin of its key.
type PairTarget struct {
	URL string `json:"url"`
	Pin string `json:"pin,omitempty"`
}

// CreatePairCodeFor makes and stores a pairing code for the phone `name`
// will carry. It works on the database directly, so the CLI can use it
// whether or not the server runs.
func CreatePairCodeFor(ctx context.Context, db *sqlite.DB, name string, to PairTarget, ttl time.Duration) (PairCode, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return PairCode{}, contacts.Errorf(contacts.EInvalid, "name: the name of who carries the phone is required (at most 100 bytes)")
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	code := string(b[:4]) + "-" + string(b[4:])
	pc := PairCode{Code: code, ExpiresAt: db.Now().Add(ttl).UTC().Truncate(time.Second), Name: name, Pin: to.Pin}
	pc.URL = protocol.PairLink{Server: to.URL, Code: code, Pin: to.Pin}.String()
	if err := db.AddPairCode(ctx, normalizeCode(code), name, pc.ExpiresAt); err != nil {
		return PairCode{}, err
	}
	return pc, nil
}

const (
	serverURLKey = "server_base_url"
	serverPinKey = "server_tls_pin"
)

// RecordBaseURL remembers the URL the running server gives phones, so that
// `ringcard devices pair` in another process puts the same one in its QR
// code.
func RecordBaseURL(ctx context.Context, db *sqlite.DB, url string) error {
	return db.SetSetting(ctx, serverURLKey, url)
}

// RecordPairTarget remembers the URL and the pin the running server gives
// phones (see RecordBaseURL).
func RecordPairTarget(ctx context.Context, db *sqlite.DB, to PairTarget) error {
	if err := RecordBaseURL(ctx, db, to.URL); err != nil {
		return err
	}
	return db.SetSetting(ctx, serverPinKey, to.Pin)
}

// PairBaseURL is the server URL a pairing code should carry: the configured
// public_url, else the one the server last recorded, else http(s)://<addr>.
func PairBaseURL(ctx context.Context, db *sqlite.DB, cfg config.Config) string {
	if cfg.PublicURL != "" {
		return cfg.BaseURL()
	}
	var stored string
	if ok, err := db.Setting(ctx, serverURLKey, &stored); err == nil && ok && stored != "" {
		return stored
	}
	return cfg.BaseURL()
}

// PairTargetFor is what a pairing code made now should carry: PairBaseURL,
// with the pin the running server recorded for that URL; or, when this
// configuration itself uses ringcard's own certificate, that key's pin
// (the key is read, or made when no server has made it yet: the server
// then uses the same one).
func PairTargetFor(ctx context.Context, db *sqlite.DB, cfg config.Config) (PairTarget, error) {
	to := PairTarget{URL: PairBaseURL(ctx, db, cfg)}
	if cfg.TLS.Resolve(cfg.Addr) == tlsconf.ModeSelfSigned {
		pin, err := tlsconf.KeyPin(tlsconf.PathsFor(cfg.DB).Key)
		if err != nil {
			return to, err
		}
		to.Pin = pin
		return to, nil
	}
	var storedURL, storedPin string
	okURL, err1 := db.Setting(ctx, serverURLKey, &storedURL)
	okPin, err2 := db.Setting(ctx, serverPinKey, &storedPin)
	if err := errors.Join(err1, err2); err != nil {
		return to, fmt.Errorf("read the server's pairing target: %w", err)
	}
	if okURL && okPin && storedURL == to.URL {
		to.Pin = storedPin
	}
	return to, nil
}

// normalizeCode accepts a code as typed: any case, with or without the dash.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
}

func (s *Server) pair(c *gin.Context) error {
	now := s.now()
	addr := c.ClientIP()
	if err := s.pairAllowed(addr, now); err != nil {
		return err
	}
	var req protocol.PairRequest
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(req.Code) == "":
		return contacts.Errorf(contacts.EInvalid, "code: required")
	case strings.TrimSpace(req.DeviceName) == "" || len(req.DeviceName) > 100:
		return contacts.Errorf(contacts.EInvalid, "device_name: required, at most 100 bytes")
	case len(req.Platform) > 40 || len(req.AppVersion) > 40 || len(req.FCMToken) > 4096:
		return contacts.Errorf(contacts.EInvalid, "platform, app_version or fcm_token: too long")
	}
	sims := simsFromWire(req.SIMs)
	if err := contacts.ValidateSIMs(sims); err != nil {
		return err
	}
	sims = contacts.MergeSIMs(nil, sims) // a SIM's policy is the office's to set, not the phone's
	// One attempt at a time: checking the limit, trying the code and counting
	// a failure are one step, so parallel guesses cannot all pass the check.
	// Pairing is rare and takes a millisecond; honest phones just queue.
	s.pairMu.Lock()
	defer s.pairMu.Unlock()
	if err := s.pairAllowed(addr, now); err != nil {
		return err
	}
	token := newToken()
	d := &contacts.Device{DeviceName: strings.TrimSpace(req.DeviceName), Platform: req.Platform, AppVersion: req.AppVersion, SIMs: sims, FCMToken: req.FCMToken}
	if err := s.db.Pair(c.Request.Context(), normalizeCode(req.Code), sqlite.HashSecret(token), d); err != nil {
		if contacts.ErrorCode(err) == contacts.EUnauthorized {
			s.pairRL.fail(addr, now)
			s.log.Warn("pairing refused", "addr", addr, "reason", contacts.ErrorMessage(err))
		}
		return err
	}
	if err := s.hub.AddDevice(c.Request.Context(), d.ID); err != nil {
		return err
	}
	s.log.Info("phone paired", "device", d.ID, "name", d.Name, "device_name", d.DeviceName)
	c.JSON(http.StatusCreated, protocol.PairResponse{DeviceID: d.ID, Token: token, Protocol: protocol.Version})
	return nil
}

func (s *Server) pairAllowed(addr string, now time.Time) error {
	if blocked, wait := s.pairRL.blocked(addr, now); blocked {
		return &rateLimited{message: "too many wrong pairing codes from this address; try again later", retryAfter: int(wait.Seconds()) + 1}
	}
	return nil
}

// newToken is a bearer token: 256 random bits, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	const hexd = "0123456789abcdef"
	out := make([]byte, 0, 4+64)
	out = append(out, "rct_"...)
	for _, x := range b {
		out = append(out, hexd[x>>4], hexd[x&15])
	}
	return string(out)
}

func simsFromWire(in []protocol.SIM) []contacts.SIM {
	out := make([]contacts.SIM, 0, len(in))
	for _, s := range in {
		out = append(out, contacts.SIM{Slot: s.Slot, Label: s.Label, Carrier: s.Carrier, Region: strings.ToUpper(s.Region), Policy: s.Policy})
	}
	return out
}

func simsToWire(in []contacts.SIM) []protocol.SIM {
	out := make([]protocol.SIM, 0, len(in))
	for _, s := range in {
		out = append(out, protocol.SIM{Slot: s.Slot, Label: s.Label, Carrier: s.Carrier, Region: s.Region, Policy: s.StatedPolicy()})
	}
	return out
}

func deviceInfo(d *contacts.Device) protocol.DeviceInfo {
	return protocol.DeviceInfo{DeviceID: d.ID, Name: d.Name, Platform: d.Platform, AppVersion: d.AppVersion,
		SIMs: simsToWire(d.SIMs), HasFCM: d.FCMToken != "", CreatedAt: contacts.TimeText(d.CreatedAt)}
}

func (s *Server) getDevice(c *gin.Context) error {
	c.JSON(http.StatusOK, deviceInfo(device(c)))
	return nil
}

func (s *Server) putDevice(c *gin.Context) error {
	var req protocol.DeviceUpdate
	if err := s.readJSON(c, &req); err != nil {
		return err
	}
	d := device(c)
	if req.FCMToken != nil {
		if len(*req.FCMToken) > 4096 {
			return contacts.Errorf(contacts.EInvalid, "fcm_token: too long")
		}
		d.FCMToken = *req.FCMToken
	}
	if req.AppVersion != nil {
		if len(*req.AppVersion) > 40 {
			return contacts.Errorf(contacts.EInvalid, "app_version: too long")
		}
		d.AppVersion = *req.AppVersion
	}
	if req.SIMs != nil {
		sims := simsFromWire(*req.SIMs)
		if err := contacts.ValidateSIMs(sims); err != nil {
			return err
		}
		d.SIMs = contacts.MergeSIMs(d.SIMs, sims) // the office's policy per slot stays
	}
	if err := s.db.UpdateDevice(c.Request.Context(), d); err != nil {
		return err
	}
	c.JSON(http.StatusOK, deviceInfo(d))
	return nil
}
