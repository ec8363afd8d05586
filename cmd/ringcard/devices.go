package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/skip2/go-qrcode"
	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/config"
)

// withDB opens the configured database for one admin command, acting as
// the CLI in the audit log.
func withDB(cmd *cobra.Command, g *globals, fn func(ctx context.Context, cfg config.Config, db *sqlite.DB) error) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	ctx := cliActor(cmd.Context())
	db, err := server.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(ctx, cfg, db)
}

func devicesCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "devices", Short: "Pair, list and revoke phones, set SIM policies, ask a phone to dial (works whether or not the server runs)"}
	var name string
	var asJSON bool
	var simFlags []string
	pair := &cobra.Command{
		Use:   "pair --name NAME [--sim 1=work --sim 2=private]",
		Short: "Make a one-time pairing code for the phone NAME carries",
		Long: `Make a one-time pairing code for the phone NAME carries.

--sim SLOT=POLICY chooses what ringcard does with calls on each SIM of that
phone: work (cards and call log), private (cards, nothing logged) or ignore
(no card, nothing logged). A SIM left unchosen is private if its name says
personal (Personal, Private, Home, Личная, Домашняя, Personale, Casa...),
work otherwise; change it later with "ringcard devices sim".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			policies, err := contacts.ParseSIMPolicies(simFlags)
			if err != nil {
				return err
			}
			return withDB(cmd, g, func(ctx context.Context, cfg config.Config, db *sqlite.DB) error {
				to, err := server.PairTargetFor(ctx, db, cfg)
				if err != nil {
					return err
				}
				pc, err := server.CreatePairCodeFor(ctx, db, name, to, cfg.PairCodeTTL.D())
				if err != nil {
					return err
				}
				if err := server.SetPairCodeSIMs(ctx, db, pc.Code, policies); err != nil {
					return err
				}
				return printPairCode(cmd.OutOrStdout(), cfg, to.URL, pc, asJSON)
			})
		},
	}
	pair.Flags().StringVar(&name, "name", "", "who carries the phone (notes and calls are attributed to this name)")
	pair.Flags().BoolVar(&asJSON, "json", false, `print {"code","url","expires_at","pin"} as JSON (pin only with ringcard's own certificate)`)
	pair.Flags().StringArrayVar(&simFlags, "sim", nil, "SLOT=POLICY: the policy of a SIM of this phone (work, private or ignore), e.g. --sim 1=work --sim 2=private")
	_ = pair.MarkFlagRequired("name")

	var listJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List paired phones with their health",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withDB(cmd, g, func(ctx context.Context, _ config.Config, db *sqlite.DB) error {
				rows, err := server.StoredDeviceHealth(ctx, db)
				if err != nil {
					return err
				}
				if listJSON {
					return printJSON(cmd.OutOrStdout(), rows)
				}
				return printDevices(cmd.OutOrStdout(), rows)
			})
		},
	}
	list.Flags().BoolVar(&listJSON, "json", false, "print as JSON")

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a phone: its token stops working at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withDB(cmd, g, func(ctx context.Context, _ config.Config, db *sqlite.DB) error {
				d, err := db.RevokeDevice(ctx, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Revoked %s (%s). A running server closes its connection within a few seconds.\n", d.ID, d.Name)
				return nil
			})
		},
	}

	var policy, label string
	sim := &cobra.Command{
		Use:   "sim ID SLOT --policy work|private|ignore [--label TEXT]",
		Short: "Set what ringcard does with calls on one SIM of a phone (private: cards, nothing logged; ignore: nothing at all)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			slot, err := strconv.Atoi(args[1])
			if err != nil {
				return fmt.Errorf("SLOT: a number such as 1 or 2")
			}
			return withDB(cmd, g, func(ctx context.Context, _ config.Config, db *sqlite.DB) error {
				d, err := db.SetSIMPolicy(ctx, args[0], slot, policy, label)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: SIMs now %s\n", d.Name, server.NewDeviceRow(d).SIMText())
				return nil
			})
		},
	}
	sim.Flags().StringVar(&policy, "policy", "", "work (cards and call log), private (cards, nothing logged) or ignore (nothing)")
	sim.Flags().StringVar(&label, "label", "", "the SIM's line label shown on cards, e.g. \"Sales line\"")
	_ = sim.MarkFlagRequired("policy")

	var dialSIM int
	dial := &cobra.Command{
		Use:   "dial ID NUMBER [--sim SLOT]",
		Short: "Ask a phone to call a number (over its socket, or FCM when it has none)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withDB(cmd, g, func(ctx context.Context, _ config.Config, db *sqlite.DB) error {
				d, err := db.FindDevice(ctx, args[0])
				if err != nil {
					return err
				}
				if err := server.QueueDial(ctx, db, d.ID, args[1], dialSIM); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Asked %s to call %s; a running server delivers it within a second.\n", d.Name, args[1])
				return nil
			})
		},
	}
	dial.Flags().IntVar(&dialSIM, "sim", 0, "SIM slot to call from (default: the phone's choice)")
	cmd.AddCommand(pair, list, revoke, sim, dial)
	return cmd
}

func printPairCode(out io.Writer, cfg config.Config, base string, pc server.PairCode, asJSON bool) error {
	if asJSON {
		m := map[string]any{"code": pc.Code, "url": pc.URL, "expires_at": pc.ExpiresAt.Format(time.RFC3339)}
		if pc.Pin != "" {
			m["pin"] = pc.Pin
		}
		return printJSON(out, m)
	}
	qr, err := qrcode.New(pc.URL, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("make QR code: %w", err)
	}
	fmt.Fprintf(out, "Pairing code for %s: %s\n", pc.Name, pc.Code)
	fmt.Fprintf(out, "Expires at %s (in %s). It works once.\n", pc.ExpiresAt.Local().Format("15:04:05 2006-01-02"), cfg.PairCodeTTL)
	fmt.Fprintf(out, "Server: %s\n", base)
	if pc.Pin != "" {
		fmt.Fprintf(out, "Key pin: %s\n(the app trusts only this key; when typing the code by hand, check the pin the app shows is this one)\n", pc.Pin)
	}
	fmt.Fprintf(out, "\nScan with the ringcard app:\n%s\n%s\n", qr.ToSmallString(false), pc.URL)
	return nil
}

func printDevices(w io.Writer, rows []server.DeviceHealth) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "No phones paired yet. Pair one with: ringcard devices pair --name NAME")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tDEVICE\tAPP\tSIMS\tSTATE\tCHANNEL\tLAST SEEN\tWAITING\tLAST ERROR")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.ID, r.Name, r.DeviceName, r.AppVersion, r.SIMText(), r.State(), orDash(r.Channel), r.LastSeenText(), r.EventsWaiting, orDash(contacts.Truncate(r.LastError, 60)))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
