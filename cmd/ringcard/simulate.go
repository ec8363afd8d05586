package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/internal/fsperm"
	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/config"
)

// simState is what the simulated phone remembers between commands.
type simState struct {
	Server   string `json:"server"`
	Token    string `json:"token"`
	DeviceID string `json:"device_id"`
	LastSeq  int64  `json:"last_seq"`
	Pin      string `json:"pin,omitempty"` // the server key's pin from pairing: every connection checks it
	// SMS are the sms.send message ids this phone acted on, with the last
	// status it got through to the server: a correct phone keeps them so a
	// message delivered again after a reconnect is never sent twice.
	SMS map[string]string `json:"sms,omitempty"`
	// Outbox holds the messages kept but not yet sent (their status
	// "pending"): what to send once the server accepts "queued".
	Outbox map[string]protocol.SMSSend `json:"outbox,omitempty"`
}

type simFlags struct {
	state          string
	server         string
	smsLog         string // where listen writes each SMS it "sends" (one JSON line each)
	batch, compact bool   // listen asks for batch frames / card.changed
}

func (f *simFlags) load() (*simState, *client.Client, error) {
	var st simState
	b, err := os.ReadFile(f.state)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("this simulated phone is not paired yet (no %s): run `ringcard simulate pair --code CODE` first", f.state)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", f.state, err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", f.state, err)
	}
	if f.server != "" {
		st.Server = f.server
	}
	return &st, st.client(), nil
}

// client connects as the paired phone: pinned to the server's key when
// pairing gave a pin.
func (st *simState) client() *client.Client {
	var opts []client.Option
	if st.Pin != "" {
		opts = append(opts, client.WithPin(st.Pin))
	}
	return client.New(st.Server, st.Token, opts...)
}

func (f *simFlags) save(st *simState) error {
	b, _ := json.MarshalIndent(st, "", "  ")
	// Whole or not at all: a phone killed while saving (kill -9, a
	// battery pulled) must find its token and position on restart.
	if err := fsperm.WriteFile(f.state, b, fsperm.File); err != nil {
		return fmt.Errorf("save the simulated phone: %w", err)
	}
	return nil
}

