package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/messaging"
)

// messagesCmd plans and starts group sends and shows their progress (the
// running server's dispatcher sends what the CLI stores).
func messagesCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "messages", Short: "Send SMS through the office's phones and e-mail to clients; watch a group send"}
	var channel, group, text, subject string
	var sims, ids []string
	var dryRun, asJSON bool
	send := &cobra.Command{
		Use:   "send --group GROUP --sim DEVICE:SLOT --text TEXT",
		Short: "Plan a group send (who gets it, who is skipped, which SIM and when) and start it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withDB(cmd, g, func(ctx context.Context, cfg config.Config, db *sqlite.DB) error {
				mcfg, err := cfg.Messaging()
				if err != nil {
					return err
				}
				svc := messaging.New(db, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)), mcfg)
				req := messaging.SendRequest{Channel: channel, Group: group, ContactIDs: ids, Text: text, Subject: subject}
				for _, s := range sims {
					dev, slot, ok := strings.Cut(s, ":")
					n, err := strconv.Atoi(slot)
					if !ok || err != nil {
						return fmt.Errorf("--sim %q: DEVICE_ID:SLOT, such as 3f2a...:1", s)
					}
					req.SIMs = append(req.SIMs, messages.SIMRef{DeviceID: dev, Slot: n})
				}
				var p *messaging.Preview
				if dryRun {
					p, _, err = svc.Plan(ctx, req, "cli")
				} else {
					p, err = svc.Start(ctx, req, "cli")
				}
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), p)
				}
				out := cmd.OutOrStdout()
				fmt.Fprintln(out, p.Note)
				for _, s := range p.Skipped {
					fmt.Fprintf(out, "  skipped %s: %s\n", s.Name, s.Reason)
				}
				if p.SendID != "" {
					fmt.Fprintf(out, "send %s started; watch it with `ringcard messages status %s`\n", p.SendID, p.SendID)
				}
				return nil
			})
		},
	}
	send.Flags().StringVar(&channel, "channel", messages.SMS, "sms or email")
	send.Flags().StringVar(&group, "group", "", "every contact in this group")
	send.Flags().StringSliceVar(&ids, "contact", nil, "a contact id (repeatable)")
	send.Flags().StringSliceVar(&sims, "sim", nil, "a phone and SIM to send from, DEVICE_ID:SLOT (repeatable; the send is spread over them)")
	send.Flags().StringVar(&text, "text", "", "the text; placeholders {name} {first_name} {company} {stage} {order} {staff}")
	send.Flags().StringVar(&subject, "subject", "", "the e-mail subject")
	send.Flags().BoolVar(&dryRun, "dry-run", false, "only show the plan")
	send.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON")
	_ = send.MarkFlagRequired("text")

	var watch time.Duration
	status := &cobra.Command{
		Use:   "status SEND_ID",
		Short: "Show a group send's progress by status (--watch to follow it until done)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withDB(cmd, g, func(ctx context.Context, cfg config.Config, db *sqlite.DB) error {
				for {
					p, err := db.Send(ctx, args[0])
					if err != nil {
						return err
					}
					done := p.ByStatus[messages.StatusDelivered] + p.ByStatus[messages.StatusFailed]
					fmt.Fprintf(cmd.OutOrStdout(), "%s %d/%d done: planned %d, dispatched %d, queued %d, sent %d, delivered %d, failed %d\n",
						time.Now().Format("15:04:05"), done, p.Send.Total, p.ByStatus[messages.StatusPlanned], p.ByStatus[messages.StatusDispatched],
						p.ByStatus[messages.StatusQueued], p.ByStatus[messages.StatusSent], p.ByStatus[messages.StatusDelivered], p.ByStatus[messages.StatusFailed])
					if watch <= 0 || done >= p.Send.Total {
						return nil
					}
					select {
					case <-ctx.Done():
						return nil
					case <-time.After(watch):
					}
				}
			})
		},
	}
	status.Flags().DurationVar(&watch, "watch", 0, "print again every this long until the send is done")
	cmd.AddCommand(send, status)
	return cmd
}
