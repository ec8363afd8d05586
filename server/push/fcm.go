package push

import (
	"context"
	"errors"
	"fmt"
	"time"

	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/messaging"
	"google.golang.org/api/option"
)

// Sender delivers one message. Implementations return nil, an error
// wrapping ErrUnregistered, a *RetryableError, or another (permanent)
// error, usually wrapping ErrPermanent or ErrInvalidMessage.
type Sender interface {
	// Send delivers m or reports why it could not.
	Send(ctx context.Context, m Message) error
}

// FCMSender is a Sender backed by the Firebase Admin SDK.
// It is safe for concurrent use.
type FCMSender struct {
	client *messaging.Client
	ttls   TTLs
	now    func() time.Time
}

// FCMOption configures an FCMSender.
type FCMOption func(*fcmConfig)

type fcmConfig struct {
	ttls TTLs
	opts []option.ClientOption
}

// WithTTLs sets the per-kind time to live (default DefaultTTLs()).
func WithTTLs(t TTLs) FCMOption {
	return func(c *fcmConfig) { c.ttls = t }
}

// WithClientOptions appends Google API client options, e.g. a custom
// http.Client.
func WithClientOptions(opts ...option.ClientOption) FCMOption {
	return func(c *fcmConfig) { c.opts = append(c.opts, opts...) }
}

// NewFCMSender builds a Firebase app and messaging client for projectID.
//
// When credentialsFile is set it must be a service account JSON key
// (loaded with option.WithAuthCredentialsFile, the non-deprecated form of
// WithCredentialsFile); otherwise Application Default Credentials are used.
// When endpoint is set (e.g. "http://127.0.0.1:8099/v1" for an fcmstub
// server) requests go there instead of https://fcm.googleapis.com/v1, and,
// if no credentials file is given, without authentication, so the whole
// binary can run against the stand-in.
func NewFCMSender(ctx context.Context, projectID, credentialsFile, endpoint string, opts ...FCMOption) (*FCMSender, error) {
	cfg := fcmConfig{ttls: DefaultTTLs()}
	for _, o := range opts {
		o(&cfg)
	}
	var copts []option.ClientOption
	if credentialsFile != "" {
		copts = append(copts, option.WithAuthCredentialsFile(option.ServiceAccount, credentialsFile))
	}
	if endpoint != "" {
		copts = append(copts, option.WithEndpoint(endpoint))
		if credentialsFile == "" {
			copts = append(copts, option.WithoutAuthentication())
		}
	}
	copts = append(copts, cfg.opts...)
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: projectID}, copts...)
	if err != nil {
		return nil, fmt.Errorf("push: firebase app: %w", err)
	}
	client, err := app.Messaging(ctx)
	if err != nil {
		return nil, fmt.Errorf("push: firebase messaging client: %w", err)
	}
	return NewFCMSenderFromClient(client, cfg.ttls), nil
}

// NewFCMSenderFromClient wraps an existing messaging client.
func NewFCMSenderFromClient(client *messaging.Client, ttls TTLs) *FCMSender {
	return &FCMSender{client: client, ttls: ttls, now: time.Now}
}

// Send builds m with BuildMessage and sends it. Errors are classified into
// ErrUnregistered, *RetryableError, ErrSenderIDMismatch, ErrPermanent or
// ErrInvalidMessage; the SDK error stays reachable with errors.Unwrap.
//
// Note that the SDK itself already retries 503 UNAVAILABLE and network
// errors up to four times (honouring Retry-After up to two minutes) inside
// one Send call, so give ctx a deadline.
func (s *FCMSender) Send(ctx context.Context, m Message) error {
	msg, err := BuildMessage(m, s.ttls)
	if err != nil {
		return err
	}
	_, err = s.client.Send(ctx, msg)
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); errors.Is(cerr, context.Canceled) {
		return fmt.Errorf("push: send canceled: %w (%v)", cerr, err)
	}
	return classify(err, s.now())
}
