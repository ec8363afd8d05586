package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
)

// sendSMS acts on an sms.send as a correct phone does: a message id it has
// acted on before is not sent again; a new one is kept in the state file
// ("pending", with what to send) and then handled by reportPending, which
// sends it only once the server accepted its "queued" report and only
// before its send_before.
func sendSMS(ctx context.Context, f *simFlags, st *simState, c *client.Client, payload json.RawMessage) error {
	var p protocol.SMSSend
	if err := protocol.Decode(payload, &p); err != nil {
		return fmt.Errorf("sms.send: %w", err)
	}
	if _, done := st.SMS[p.MessageID]; done {
		return reportPending(ctx, f, st, c)
	}
	if st.SMS == nil {
		st.SMS = map[string]string{}
	}
	if st.Outbox == nil {
		st.Outbox = map[string]protocol.SMSSend{}
	}
	st.SMS[p.MessageID], st.Outbox[p.MessageID] = smsPending, p
	if err := f.save(st); err != nil {
		return err
	}
	return reportPending(ctx, f, st, c)
}

// The simulated phone's own states of a message, besides the statuses it
// reported (queued, sent, delivered, failed).
const (
	smsPending = "pending" // kept, "queued" not yet accepted by the server
	smsSending = "sending" // accepted; being sent right now
	smsGone    = "gone"    // the server gave it to another phone: never send
)

// reportPending moves every message on as far as it can: a pending one is
// reported queued and, once the server accepts that, sent (a line in the
// --sms-log file) if its send_before has not passed, else reported failed,
// "expired"; sent ones are reported sent and delivered. The server may have
// been down: what it still owes is reported after a reconnect.
func reportPending(ctx context.Context, f *simFlags, st *simState, c *client.Client) error {
	for id := range st.SMS {
		if err := advanceSMS(ctx, f, st, c, id); err != nil {
			return err
		}
	}
	return nil
}

// report sends one status; a 404 (the message is no longer this phone's)
// is not an error: it answers gone.
func report(ctx context.Context, c *client.Client, id, status, reason string) (string, error) {
	resp, err := c.ReportMessage(ctx, id, protocol.MessageStatus{Status: status, Reason: reason})
	var api *client.APIError
	if errors.As(err, &api) && api.Status == http.StatusNotFound {
		return smsGone, nil
	}
	if err != nil {
		return "", fmt.Errorf("report %s %s: %w", id, status, err)
	}
	return resp.Status, nil
}

func advanceSMS(ctx context.Context, f *simFlags, st *simState, c *client.Client, id string) error {
	set := func(state string) error {
		st.SMS[id] = state
		if state != smsPending && state != smsSending {
			delete(st.Outbox, id)
		}
		return f.save(st)
	}
	switch st.SMS[id] {
	case smsPending:
		p := st.Outbox[id]
		if expired(p) {
			got, err := report(ctx, c, id, "failed", protocol.ReasonExpired)
			if err != nil {
				return err
			}
			if got == smsGone {
				return set(smsGone)
			}
			return set("failed")
		}
		got, err := report(ctx, c, id, "queued", "")
		if err != nil {
			return err
		}
		if got != "queued" { // gone to another phone, or failed: never send
			if got != smsGone {
				got = "failed"
			}
			return set(got)
		}
		if expired(p) { // the answer came too late to send in time
			if _, err := report(ctx, c, id, "failed", protocol.ReasonExpired); err != nil {
				return err
			}
			return set("failed")
		}
		if err := set(smsSending); err != nil {
			return err
		}
		if err := logSMS(f, p); err != nil {
			return err
		}
		if err := set("queued"); err != nil {
			return err
		}
	case smsSending: // the phone stopped between accepting and sending: never send late
		if _, err := report(ctx, c, id, "failed", "interrupted: the phone stopped while sending"); err != nil {
			return err
		}
		return set("failed")
	}
	last := st.SMS[id]
	if last == smsGone || last == smsPending {
		return nil
	}
	for _, next := range []string{"queued", "sent", "delivered"} {
		if rank(next) <= rank(last) {
			continue
		}
		got, err := report(ctx, c, id, next, "")
		if err != nil {
			return err
		}
		if got == smsGone {
			return set(smsGone)
		}
		if err := set(next); err != nil {
			return err
		}
		last = next
	}
	return nil
}

// expired reports whether a message's send_before has passed (by this
// phone's clock).
func expired(p protocol.SMSSend) bool {
	if p.SendBefore == "" {
		return false
	}
	t, err := time.Parse(time.RFC3339, p.SendBefore)
	return err != nil || !time.Now().Before(t)
}

// logSMS "sends" the SMS: a JSON line in the --sms-log file.
func logSMS(f *simFlags, p protocol.SMSSend) error {
	if f.smsLog == "" {
		return nil
	}
	line, _ := json.Marshal(map[string]any{"message_id": p.MessageID, "number": p.Number, "sim_slot": p.SIMSlot, "text": p.Text, "at": time.Now().Format(time.RFC3339Nano)})
	lf, err := os.OpenFile(f.smsLog, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("sms log: %w", err)
	}
	_, err = lf.Write(append(line, '\n'))
	if cerr := lf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sms log: %w", err)
	}
	return nil
}

func rank(status string) int {
	switch status {
	case "queued":
		return 1
	case "sent":
		return 2
	case "delivered", "failed", smsGone:
		return 3
	}
	return 0
}

// smsReceivedCmd reports an SMS arriving on a work SIM (a client's reply).
func smsReceivedCmd(f *simFlags) *cobra.Command {
	var from, text string
	var slot int
	cmd := &cobra.Command{
		Use:   "sms-received --from NUMBER --text TEXT",
		Short: "Report an SMS that arrived on a work SIM (a STOP reply opts the client out of SMS)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, c, err := f.load()
			if err != nil {
				return err
			}
			resp, err := c.ReportReceived(cmd.Context(), protocol.SMSReceived{From: from, Text: text, SIMSlot: slot, ReceivedAt: time.Now().Format(time.RFC3339)})
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), resp)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the sender's number")
	cmd.Flags().StringVar(&text, "text", "", "the message text")
	cmd.Flags().IntVar(&slot, "sim", 1, "the SIM slot it arrived on")
	_ = cmd.MarkFlagRequired("from")
	return cmd
}
