package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/web"
)

func usersCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "users", Short: "Add, list, disable accounts of the office web view, set their roles and passwords, unlock them"}
	var name, lang, role string
	var stdin bool
	add := &cobra.Command{
		Use:   "add LOGIN",
		Short: "Add an account; the password is asked for (or read with --password-stdin). The first account is an admin",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withDB(cmd, g, func(ctx context.Context, cfg config.Config, db *sqlite.DB) error {
				hash, err := readPassword(cmd, stdin, cfg.Web.MinPassword)
				if err != nil {
					return err
				}
				u := &sqlite.User{Login: args[0], Name: name, PasswordHash: hash, Lang: lang, Role: role}
				if err := db.AddUser(ctx, u); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Added %s (%s), %s. Sign in at %s/\n", u.Login, u.Name, u.Role, server.PairBaseURL(ctx, db, cfg))
				return nil
			})
		},
	}
	add.Flags().StringVar(&name, "name", "", "the name shown in history and the audit log (default: the login)")
	add.Flags().StringVar(&lang, "lang", "", "en, ru or it (default: the browser's language)")
	add.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from the first line of standard input")
	add.Flags().StringVar(&role, "role", "", "admin or staff (default: admin for the first account, staff after)")

	passwd := &cobra.Command{
		Use:   "passwd LOGIN",
		Short: "Set an account's password (ends its sessions)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withDB(cmd, g, func(ctx context.Context, cfg config.Config, db *sqlite.DB) error {
				if _, err := db.UserByLogin(ctx, args[0]); err != nil { // before asking for a password
					return err
				}
				hash, err := readPassword(cmd, stdin, cfg.Web.MinPassword)
				if err != nil {
					return err
				}
				if err := db.SetUserPassword(ctx, args[0], hash, ""); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Password of %s changed; its sessions were ended, its browsers' device cookies no longer count and its failed sign-ins were forgotten.\n", args[0])
				return nil
			})
		},
	}
	passwd.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from the first line of standard input")

	var enable bool
	disable := &cobra.Command{
		Use:   "disable LOGIN",
		Short: "Disable an account (ends its sessions); --enable turns it back on",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withDB(cmd, g, func(ctx context.Context, _ config.Config, db *sqlite.DB) error {
				if err := db.SetUserDisabled(ctx, args[0], !enable); err != nil {
					return err
				}
				state := "disabled"
				if enable {
					state = "enabled"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s.\n", args[0], state)
				return nil
			})
		},
	}
	disable.Flags().BoolVar(&enable, "enable", false, "enable the account again")

	roleCmd := &cobra.Command{
		Use:   "role LOGIN admin|staff",
		Short: "Make an account an admin or staff (ends its sessions); the last active admin stays admin",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withDB(cmd, g, func(ctx context.Context, _ config.Config, db *sqlite.DB) error {
				if err := db.SetUserRole(ctx, args[0], args[1]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s is now %s.\n", args[0], args[1])
				return nil
			})
		},
	}

	unlock := &cobra.Command{
		Use:   "unlock LOGIN",
		Short: "Forget an account's failed sign-ins, so that nobody waits to sign in to it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withDB(cmd, g, func(ctx context.Context, _ config.Config, db *sqlite.DB) error {
				if err := db.UnlockUser(ctx, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s unlocked: its failed sign-ins are forgotten.\n", args[0])
				return nil
			})
		},
	}

	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withDB(cmd, g, func(ctx context.Context, _ config.Config, db *sqlite.DB) error {
				users, err := db.Users(ctx)
				if err != nil {
					return err
				}
				return printUsers(cmd.OutOrStdout(), users, asJSON)
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.AddCommand(add, list, disable, passwd, roleCmd, unlock)
	return cmd
}

func printUsers(w io.Writer, users []*sqlite.User, asJSON bool) error {
	type row struct {
		Login    string `json:"login"`
		Name     string `json:"name"`
		Role     string `json:"role"`
		Lang     string `json:"lang"`
		Created  string `json:"created_at"`
		Disabled bool   `json:"disabled"`
	}
	rows := []row{}
	for _, u := range users {
		rows = append(rows, row{u.Login, u.Name, u.Role, u.Lang, u.CreatedAt.Local().Format("2006-01-02 15:04"), u.Disabled()})
	}
	if asJSON {
		return printJSON(w, rows)
	}
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "No accounts yet. Add one with: ringcard users add LOGIN --name \"Full Name\"")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LOGIN\tNAME\tROLE\tLANG\tCREATED\tSTATUS")
	for _, r := range rows {
		status := "active"
		if r.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Login, r.Name, r.Role, r.Lang, r.Created, status)
	}
	return tw.Flush()
}

// readPassword reads a new password from a terminal prompt (twice) or the
// first line of standard input, and hashes it.
func readPassword(cmd *cobra.Command, fromStdin bool, minLen int) (string, error) {
	var pw string
	switch {
	case fromStdin:
		line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	case isTerminal(os.Stdin):
		in := bufio.NewReader(os.Stdin)
		a, err := promptHidden(cmd.ErrOrStderr(), in, "Password: ")
		if err != nil {
			return "", err
		}
		b, err := promptHidden(cmd.ErrOrStderr(), in, "Again: ")
		if err != nil {
			return "", err
		}
		if a != b {
			return "", errors.New("the passwords differ")
		}
		pw = a
	default:
		return "", errors.New("no terminal to ask the password on: pipe it in with --password-stdin")
	}
	return web.HashPassword(pw, minLen)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// promptHidden asks for a line with the terminal's echo off (stty).
func promptHidden(w io.Writer, in *bufio.Reader, prompt string) (string, error) {
	fmt.Fprint(w, prompt)
	stty := func(arg string) error {
		c := exec.Command("stty", arg)
		c.Stdin = os.Stdin
		return c.Run()
	}
	if err := stty("-echo"); err != nil {
		return "", fmt.Errorf("turn off terminal echo (use --password-stdin instead): %w", err)
	}
	line, err := in.ReadString('\n')
	_ = stty("echo")
	fmt.Fprintln(w)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
