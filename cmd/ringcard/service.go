package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard/deploy"
)

func serviceCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "service", Short: "Run ringcard as a systemd service"}
	u := deploy.Defaults
	var unitPath string
	var printOnly bool
	install := &cobra.Command{
		Use:   "install",
		Short: "Make the system user and data directory and write the systemd unit (--print: only show the unit)",
		Long: `Write a systemd unit that runs ringcard as its own unprivileged user, with a data directory
only that user can open, restart on failure and systemd's sandboxing. As root it also makes the
user (no login shell) and the data directory (0700, owned by the user). With --print it only prints
the unit, as any user. --addr sets where the service listens (default ` + deploy.Defaults.Addr + `).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a := *g.flags["addr"]; a != "" {
				u.Addr = a
			}
			if printOnly {
				text, err := u.Render()
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(cmd.OutOrStdout(), text)
				return err
			}
			return deploy.Install(u, unitPath, cmd.OutOrStdout())
		},
	}
	f := install.Flags()
	f.StringVar(&u.User, "user", u.User, "the system user (and group) the service runs as")
	f.StringVar(&u.DataDir, "data-dir", u.DataDir, "its data directory: the database, backups, keys and ringcard.json")
	f.StringVar(&u.Binary, "binary", u.Binary, "the ringcard executable the unit runs")
	f.StringVar(&unitPath, "unit", "/etc/systemd/system/ringcard.service", "where the unit is written")
	f.BoolVar(&printOnly, "print", false, "print the unit and change nothing (no root needed)")
	cmd.AddCommand(install)
	return cmd
}
