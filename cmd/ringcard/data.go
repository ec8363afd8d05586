package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server"
	"github.com/ringcard/ringcard/server/backup"
	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/dataio"
)

// dataCmds are the commands that move data in and out: import, export,
// backup, restore and duplicates.
func dataCmds(g *globals) []*cobra.Command {
	return []*cobra.Command{importCmd(g), exportCmd(g), backupCmd(g), restoreCmd(g), duplicatesCmd(g)}
}

// cliActor marks what a command changes as done from the server's command
// line (kind "cli", named "command line"), with the operating-system account
// that ran it as its ID: never as an office web account, whose name it could
// otherwise borrow (it used to be $USER, or "admin" when unset, as under
// systemd, which read as the office's admin account in the audit log).
func cliActor(ctx context.Context) context.Context {
	id := ""
	if u, err := user.Current(); err == nil {
		id = u.Username
	} else {
		id = "uid " + strconv.Itoa(os.Getuid())
	}
	return contacts.WithActor(ctx, contacts.Actor{Kind: contacts.ActorCLI, ID: id, Name: "command line"})
}

// openDB loads the config and opens the store.
func (g *globals) openDB(ctx context.Context) (config.Config, *sqlite.DB, error) {
	cfg, err := g.config()
	if err != nil {
		return cfg, nil, err
	}
	db, err := server.OpenStore(ctx, cfg)
	return cfg, db, err
}

