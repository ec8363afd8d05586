package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/skip2/go-qrcode"
	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard/server"
)

func devicesCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "devices", Short: "Pair, list and revoke phones (works whether or not the server runs)"}
	var name string
	var asJSON bool
	pair := &cobra.Command{
		Use:   "pair --name NAME",
		Short: "Make a one-time pairing code for the phone NAME carries",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config()
			if err != nil {
				return err
			}
			db, err := server.OpenStore(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			pc, err := server.CreatePairCode(cmd.Context(), db, name, cfg.BaseURL(), cfg.PairCodeTTL.D())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return printJSON(out, map[string]any{"code": pc.Code, "url": pc.URL, "expires_at": pc.ExpiresAt.Format(time.RFC3339)})
			}
			qr, err := qrcode.New(pc.URL, qrcode.Medium)
			if err != nil {
				return fmt.Errorf("make QR code: %w", err)
			}
			fmt.Fprintf(out, "Pairing code for %s: %s\n", pc.Name, pc.Code)
			fmt.Fprintf(out, "Expires at %s (in %s). It works once.\n", pc.ExpiresAt.Local().Format("15:04:05 2006-01-02"), cfg.PairCodeTTL)
			fmt.Fprintf(out, "Server: %s\n\nScan with the ringcard app:\n%s\n%s\n", cfg.BaseURL(), qr.ToSmallString(false), pc.URL)
			return nil
		},
	}
	pair.Flags().StringVar(&name, "name", "", "who carries the phone (notes and calls are attributed to this name)")
	pair.Flags().BoolVar(&asJSON, "json", false, `print {"code","url","expires_at"} as JSON`)
	_ = pair.MarkFlagRequired("name")

	var listJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List paired phones",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config()
			if err != nil {
				return err
			}
			db, err := server.OpenStore(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			devs, err := db.Devices(cmd.Context())
			if err != nil {
				return err
			}
			rows := make([]server.DeviceRow, 0, len(devs))
			for _, d := range devs {
				rows = append(rows, server.NewDeviceRow(d))
			}
			if listJSON {
				return printJSON(cmd.OutOrStdout(), rows)
			}
			return printDevices(cmd.OutOrStdout(), rows)
		},
	}
	list.Flags().BoolVar(&listJSON, "json", false, "print as JSON")

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a phone: its token stops working at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.config()
			if err != nil {
				return err
			}
			db, err := server.OpenStore(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			d, err := db.RevokeDevice(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Revoked %s (%s). A running server closes its connection within a few seconds.\n", d.ID, d.Name)
			return nil
		},
	}
	cmd.AddCommand(pair, list, revoke)
	return cmd
}

func printDevices(w io.Writer, rows []server.DeviceRow) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "No phones paired yet. Pair one with: ringcard devices pair --name NAME")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tDEVICE\tAPP\tSIMS\tLAST SEEN\tSTATUS")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.DeviceName, r.AppVersion, r.SIMText(), r.LastSeenText(), r.Status)
	}
	return tw.Flush()
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
