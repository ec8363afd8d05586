package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/config"
	contactsync "github.com/ringcard/ringcard/sync"
)

func googleCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "google", Short: "Connect, sync and check the office's Google Contacts account"}
	g.stringFlag(cmd, "google.endpoint", "People API base URL, e.g. a stand-in's (env RINGCARD_GOOGLE_ENDPOINT)")
	g.stringFlag(cmd, "google.token_file", "where the OAuth token is kept (env RINGCARD_GOOGLE_TOKEN_FILE)")
	cmd.AddCommand(googleConnectCmd(g), googleDisconnectCmd(g), googleSyncCmd(g), googleStatusCmd(g))
	return cmd
}

func googleConnectCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "connect",
		Short: "Allow ringcard to manage the office's Google contacts (OAuth, once)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !cfg.Google.NoAuth {
				if cfg.Google.ClientID == "" || cfg.Google.ClientSecret == "" {
					return fmt.Errorf("set google.client_id and google.client_secret first (RINGCARD_GOOGLE_CLIENT_ID, RINGCARD_GOOGLE_CLIENT_SECRET or _FILE): see README, Connecting Google Contacts")
				}
				tf := contactsync.TokenFile{Path: cfg.Google.TokenFile}
				if _, err := server.GoogleOAuth(cfg).Connect(cmd.Context(), tf, contactsync.ConnectIO{Out: out, In: cmd.InOrStdin()}); err != nil {
					return err
				}
				fmt.Fprintf(out, "Connected. The token is in %s (readable only by this user).\n", tf.Path)
			} else {
				fmt.Fprintf(out, "google.no_auth is set: ringcard syncs with the stand-in at %s without credentials.\n", cfg.Google.Endpoint)
			}
			db, err := server.OpenStore(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.SetSyncEnabled(cmd.Context(), true); err != nil {
				return err
			}
			fmt.Fprintln(out, "The server syncs in the background; run `ringcard google sync` to sync now.")
			return nil
		},
	}
}

func googleDisconnectCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "disconnect",
		Short: "Forget the Google token and stop queueing changes for Google (contacts stay)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config()
			if err != nil {
				return err
			}
			if err := (contactsync.TokenFile{Path: cfg.Google.TokenFile}).Remove(); err != nil {
				return err
			}
			db, err := server.OpenStore(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.SetSyncEnabled(cmd.Context(), false); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Disconnected. Restart the server to stop its sync. Revoke access at https://myaccount.google.com/permissions too.")
			return nil
		},
	}
}

func googleSyncCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Sync now: pull Google's changes, then send ringcard's",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withDB(cmd, g, func(ctx context.Context, cfg config.Config, db *sqlite.DB) error {
				e, err := server.NewGoogleEngine(ctx, cfg, db, server.NewLogger(cfg, os.Stderr))
				if err != nil {
					return err
				}
				rep, runErr := e.RunOnce(ctx)
				if asJSON {
					if err := printJSON(cmd.OutOrStdout(), rep); err != nil {
						return err
					}
				} else {
					printReport(cmd.OutOrStdout(), rep)
				}
				return runErr
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func googleStatusCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the last sync, what changed, queued changes, conflicts and the last error",
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
			st, err := contactsync.ReadStatus(cmd.Context(), db)
			if err != nil {
				return err
			}
			st.Connected = cfg.Google.Connected()
			if asJSON {
				return printJSON(cmd.OutOrStdout(), st)
			}
			printStatus(cmd.OutOrStdout(), st)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	return cmd
}

func printReport(w io.Writer, r contactsync.Report) {
	kind := "incremental"
	if r.Full {
		kind = "full"
	}
	fmt.Fprintf(w, "%s sync in %s: from Google %d new, %d changed, %d deleted; to Google %d new, %d changed, %d deleted; %d group changes, %d conflicts, %d retries\n",
		kind, r.Finished.Sub(r.Started).Round(time.Millisecond), r.PulledCreated, r.PulledUpdated, r.PulledDeleted,
		r.PushedCreated, r.PushedUpdated, r.PushedDeleted, r.GroupsChanged, r.Conflicts, r.Retries)
	if r.Error != "" {
		fmt.Fprintln(w, "error:", r.Error)
	}
}

func printStatus(w io.Writer, st contactsync.Status) {
	fmt.Fprintf(w, "connected:       %v\n", st.Connected)
	last := "never"
	if !st.LastSuccess.IsZero() {
		last = st.LastSuccess.Local().Format("2006-01-02 15:04:05")
	}
	fmt.Fprintf(w, "last success:    %s\n", last)
	fmt.Fprintf(w, "linked contacts: %d\n", st.Linked)
	fmt.Fprintf(w, "queued changes:  %d (contacts: %d changed by staff, %d from imports)\n", st.OutboxLength, st.Waiting.Staff, st.Waiting.Bulk)
	if d := st.Drain; d != nil && !d.At.IsZero() {
		fmt.Fprintf(w, "going out:       %.0f contacts/min, %d requests in the minute before %s (pace %d requests/min)\n",
			d.PerMinute, d.RequestsLastMinute, d.At.Local().Format("15:04:05"), d.PacePerMinute)
		if !d.PausedUntil.IsZero() {
			fmt.Fprintf(w, "paused:          Google said slow down (429); nothing is sent before %s\n", d.PausedUntil.Local().Format("15:04:05"))
		}
	}
	if !st.DoneAbout.IsZero() {
		fmt.Fprintf(w, "done about:      %s\n", st.DoneAbout.Local().Format("2006-01-02 15:04"))
	}
	fmt.Fprintf(w, "open conflicts:  %d\n", st.OpenConflicts)
	if st.HeldLocal+st.HeldGoogle > 0 {
		fmt.Fprintf(w, "held:            %d in ringcard, %d in Google (possible duplicates: answer their match conflicts)\n", st.HeldLocal, st.HeldGoogle)
	}
	if st.LastRun != nil {
		fmt.Fprint(w, "last run:        ")
		printReport(w, *st.LastRun)
	}
	if st.LastError != "" {
		fmt.Fprintf(w, "last error:      %s (%s)\n", st.LastError, st.LastErrorAt.Local().Format("2006-01-02 15:04:05"))
	}
}