func simulateCmd(g *globals) *cobra.Command {
	f := &simFlags{}
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "A phone simulator that speaks protocol v1 (pair, call, note, listen)",
	}
	cmd.PersistentFlags().StringVar(&f.state, "state", "ringcard-sim.json", "file where the simulated phone keeps its token and last seq")
	cmd.PersistentFlags().StringVar(&f.server, "server", "", "server `URL` (default: the one paired with; for pair, the one \"ringcard devices pair\" prints for --db)")

	var code, name, fcmToken, pin string
	pair := &cobra.Command{
		Use:   "pair [ringcard://pair?... | --code CODE [--pin sha256/...]]",
		Short: "Pair the simulated phone with a code from `ringcard devices pair`: the QR code's link, or the code typed",
		Long: "Pair the simulated phone as the app does. Give the QR code's link (ringcard://pair?server=...&code=...&pin=...), " +
			"or --code (and --server, --pin) as a person types them. With --code alone it pairs with the server and pin `ringcard devices pair` prints for the same --db. " +
			"With a pin, every connection of this phone trusts that server key only.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			server := f.server
			if len(args) == 1 {
				link, err := protocol.ParsePairLink(args[0])
				if err != nil {
					return err
				}
				if code != "" || pin != "" {
					return fmt.Errorf("give the pairing link or --code/--pin, not both")
				}
				code, pin = link.Code, link.Pin
				if server == "" {
					server = link.Server
				}
			}
			if code == "" {
				return fmt.Errorf("a pairing code is needed: the QR code's link, or --code CODE")
			}
			if server == "" {
				to, err := recordedPairTarget(cmd, g)
				if err != nil {
					return err
				}
				server = to.URL
				if pin == "" {
					pin = to.Pin
				}
			}
			st := &simState{Server: server, Pin: pin}
			c := st.client()
			req := protocol.PairRequest{Code: code, DeviceName: name, Platform: "simulator", AppVersion: "sim-1",
				SIMs: []protocol.SIM{{Slot: 1, Label: "Work"}, {Slot: 2, Label: "Personal"}}, FCMToken: fcmToken}
			resp, err := c.Pair(cmd.Context(), req)
			if err != nil {
				return err
			}
			st.Token, st.DeviceID = resp.Token, resp.DeviceID
			if err := f.save(st); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Paired as device %s; token kept in %s\n", resp.DeviceID, f.state)
			if pin != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "Server key pinned: %s\n", pin)
			}
			if fcmToken != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "FCM token %s registered: while this phone is not listening, the server wakes it by FCM\n", fcmToken)
			}
			return nil
		},
	}
	pair.Flags().StringVar(&code, "code", "", "the pairing code, as typed")
	pair.Flags().StringVar(&pin, "pin", "", "the server key's pin shown with the code (sha256/...); every connection then checks it")
	pair.Flags().StringVar(&name, "device-name", "Simulated phone", "what the phone calls itself")
	pair.Flags().StringVar(&fcmToken, "fcm-token", "", "an FCM registration token to pair with, as the app does (any text when ringcard points at the FCM stand-in)")

	var direction string
	var slot int
	var overWS, end bool
	call := &cobra.Command{
		Use:   "call NUMBER",
		Short: "Report a call and print the card the server answers with",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, c, err := f.load()
			if err != nil {
				return err
			}
			number := args[0]
			req := protocol.CallStart{CallID: contacts.NewID(), Direction: direction, Number: &number, SIMSlot: slot,
				StartedAt: time.Now().Format(time.RFC3339)}
			var card protocol.Card
			if overWS {
				card, err = callOverSocket(cmd, c, req)
			} else {
				card, err = c.StartCall(cmd.Context(), req)
			}
			if err != nil {
				return err
			}
			if err := printJSON(cmd.OutOrStdout(), map[string]any{"call_id": req.CallID, "card": card}); err != nil {
				return err
			}
			if end {
				d := 30
				_, err = c.EndCall(cmd.Context(), req.CallID, protocol.CallEnd{EndedAt: time.Now().Add(30 * time.Second).Format(time.RFC3339), DurationS: &d, Outcome: contacts.OutcomeAnswered})
			}
			return err
		},
	}
	call.Flags().StringVar(&direction, "direction", contacts.Incoming, "incoming or outgoing")
	call.Flags().IntVar(&slot, "sim", 1, "SIM slot")
	call.Flags().BoolVar(&overWS, "ws", false, "send call.started over the websocket instead of REST")
	call.Flags().BoolVar(&end, "end", false, "also end the call at once, as answered, with a duration of 30 s")

	var noteNumber, noteContact, noteCall string
	note := &cobra.Command{
		Use:   "note TEXT",
		Short: "Add a note to a contact (--contact) or a number (--number)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, c, err := f.load()
			if err != nil {
				return err
			}
			n, err := c.AddNote(cmd.Context(), protocol.NoteAdd{NoteID: contacts.NewID(), ContactID: noteContact, Number: noteNumber, CallID: noteCall, Text: args[0]})
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), n)
		},
	}
	note.Flags().StringVar(&noteNumber, "number", "", "the number the note is about")
	note.Flags().StringVar(&noteContact, "contact", "", "the contact_id the note is about")
	note.Flags().StringVar(&noteCall, "call", "", "the call_id the note belongs to")

	lookup := &cobra.Command{
		Use:   "lookup NUMBER",
		Short: "Print the card for a number without a call",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, c, err := f.load()
			if err != nil {
				return err
			}
			card, err := c.Lookup(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), card)
		},
	}

	var forSeconds int
	listen := &cobra.Command{
		Use:   "listen",
		Short: "Stay connected and print what the server pushes (resumes after the last seq seen)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, c, err := f.load()
			if err != nil {
				return err
			}
			return listenLoop(cmd, f, st, c, time.Duration(forSeconds)*time.Second)
		},
	}
	listen.Flags().IntVar(&forSeconds, "for", 0, "stop after this many seconds (0: until interrupted)")
	listen.Flags().StringVar(&f.smsLog, "sms-log", "", "append every SMS this phone sends (on sms.send) to this file, one JSON line each")
	listen.Flags().BoolVar(&f.batch, "batch", false, "ask for batch frames (several numbered events in one frame), as a phone may")
	listen.Flags().BoolVar(&f.compact, "compact", false, "ask for card.changed in place of card.updated, as a phone may")

	cmd.AddCommand(pair, call, note, lookup, listen, smsReceivedCmd(f), fcmTokenCmd(f), loadCmd(g, f))
	return cmd
}

