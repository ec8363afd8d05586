package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// Socket is a phone's websocket to the server.
type Socket struct {
	ws   *websocket.Conn
	next atomic.Int64
	wmu  sync.Mutex // one writer at a time
}

// Connect opens the websocket. It does not send resume: call Resume next,
// as the protocol asks of the first frame.
func (c *Client) Connect(ctx context.Context) (*Socket, error) {
	u := "ws" + strings.TrimPrefix(c.BaseURL, "http") + "/api/v1/ws"
	if c.err != nil {
		return nil, c.err
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+c.Token)
	d := *websocket.DefaultDialer
	d.TLSClientConfig = c.tls
	ws, resp, err := d.DialContext(ctx, u, h)
	if err != nil {
		if resp != nil {
			// The handshake's refusal (401 for a revoked phone) as an APIError.
			return nil, fmt.Errorf("connect websocket: %w", &APIError{Status: resp.StatusCode, Code: strings.ToLower(strings.ReplaceAll(http.StatusText(resp.StatusCode), " ", "_")), Message: err.Error()})
		}
		return nil, fmt.Errorf("connect websocket: %w", err)
	}
	return &Socket{ws: ws}, nil
}

// Send sends a frame with a fresh id and returns the id.
func (s *Socket) Send(typ string, payload any) (string, error) {
	id := "m" + strconv.FormatInt(s.next.Add(1), 10)
	env := protocol.Envelope{Type: typ, ID: id}
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return "", fmt.Errorf("encode payload: %w", err)
		}
		env.Payload = b
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return id, s.ws.WriteJSON(env)
}

// SendRaw sends bytes as they are (tests of bad input).
func (s *Socket) SendRaw(b []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.ws.WriteMessage(websocket.TextMessage, b)
}

// ReadRaw waits up to timeout for the next frame and returns its bytes.
func (s *Socket) ReadRaw(timeout time.Duration) ([]byte, error) {
	_ = s.ws.SetReadDeadline(time.Now().Add(timeout))
	_, data, err := s.ws.ReadMessage()
	return data, err
}

// Resume sends the resume frame.
func (s *Socket) Resume(afterSeq int64) (string, error) {
	return s.Send(protocol.TypeResume, protocol.Resume{AfterSeq: afterSeq})
}

// ResumeWith sends a resume frame with options (batch frames, compact
// card events).
func (s *Socket) ResumeWith(r protocol.Resume) (string, error) {
	return s.Send(protocol.TypeResume, r)
}

// Events returns the numbered events a frame carries, in order: a batch's
// events, the frame itself when it is a numbered event, or none (answers,
// pongs). A phone handles them one by one exactly as lone frames.
func Events(env protocol.Envelope) ([]protocol.Envelope, error) {
	if env.Type == protocol.TypeBatch && env.Re == "" {
		var b protocol.Batch
		if err := json.Unmarshal(env.Payload, &b); err != nil {
			return nil, fmt.Errorf("decode batch: %w", err)
		}
		for i, e := range b.Events {
			if e.Seq <= 0 {
				return nil, fmt.Errorf("batch event %d (%s) has no seq", i, e.Type)
			}
		}
		return b.Events, nil
	}
	if env.Seq > 0 {
		return []protocol.Envelope{env}, nil
	}
	return nil, nil
}

// ResumeOpen sends the resume frame with the call_ids of the phone's calls
// still in progress (open_calls; none is an empty list, not nil): the
// server closes the phone's other open calls and reopens listed ones it
// had closed for want of news.
func (s *Socket) ResumeOpen(afterSeq int64, openCalls []string) (string, error) {
	open := append([]string{}, openCalls...)
	return s.Send(protocol.TypeResume, protocol.Resume{AfterSeq: afterSeq, OpenCalls: &open})
}

// Ack acknowledges every event up to seq.
func (s *Socket) Ack(seq int64) (string, error) {
	return s.Send(protocol.TypeAck, protocol.Ack{Seq: seq})
}

// Read waits up to timeout for the next frame.
func (s *Socket) Read(timeout time.Duration) (protocol.Envelope, error) {
	var env protocol.Envelope
	_ = s.ws.SetReadDeadline(time.Now().Add(timeout))
	_, data, err := s.ws.ReadMessage()
	if err != nil {
		return env, err
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return env, fmt.Errorf("decode frame %q: %w", data, err)
	}
	return env, nil
}

// Await reads frames until one answers id; others go to onOther (if set).
func (s *Socket) Await(id string, timeout time.Duration, onOther func(protocol.Envelope)) (protocol.Envelope, error) {
	deadline := time.Now().Add(timeout)
	for {
		env, err := s.Read(time.Until(deadline))
		if err != nil {
			return env, err
		}
		if env.Re == id {
			return env, nil
		}
		if onOther != nil {
			onOther(env)
		}
	}
}

// Close closes the socket politely.
func (s *Socket) Close() error {
	_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	return s.ws.Close()
}

// Conn is the underlying websocket (tests inspect close codes).
func (s *Socket) Conn() *websocket.Conn { return s.ws }
