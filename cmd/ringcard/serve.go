package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/tlsconf"
)

func serveCmd(g *globals) *cobra.Command {
	var demo bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server",
		Long:  "Run the ringcard server. With nothing configured it uses ./ringcard.db and listens on 127.0.0.1:8080.",
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
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
			if err := dbFolderExists(cfg.DB); err != nil {
				return err
			}
			serving := false
			defer removeIfNew(cfg.DB, &err, &serving)() // a failed first start leaves no empty database or lock file
			unlock, err := server.LockServe(cfg)        // one server per database file, whatever its --addr
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
			defer ln.Close()
			cfg.Addr = ln.Addr().String() // the real port, when :0 was asked
			tr := srv.Transport()
			if err := server.RecordPairTarget(ctx, db, server.PairTarget{URL: cfg.BaseURL(), Pin: tr.Pin}); err != nil {
				return err
			}
			logTransport(log, tr, cfg.PublicURL)
			count, _ := db.ContactCount(ctx)
			google, fcm := "off (not connected: see `ringcard google connect`)", "off: phones are reached over websocket only (no fcm.project_id)"
			if cfg.Google.Connected() {
				google = "on"
			}
			if cfg.FCM.Enabled() {
				fcm = "on, project " + cfg.FCM.ProjectID
			}
			log.Info("ringcard is running", "url", cfg.BaseURL(), "db", cfg.DB, "contacts", count, "google_sync", google, "fcm", fcm)
			srv.StartBackups(ctx)
			srv.StartFollowups(ctx)
			srv.StartGoogle(ctx)
			serving = true // from here on the database holds what the office did: never removed
			err = srv.Serve(ctx, ln)
			log.Info("ringcard stopped", "err", err)
			return err
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "load the demo data set into an empty database (env RINGCARD_DEMO=true)")
	return cmd
}

// logTransport says at start how the listener is secured, and warns when
// it is plain because a proxy is said to be in front, or when phones would
// be sent to an address a CA-signed certificate does not name.
func logTransport(log *slog.Logger, tr *tlsconf.Transport, publicURL string) {
	switch tr.Mode {
	case tlsconf.ModePlain:
		return
	case tlsconf.ModeProxy:
		log.Warn("tls: serving plain HTTP because tls.mode is \"proxy\": only a TLS-terminating proxy in front may reach this port; X-Forwarded-Proto is believed from trusted_proxies only")
		return
	}
	attrs := []any{"mode", tr.Mode, "certificate_sha256", tr.Fingerprint()}
	if tr.Pin != "" {
		attrs = append(attrs, "pin", tr.Pin)
	}
	log.Info("tls: serving HTTPS", attrs...)
	if tr.Pin == "" && publicURL == "" {
		log.Warn("tls: phones check this certificate's name, but pairing codes carry this machine's address: set public_url to https://<the certificate's name>")
	}
}

// dbFolderExists names the database's folder when it is missing, rather
// than failing later on the lock file.
func dbFolderExists(dbPath string) error {
	dir := filepath.Dir(dbPath)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the database's folder %s does not exist: create it (mkdir -p %s) or give another --db", dir, dir)
	case err != nil:
		return fmt.Errorf("database folder %s: %w", dir, err)
	case !st.IsDir():
		return fmt.Errorf("%s is not a folder: give another --db", dir)
	}
	return nil
}

// removeIfNew returns a cleanup that, when a start fails before serving
// (*errp set, *serving false: a port in use, a bad setting), removes the
// database, lock and key files the start made (those absent before it);
// files that were there stay untouched, and nothing is removed once the
// server has served.
func removeIfNew(dbPath string, errp *error, serving *bool) func() {
	var made []string
	tls := tlsconf.PathsFor(dbPath)
	for _, p := range []string{dbPath, dbPath + "-wal", dbPath + "-shm", sqlite.LockPath(dbPath), tls.Key, tls.Cert} {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			made = append(made, p)
		}
	}
	return func() {
		if *errp == nil || *serving {
			return
		}
		for _, p := range made {
			_ = os.Remove(p)
		}
	}
}
