package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
)

// sendSMS acts on an sms.send as a correct phone does: a message id it has
// acted on before is not sent again; a new one is first written to the
// state file as "sending" (so a crash right after cannot send it twice: it
// is reported failed, "interrupted", on the next start), then "sent" (a
// line in the --sms-log file), then reported queued, sent, delivered.
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
	st.SMS[p.MessageID] = "sending"
	if err := f.save(st); err != nil {
		return err
	}
	if f.smsLog != "" {
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
	}
	st.SMS[p.MessageID] = "" // sent, nothing reported yet
	if err := f.save(st); err != nil {
		return err
	}
	return reportPending(ctx, f, st, c)
}

// reportPending reports queued, sent and delivered for every message sent
// but not yet reported delivered (the server may have been down).
func reportPending(ctx context.Context, f *simFlags, st *simState, c *client.Client) error {
	changed := false
	for id, last := range st.SMS {
		if last == "sending" { // the phone stopped between keeping the id and sending: never send late
			if _, err := c.ReportMessage(ctx, id, protocol.MessageStatus{Status: "failed", Reason: "interrupted: the phone stopped while sending"}); err != nil {
				return fmt.Errorf("report %s failed: %w", id, err)
			}
			st.SMS[id], changed = "failed", true
			continue
		}
		for _, next := range []string{"queued", "sent", "delivered"} {
			if rank(next) <= rank(last) {
				continue
			}
			if _, err := c.ReportMessage(ctx, id, protocol.MessageStatus{Status: next}); err != nil {
				if changed {
					_ = f.save(st)
				}
				return fmt.Errorf("report %s %s: %w", id, next, err)
			}
			st.SMS[id], last, changed = next, next, true
		}
	}
	if changed {
		return f.save(st)
	}
	return nil
}

func rank(status string) int {
	switch status {
	case "queued":
		return 1
	case "sent":
		return 2
	case "delivered", "failed":
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
