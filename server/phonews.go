package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"github.com/ringcard/ringcard/contacts"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/server/hub"
	"github.com/ringcard/ringcard/server/metrics"
)

// phoneConn is the phone API's side of one phone's websocket: its reader.
// The one long-lived goroutine per phone runs readLoop: it reads what the
// phone sends, handles it and writes the answer itself (the ringing
// phone's card goes out from the goroutine that built it). The events go
// out through ws, the hub's side of the socket (package hub).
type phoneConn struct {
	srv     *Server
	device  string
	ws      *hub.Conn
	resumed atomic.Bool // a resume was accepted on this socket
	resume  *hub.Resume // set by dispatch, started by the reader
}

// websocket opens a paired phone's socket: the hub takes it as the
// device's socket and writes its events; the reader runs here.
func (s *Server) websocket(c *gin.Context) error {
	if !websocket.IsWebSocketUpgrade(c.Request) {
		return contacts.Errorf(contacts.EInvalid, "this endpoint needs a websocket upgrade")
	}
	d := device(c)
	ws := s.hub.Accept(c.Writer, c.Request, d.ID)
	if ws == nil {
		return nil // the upgrader answered already, or the socket was closed: not serving
	}
	cn := &phoneConn{srv: s, device: d.ID, ws: ws}
	s.log.Debug("phone connected", "device", d.ID)
	if err := s.db.SetConnected(context.Background(), d.ID, true); err != nil {
		s.log.Error("record connection", "err", err)
	}
	if s.fcm != nil {
		s.fcm.connected(d.ID)
	}
	ctx := contacts.WithActor(context.WithoutCancel(c.Request.Context()), contacts.Actor{Kind: contacts.ActorDevice, ID: d.ID, Name: d.Name})
	// The reader gets a goroutine of its own and this handler returns: the
	// HTTP server's goroutine, its buffers and the handler chain's stack are
	// not kept for as long as the phone stays connected.
	go func() {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic in websocket reader", "device", d.ID, "panic", v)
				ws.Stop(websocket.CloseInternalServerErr, "internal error", nil)
			}
			if s.hub.Detach(ws) {
				if err := s.db.SetConnected(context.Background(), d.ID, false); err != nil {
					s.log.Error("record disconnection", "err", err)
				}
				s.phoneGone(d.ID)
			}
			s.log.Debug("phone disconnected", "device", d.ID)
		}()
		cn.readLoop(ctx)
	}()
	return nil
}

// readLoop reads the phone's frames until the socket ends. Reading a
// frame moves the idle deadline on and marks the device seen (ReadFrame).
func (c *phoneConn) readLoop(ctx context.Context) {
	for {
		data, err := c.ws.ReadFrame()
		if err != nil {
			if err == hub.ErrFrameTooLarge {
				c.ws.Stop(websocket.CloseMessageTooBig, "frame larger than 1 MB", errorFrame("", contacts.Errorf(contacts.ETooLarge, "frame: larger than %d bytes", protocol.MaxBody)))
			} else {
				c.ws.Stop(websocket.CloseNormalClosure, "", nil)
			}
			return
		}
		if out := c.dispatch(ctx, data); out != nil {
			c.ws.Send(out)
		}
		if r := c.resume; r != nil {
			c.resume = nil
			c.ws.StartStream(ctx, *r)
		}
		if c.ws.Stopped() {
			return
		}
	}
}

// dispatch decodes one frame the phone sent and handles it, returning the
// answer to send (nil when there is none: no id, or the writer answers).
// A frame that is not a valid envelope gets an error frame, with re when
// at least its id can be read.
func (c *phoneConn) dispatch(ctx context.Context, data []byte) []byte {
	var env protocol.Envelope
	if err := protocol.Decode(data, &env); err != nil {
		var probe struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(data, &probe)
		return errorFrame(probe.ID, err)
	}
	if out := c.handle(ctx, env); out != nil && env.ID != "" {
		return out
	}
	return nil
}

// handle answers one frame from the phone.
func (c *phoneConn) handle(ctx context.Context, env protocol.Envelope) []byte {
	fail := func(err error) []byte {
		if errorCode(err) == contacts.EInternal {
			c.srv.log.Error("websocket request failed", "device", c.device, "type", env.Type, "err", err)
		}
		return errorFrame(env.ID, err)
	}
	switch env.Type {
	case "":
		return fail(contacts.Errorf(contacts.EInvalid, "type: required"))
	case protocol.TypePing:
		return protocol.Frame(protocol.TypePong, env.ID, nil)
	case protocol.TypeResume, protocol.TypeAck, protocol.TypeCallStarted, protocol.TypeCallEnded, protocol.TypeNoteAdd:
		out, err := c.handlePayload(ctx, env)
		if err != nil {
			return fail(payloadError(err)) // the one place payload errors get their "payload." prefix
		}
		return out
	}
	return fail(contacts.Errorf(contacts.EInvalid, "type: unknown message type %q", env.Type))
}

