package main

import (
	"fmt"
	"log/slog"
	"net"
	"os"

	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard"
	"github.com/ringcard/ringcard/server"
)

func serveCmd(g *globals) *cobra.Command {
	var demo bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server",
		Long:  "Run the ringcard server. With nothing configured it uses ./ringcard.db and listens on 127.0.0.1:8080.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config()
			if err != nil {
				return err
			}
			if demo {
				cfg.Demo = true
			}
			log := server.NewLogger(cfg, os.Stderr)
			slog.SetDefault(log) // the store's background work logs through it
			ctx := cmd.Context()
			unlock, err := server.LockServe(cfg) // one server per database file, whatever its --addr
			if err != nil {
				return err
			}
			defer unlock()
			db, err := server.OpenStore(ctx, cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			if cfg.Demo {
				n, err := server.LoadDemo(ctx, db, ringcard.DemoData)
				if err != nil {
					return err
				}
				if n > 0 {
					log.Info("demo data loaded", "contacts", n)
				}
			}
			srv, err := server.New(ctx, cfg, db, log)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", cfg.Addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
			}
			cfg.Addr = ln.Addr().String() // the real port, when :0 was asked
			if err := server.RecordBaseURL(ctx, db, cfg.BaseURL()); err != nil {
				return err
			}
			count, _ := db.ContactCount(ctx)
			google, fcm := "off (not connected: see `ringcard google connect`)", "off: phones are reached over websocket only (no fcm.project_id)"
			if cfg.Google.Connected() {
				google = "on"
			}
			if cfg.FCM.Enabled() {
				fcm = "on, project " + cfg.FCM.ProjectID
			}
			log.Info("ringcard is running", "url", "http://"+ln.Addr().String(), "db", cfg.DB, "contacts", count, "google_sync", google, "fcm", fcm)
			srv.StartBackups(ctx)
			srv.StartFollowups(ctx)
			srv.StartGoogle(ctx)
			err = srv.Serve(ctx, ln)
			log.Info("ringcard stopped", "err", err)
			return err
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "load the demo data set into an empty database (env RINGCARD_DEMO=true)")
	return cmd
}
