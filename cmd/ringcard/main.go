// Command ringcard is the caller-ID client-card server for small offices,
// its admin commands and a phone simulator. It only wires packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/server/config"
)

func main() {
	privateUmask()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := rootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "ringcard:", humanError(err))
		os.Exit(1)
	}
}

// humanError is err as a person reads it: a domain error's words without
// its API code ("invalid_request: ..." is for programs).
func humanError(err error) string {
	var de *contacts.Error
	if !errors.As(err, &de) {
		return err.Error()
	}
	return strings.Replace(err.Error(), de.Code+": "+de.Message, de.Message, 1)
}

// globals are the flags every command that touches the database shares.
type globals struct {
	configFile string
	flags      map[string]*string // config key -> flag value, set only when given
}

func rootCmd() *cobra.Command {
	g := &globals{flags: map[string]*string{}}
	root := &cobra.Command{
		Use:           "ringcard",
		Short:         "Caller-ID client cards for a small office's phones",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&g.configFile, "config", "", "JSON config file (default: ringcard.json if present; env RINGCARD_CONFIG)")
	g.stringFlag(root, "db", "SQLite database file (env RINGCARD_DB)")
	g.stringFlag(root, "default_region", "country whose national numbers are read without a prefix, e.g. IT (env RINGCARD_DEFAULT_REGION)")
	g.stringFlag(root, "log_level", "debug, info, warn or error (env RINGCARD_LOG_LEVEL)")
	g.stringFlag(root, "addr", "listen address host:port; 0.0.0.0:8443 to reach phones on the LAN, over HTTPS (env RINGCARD_ADDR)")
	g.stringFlag(root, "public_url", "URL phones reach the server at, put in pairing QR codes (env RINGCARD_PUBLIC_URL)")
	root.AddCommand(serveCmd(g), devicesCmd(g), simulateCmd(g), configCmd(g), usersCmd(g), googleCmd(g), pipelineCmd(g), serviceCmd(g), messagesCmd(g))
	root.AddCommand(dataCmds(g)...)
	return root
}

func (g *globals) stringFlag(cmd *cobra.Command, key, usage string) {
	name := flagName(key)
	v := cmd.PersistentFlags().String(name, "", usage)
	g.flags[key] = v
}

func flagName(key string) string {
	out := []byte(key)
	for i, c := range out {
		if c == '_' {
			out[i] = '-'
		}
	}
	return string(out)
}

// config loads defaults, the config file, the environment, then flags.
func (g *globals) config() (config.Config, error) {
	path, required := g.configFile, true
	if path == "" {
		path = os.Getenv("RINGCARD_CONFIG")
	}
	if path == "" {
		path, required = "ringcard.json", false
	}
	cfg, err := config.Load(path, required, os.Getenv)
	if err != nil {
		return cfg, err
	}
	for key, v := range g.flags {
		if *v != "" {
			if err := config.Set(&cfg, key, *v); err != nil {
				return cfg, fmt.Errorf("--%s: %w", flagName(key), err)
			}
		}
	}
	return cfg, cfg.Validate()
}

func configCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration (defaults, file, environment, flags; secrets masked)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config()
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), cfg.Effective())
		},
	}
}