// handlePayload answers a frame that carries a payload. Its errors name
// fields as REST does; handle prefixes them.
func (c *phoneConn) handlePayload(ctx context.Context, env protocol.Envelope) ([]byte, error) {
	switch env.Type {
	case protocol.TypeResume:
		var p protocol.Resume
		if err := decodePayload(env.Payload, &p); err != nil {
			return nil, err
		}
		if p.AfterSeq < 0 {
			return nil, contacts.Errorf(contacts.EInvalid, "after_seq: must be 0 or more")
		}
		open, err := openCallIDs(p.OpenCalls)
		if err != nil {
			return nil, err
		}
		if !c.resumed.CompareAndSwap(false, true) {
			return nil, contacts.Errorf(contacts.EConflict, "resume: already sent on this socket")
		}
		if err := c.srv.phoneSaysOpen(ctx, c.device, open); err != nil {
			return nil, err
		}
		c.resume = &hub.Resume{After: p.AfterSeq, ID: env.ID, Batch: p.Batch, Compact: p.Compact}
		return nil, nil // the reader answers once it has positioned the stream
	case protocol.TypeAck:
		var p protocol.Ack
		if err := decodePayload(env.Payload, &p); err != nil {
			return nil, err
		}
		c.srv.hub.Ack(c.device, p.Seq)
		return protocol.Frame(protocol.TypeOK, env.ID, nil), nil
	case protocol.TypeCallStarted:
		var p protocol.CallStart
		if err := decodePayload(env.Payload, &p); err != nil {
			return nil, err
		}
		d, err := c.activeDevice(ctx)
		if err != nil {
			return nil, err
		}
		c.srv.answering.Add(1) // the hub's fan-out waits while the card is built
		c.srv.lastCall.Store(time.Now().UnixNano())
		start := time.Now()
		card, err := c.srv.startCall(ctx, d, p)
		c.srv.answering.Add(-1)
		if err != nil {
			return nil, err
		}
		c.srv.metrics.CardAnswered(metrics.ViaWebsocket, time.Since(start))
		return protocol.Frame(protocol.TypeCard, env.ID, card), nil
	case protocol.TypeCallEnded:
		var p protocol.CallEnd
		if err := decodePayload(env.Payload, &p); err != nil {
			return nil, err
		}
		if p.CallID == "" {
			return nil, contacts.Errorf(contacts.EInvalid, "call_id: required")
		}
		d, err := c.activeDevice(ctx)
		if err != nil {
			return nil, err
		}
		call, err := c.srv.finishCall(ctx, d, p.CallID, p)
		if err != nil {
			return nil, err
		}
		return protocol.Frame(protocol.TypeOK, env.ID, protocol.CallResponse{Call: call}), nil
	case protocol.TypeNoteAdd:
		var p protocol.NoteAdd
		if err := decodePayload(env.Payload, &p); err != nil {
			return nil, err
		}
		d, err := c.activeDevice(ctx)
		if err != nil {
			return nil, err
		}
		note, err := c.srv.addNote(ctx, d, p)
		if err != nil {
			return nil, err
		}
		return protocol.Frame(protocol.TypeNoteAdded, env.ID, note), nil
	}
	return nil, fmt.Errorf("no payload handler for %q", env.Type)
}

// payloadError names a payload field as the phone sent it: on the socket a
// field error's message starts with "payload." (SPEC, Errors). Errors that
// are not about a field (not found, conflict, unauthorized) stay as they are.
func payloadError(err error) error {
	var de *protocol.DecodeError
	if errors.As(err, &de) {
		if de.Field != "" {
			return &protocol.DecodeError{Field: payloadField(de.Field), Message: de.Message}
		}
		return &protocol.DecodeError{Message: payloadField(de.Message)}
	}
	switch code := contacts.ErrorCode(err); code {
	case contacts.EInvalid, contacts.EInvalidNumber:
		return &contacts.Error{Code: code, Message: payloadField(contacts.ErrorMessage(err))}
	}
	return err
}

// payloadField prefixes a field name (or a message that starts with one)
// with "payload."; the body as a whole is the payload itself.
func payloadField(s string) string {
	switch {
	case s == "payload" || strings.HasPrefix(s, "payload.") || strings.HasPrefix(s, "payload:"):
		return s
	case s == "body" || strings.HasPrefix(s, "body:"):
		return "payload" + strings.TrimPrefix(s, "body")
	}
	return "payload." + s
}

// activeDevice reads the device as it is now (its SIMs may have changed)
// and refuses one revoked since the socket opened, before the hub closes it.
func (c *phoneConn) activeDevice(ctx context.Context) (*contacts.Device, error) {
	d, err := c.srv.db.Device(ctx, c.device)
	if err != nil {
		return nil, err
	}
	if d.Revoked() {
		c.ws.Revoke()
		return nil, contacts.Errorf(contacts.EUnauthorized, "this device was revoked")
	}
	return d, nil
}

func decodePayload(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return &protocol.DecodeError{Field: "payload", Message: "required"}
	}
	return protocol.Decode(raw, v)
}

func errorFrame(re string, err error) []byte {
	return protocol.Frame(protocol.TypeError, re, errorBody(err))
}