func callOverSocket(cmd *cobra.Command, c *client.Client, req protocol.CallStart) (protocol.Card, error) {
	s, err := c.Connect(cmd.Context())
	if err != nil {
		return protocol.Card{}, err
	}
	defer s.Close()
	id, err := s.Send(protocol.TypeCallStarted, req)
	if err != nil {
		return protocol.Card{}, err
	}
	env, err := s.Await(id, 10*time.Second, nil)
	if err != nil {
		return protocol.Card{}, err
	}
	if env.Type == protocol.TypeError {
		return protocol.Card{}, fmt.Errorf("server: %s", env.Payload)
	}
	var card protocol.Card
	err = json.Unmarshal(env.Payload, &card)
	return card, err
}

// listenLoop keeps a socket open as a phone does: it prints every frame,
// acknowledges numbered events, and when the connection drops (server
// restarted, network gone) it reconnects with backoff and resumes after
// the last seq it handled. A revoked phone stops.
func listenLoop(cmd *cobra.Command, f *simFlags, st *simState, c *client.Client, limit time.Duration) error {
	ctx := cmd.Context()
	var deadline time.Time
	if limit > 0 {
		deadline = time.Now().Add(limit)
	}
	done := func() bool { return ctx.Err() != nil || (limit > 0 && !time.Now().Before(deadline)) }
	backoff := time.Second
	for !done() {
		connected, err := listenOnce(cmd, f, st, c, deadline)
		if done() {
			return nil
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) && ce.Code == websocket.ClosePolicyViolation || errors.Is(err, errRevoked) {
			return fmt.Errorf("the server revoked this phone: %w", err)
		}
		if connected {
			backoff = time.Second
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "connection lost (%v); reconnecting in %s\n", err, backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
	return nil
}

// errRevoked is an unauthorized answer: the phone's token no longer works.
var errRevoked = errors.New("unauthorized")

// listenOnce runs one connection until it fails; connected reports that it
// got as far as resuming (so the backoff starts again).
func listenOnce(cmd *cobra.Command, f *simFlags, st *simState, c *client.Client, deadline time.Time) (connected bool, err error) {
	ctx := cmd.Context()
	s, err := c.Connect(ctx)
	if err != nil {
		var api *client.APIError
		if errors.As(err, &api) && api.Status == http.StatusUnauthorized {
			return false, fmt.Errorf("%w: %v", errRevoked, err)
		}
		return false, err
	}
	defer s.Close()
	if _, err := s.ResumeWith(protocol.Resume{AfterSeq: st.LastSeq, Batch: f.batch, Compact: f.compact}); err != nil {
		return false, err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "connected; resuming after seq %d\n", st.LastSeq)
	if err := reportPending(ctx, f, st, c); err != nil {
		return true, err
	}
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	out := json.NewEncoder(cmd.OutOrStdout())
	for {
		wait := 24 * time.Hour // the server pings every 30 s; a dead socket errors out
		if !deadline.IsZero() {
			wait = time.Until(deadline)
		}
		env, err := s.Read(wait)
		if err != nil {
			return true, err
		}
		if err := out.Encode(env); err != nil {
			return true, err
		}
		if env.Type == protocol.TypeError && env.Re == "" && strings.Contains(string(env.Payload), `"unauthorized"`) {
			return true, errRevoked
		}
		evs, err := client.Events(env) // a batch frame's events, or the frame itself
		if err != nil {
			return true, err
		}
		for _, ev := range evs {
			if ev.Type == protocol.TypeSMSSend {
				if err := sendSMS(ctx, f, st, c, ev.Payload); err != nil {
					return true, err
				}
			}
		}
		if len(evs) > 0 {
			st.LastSeq = evs[len(evs)-1].Seq
			if _, err := s.Ack(st.LastSeq); err != nil {
				return true, err
			}
			if err := f.save(st); err != nil {
				return true, err
			}
		}
	}
}

// recordedPairTarget is the server URL and pin `ringcard devices pair`
// prints for the configured database, as a person reads them off next to
// the code: so that `simulate pair --code` finds a server started with
// another --addr. With no database there (no server ever ran here), the
// quick start's http://127.0.0.1:8080, and nothing is created.
func recordedPairTarget(cmd *cobra.Command, g *globals) (server.PairTarget, error) {
	cfg, err := g.config()
	if err != nil {
		return server.PairTarget{}, err
	}
	if _, err := os.Stat(cfg.DB); errors.Is(err, fs.ErrNotExist) {
		return server.PairTarget{URL: cfg.BaseURL()}, nil
	}
	var to server.PairTarget
	err = withDB(cmd, g, func(ctx context.Context, cfg config.Config, db *sqlite.DB) error {
		to, err = server.PairTargetFor(ctx, db, cfg)
		return err
	})
	return to, err
}
