// Package client speaks ringcard's phone protocol v1 as a phone does: REST
// calls and the websocket. The phone simulator, the tests and the
// benchmarks use it; it is also a reference for the Android app.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
)

// Client is one phone's connection to a ringcard server.
type Client struct {
	BaseURL string // e.g. https://192.168.1.10:8443, or http://127.0.0.1:8080 on loopback
	Token   string // bearer token from pairing
	Pin     string // the server key's pin from the pairing QR code (WithPin); empty: validate the chain
	HTTP    *http.Client

	tls *tls.Config // shared by REST and the websocket: one pin check, one session cache
	err error       // a bad option (an unreadable pin): every call fails with it
}

// New returns a client for the server at baseURL. With WithPin it trusts
// that key only.
func New(baseURL, token string, opts ...Option) *Client {
	c := &Client{BaseURL: strings.TrimRight(baseURL, "/"), Token: token}
	for _, o := range opts {
		o(c)
	}
	c.tls, c.err = c.tlsConfig()
	if c.err == nil && c.Pin != "" && !strings.HasPrefix(c.BaseURL, "https://") {
		c.err = fmt.Errorf("a pin needs an https server URL, not %q", c.BaseURL)
	}
	c.HTTP = newHTTP(c.BaseURL, c.tls)
	return c
}

// APIError is a non-2xx reply in the protocol's error shape.
type APIError struct {
	Status     int
	Code       string
	Message    string
	RetryAfter string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// Do sends body (JSON-encoded unless it is []byte) and decodes a 2xx reply
// into out (when not nil).
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		rd = bytes.NewReader(enc)
	}
	if c.err != nil {
		return c.err
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: read reply: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e protocol.ErrorResponse
		if err := json.Unmarshal(data, &e); err != nil || e.Error.Code == "" {
			return &APIError{Status: resp.StatusCode, Code: "unknown", Message: strings.TrimSpace(string(data))}
		}
		return &APIError{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message, RetryAfter: resp.Header.Get("Retry-After")}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decode reply: %w", method, path, err)
		}
	}
	return nil
}

// Pair pairs this phone with a one-time code and keeps the token.
func (c *Client) Pair(ctx context.Context, req protocol.PairRequest) (protocol.PairResponse, error) {
	var out protocol.PairResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/pair", req, &out)
	if err == nil {
		c.Token = out.Token
	}
	return out, err
}

// StartCall reports a call and returns the card.
func (c *Client) StartCall(ctx context.Context, req protocol.CallStart) (protocol.Card, error) {
	var out protocol.CardResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/calls", req, &out)
	return out.Card, err
}

// EndCall reports how a call ended.
func (c *Client) EndCall(ctx context.Context, callID string, req protocol.CallEnd) (protocol.Call, error) {
	var out protocol.CallResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/calls/"+url.PathEscape(callID)+"/end", req, &out)
	return out.Call, err
}

// AddNote adds a note.
func (c *Client) AddNote(ctx context.Context, req protocol.NoteAdd) (protocol.Note, error) {
	var out protocol.NoteResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/notes", req, &out)
	return out.Note, err
}

// CreateContact creates a contact.
func (c *Client) CreateContact(ctx context.Context, req protocol.ContactCreate) (protocol.Card, error) {
	var out protocol.CardResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/contacts", req, &out)
	return out.Card, err
}

// Lookup returns the card for a number without a call.
func (c *Client) Lookup(ctx context.Context, number string) (protocol.Card, error) {
	var out protocol.CardResponse
	err := c.Do(ctx, http.MethodGet, "/api/v1/cards/lookup?number="+url.QueryEscape(number), nil, &out)
	return out.Card, err
}

// Directory fetches one page of the offline directory.
func (c *Client) Directory(ctx context.Context, since string, limit int) (protocol.Directory, error) {
	q := url.Values{}
	if since != "" {
		q.Set("since", since)
	}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	var out protocol.Directory
	err := c.Do(ctx, http.MethodGet, "/api/v1/cards?"+q.Encode(), nil, &out)
	return out, err
}

// UpdateDevice updates the FCM token, SIMs or app version.
func (c *Client) UpdateDevice(ctx context.Context, req protocol.DeviceUpdate) (protocol.DeviceInfo, error) {
	var out protocol.DeviceInfo
	err := c.Do(ctx, http.MethodPut, "/api/v1/device", req, &out)
	return out, err
}

// ReportMessage reports what became of an sms.send (idempotent).
func (c *Client) ReportMessage(ctx context.Context, messageID string, req protocol.MessageStatus) (protocol.MessageStatusResponse, error) {
	var out protocol.MessageStatusResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/messages/"+url.PathEscape(messageID)+"/status", req, &out)
	return out, err
}

// ReportReceived reports an SMS that arrived on a work SIM.
func (c *Client) ReportReceived(ctx context.Context, req protocol.SMSReceived) (protocol.SMSReceivedResponse, error) {
	var out protocol.SMSReceivedResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/messages/received", req, &out)
	return out, err
}