func importCmd(g *globals) *cobra.Command {
	var dryRun, asJSON, sheetGroup bool
	var maps, sheets []string
	var format string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import contacts from an Excel workbook, a Google Contacts CSV or a vCard file",
		Long: `Import contacts from FILE: an Excel workbook (.xlsx) with its own column names (English,
Italian or Russian are recognized), a Google Contacts CSV export, any CSV (UTF-8, Windows-1251/1252,
comma or semicolon), or vCard 3.0/4.0 (many cards per file). A contact that shares a number or an
e-mail with one already stored is merged into it, not duplicated. A workbook's sheets are all
listed with their rows; --sheet NAME (repeatable) or --sheet all imports others than the first, and
--sheet-group puts each contact in a group named after its sheet. Phones' vCard exports (Android's
2.1 with quoted-printable names and notes, iPhone's 3.0, Outlook's) are read whole. --dry-run shows what would be
created, merged and skipped, row by row, and writes nothing. A ringcard export (with its history
sheet, or NAME-csv-history.csv / NAME-vcf-history.csv next to it) comes back with its history.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := map[string]string{}
			for _, kv := range maps {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					return fmt.Errorf("--map %q: want COLUMN=FIELD, e.g. --map \"Telefono=work_phone\" or --map D=work_phone", kv)
				}
				m[k] = v
			}
			cfg, db, err := g.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cliActor(cmd.Context())
			out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			start := time.Now()
			src, err := dataio.ReadFile(args[0], dataio.ReadOptions{Format: format, Map: m, Region: cfg.DefaultRegion, Sheets: sheets, SheetGroup: sheetGroup})
			if err != nil {
				return err
			}
			fmt.Fprintf(errw, "read %d rows from %s (%s) in %s\n", len(src.Records), src.Name, src.Format, time.Since(start).Round(time.Millisecond))
			plan, err := dataio.PlanImport(ctx, db, src)
			if err != nil {
				return err
			}
			if !dryRun {
				err = plan.Apply(ctx, db, func(done, total int) {
					fmt.Fprintf(errw, "written %d/%d contacts (%s)\n", done, total, time.Since(start).Round(time.Millisecond))
				})
				if err != nil {
					return err
				}
			}
			if asJSON {
				return printJSON(out, map[string]any{"dry_run": dryRun, "format": src.Format, "columns": src.Columns, "sheets": src.Sheets, "warnings": src.Warnings,
					"created": plan.Created, "merged": plan.Merged, "skipped": plan.Skipped, "rows": plan.Rows,
					"history": src.HistoryRows, "number_history": plan.NumberHistory})
			}
			printPlan(out, src, plan, dryRun)
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what would be created, merged and skipped; write nothing")
	cmd.Flags().StringArrayVar(&maps, "map", nil, "COLUMN=FIELD: read a column (header text, letter or number) as a field; repeatable. Fields: "+strings.Join(dataio.Fields, ", ")+", custom:NAME")
	cmd.Flags().StringVar(&format, "format", "", "xlsx, csv or vcf (default: told by the content)")
	cmd.Flags().StringArrayVar(&sheets, "sheet", nil, "a workbook sheet to import, or all (repeatable; default: the first). Every sheet is listed either way")
	cmd.Flags().BoolVar(&sheetGroup, "sheet-group", false, "put each contact of a workbook in a group named after its sheet")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func printPlan(w io.Writer, src *dataio.Source, plan *dataio.Plan, dryRun bool) {
	for _, warn := range src.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
	printSheets(w, src.Sheets)
	var read []dataio.SheetInfo
	for _, s := range src.Sheets {
		if s.Read && !s.History {
			read = append(read, s)
		}
	}
	if len(read) < 2 {
		read = []dataio.SheetInfo{{HeaderRow: src.HeaderRow, Columns: src.Columns}}
	}
	for _, s := range read {
		if len(s.Columns) == 0 {
			continue
		}
		if s.Name != "" {
			fmt.Fprintf(w, "sheet %q: ", s.Name)
		}
		fmt.Fprintf(w, "header row %d; columns:\n", s.HeaderRow)
		for _, c := range s.Columns {
			fmt.Fprintf(w, "  %-3s %-28q -> %s\n", c.Letter, c.Header, c.Field)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROW\tACTION\tNAME\tREASON")
	for _, r := range plan.Rows {
		if !dryRun && r.Action == dataio.ActionCreate && len(r.Notes) == 0 {
			continue // a real import lists only what needs a look
		}
		reason := r.Reason
		if len(r.Notes) > 0 {
			reason += "; " + strings.Join(r.Notes, "; ")
		}
		if r.History > 0 {
			reason += fmt.Sprintf("; %d history lines", r.History)
		}
		row := fmt.Sprint(r.Row)
		if r.Sheet != "" && r.Sheet != src.Sheet {
			row = r.Sheet + "!" + row
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", row, r.Action, contacts.Truncate(r.Name, 40), reason)
	}
	tw.Flush()
	verb := "imported"
	if dryRun {
		verb = "dry run, nothing written; would import"
	}
	fmt.Fprintf(w, "%s %s: %d created, %d merged into existing contacts, %d skipped; %d history lines",
		verb, src.Name, plan.Created, plan.Merged, plan.Skipped, src.HistoryRows)
	if plan.NumberHistory > 0 {
		fmt.Fprintf(w, " (%d of them calls and notes of numbers without a contact, kept against their number)", plan.NumberHistory)
	}
	fmt.Fprintln(w)
}

// printSheets lists a workbook's sheets, so a sheet not imported is said,
// with how to import it.
func printSheets(w io.Writer, sheets []dataio.SheetInfo) {
	if len(sheets) < 2 {
		return
	}
	fmt.Fprintln(w, "sheets:")
	for _, s := range sheets {
		switch {
		case s.History:
			fmt.Fprintf(w, "  %-20q history: %d lines, imported with the contacts\n", s.Name, s.Rows)
		case s.Read:
			fmt.Fprintf(w, "  %-20q %d rows, %d contacts: imported\n", s.Name, s.Rows, s.Contacts)
		case s.Problem != "":
			fmt.Fprintf(w, "  %-20q %d rows: NOT imported (%s)\n", s.Name, s.Rows, s.Problem)
		default:
			fmt.Fprintf(w, "  %-20q %d rows, %d contacts: NOT imported (add --sheet %q, or --sheet all)\n", s.Name, s.Rows, s.Contacts, s.Name)
		}
	}
}

func exportCmd(g *globals) *cobra.Command {
	var format, outPath string
	cmd := &cobra.Command{
		Use:   "export --format csv|vcf|xlsx [--out PATH]",
		Short: "Export every contact (all fields and groups) and the history",
		Long: `Export every contact with all its fields and groups, and the history (calls, notes, stage
changes): xlsx writes one workbook with a Contacts and a History sheet; csv and vcf write the contacts
file plus its history next to it (contacts.csv: contacts-csv-history.csv; contacts.vcf:
contacts-vcf-history.csv), so both can share a folder. ringcard import reads any of them back.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if outPath == "" {
				outPath = "ringcard-export-" + time.Now().Format("20060102") + "." + format
			}
			_, db, err := g.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			start := time.Now()
			res, err := dataio.Export(cmd.Context(), db, format, outPath)
			if err != nil {
				return err
			}
			for _, w := range res.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "exported %d contacts and %d history lines in %s to %s\n", res.Contacts, res.History,
				time.Since(start).Round(time.Millisecond), strings.Join(res.Files, " and "))
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "xlsx", "csv, vcf or xlsx")
	cmd.Flags().StringVar(&outPath, "out", "", "file to write (default ringcard-export-DATE.FORMAT)")
	return cmd
}

func backupCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "backup",
		Short: "Take a verified backup now (safe while the server runs)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, db, err := g.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			start := time.Now()
			info, removed, err := backup.Run(cmd.Context(), db, cfg, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backup written and verified: %s (%.1f MB, %d contacts, schema %d) in %s\n",
				info.Path, float64(info.Size)/(1<<20), info.Contacts, info.SchemaVersion, time.Since(start).Round(time.Millisecond))
			for _, r := range removed {
				fmt.Fprintln(cmd.OutOrStdout(), "removed old backup", r)
			}
			return nil
		},
	}
}

func restoreCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the database with a backup (stop the server first)",
		Long: `Replace the database with the backup FILE. FILE is checked first (SQLite header and length,
integrity check, schema version): a corrupt, truncated or newer-schema file is refused and nothing
changes. The current database is kept aside as <db>.before-restore-<time>.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.config()
			if err != nil {
				return err
			}
			if sqlite.ServeLocked(cfg.DB) {
				return fmt.Errorf("restore refused: a ringcard server is running on %s (whatever its --addr): stop it before restoring", cfg.DB)
			}
			if server.ServerRunning(cfg) {
				return fmt.Errorf("restore refused: a server answers on %s: stop ringcard serve before restoring", cfg.Addr)
			}
			aside, info, err := sqlite.Restore(cmd.Context(), args[0], cfg.DB, time.Now())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "restored %s into %s: %d contacts, schema %d\n", args[0], cfg.DB, info.Contacts, info.SchemaVersion)
			if aside != "" {
				fmt.Fprintf(out, "the previous database is kept as %s\n", aside)
			}
			db, err := server.OpenStore(cmd.Context(), cfg) // migrates an older backup to this version
			if err != nil {
				return err
			}
			return db.Close()
		},
	}
}

func duplicatesCmd(g *globals) *cobra.Command {
	var merge []string
	var undo int64
	cmd := &cobra.Command{
		Use:   "duplicates [--merge KEEP_ID GONE_ID] [--undo MERGE_ID]",
		Short: "List probable duplicate contacts, merge two, or undo a merge",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, db, err := g.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			ctx, out := cliActor(cmd.Context()), cmd.OutOrStdout()
			switch {
			case len(merge) > 0:
				ids := append(merge, args...)
				if len(ids) != 2 {
					return fmt.Errorf("--merge takes two contact IDs: the one to keep, then the one merged into it")
				}
				id, err := db.MergeContacts(ctx, ids[0], ids[1])
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "merged %s into %s (merge %d; undo with: ringcard duplicates --undo %d)\n", ids[1], ids[0], id, id)
				return nil
			case undo > 0:
				if err := db.UndoMerge(ctx, undo); err != nil {
					return err
				}
				fmt.Fprintf(out, "merge %d undone\n", undo)
				return nil
			}
			pairs, err := db.FindDuplicates(ctx, 0)
			if err != nil {
				return err
			}
			for i, p := range pairs {
				printPair(out, i+1, p)
			}
			fmt.Fprintf(out, "%d probable duplicates. Merge one with: ringcard duplicates --merge KEEP_ID GONE_ID\n", len(pairs))
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&merge, "merge", nil, "KEEP_ID GONE_ID: merge the second contact into the first")
	cmd.Flags().Int64Var(&undo, "undo", 0, "undo the merge with this ID")
	return cmd
}

// printPair shows two contacts side by side.
func printPair(w io.Writer, n int, p sqlite.DuplicatePair) {
	lines := func(c *contacts.Contact) []string {
		l := []string{c.Name(), c.ID}
		if c.Company != "" {
			l = append(l, c.Company)
		}
		for _, num := range c.Numbers {
			l = append(l, num.Raw)
		}
		for _, e := range c.Emails {
			l = append(l, e.Address)
		}
		return l
	}
	a, b := lines(p.A), lines(p.B)
	fmt.Fprintf(w, "%d. %s\n", n, strings.Join(p.Reasons, ", "))
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	for i := 0; i < max(len(a), len(b)); i++ {
		fmt.Fprintf(tw, "   %s\t| %s\n", pick(a, i), pick(b, i))
	}
	tw.Flush()
}

func pick(s []string, i int) string {
	if i < len(s) {
		return contacts.Truncate(s[i], 45)
	}
	return ""
}
