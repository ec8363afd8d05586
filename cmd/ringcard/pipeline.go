package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// pipelineCmd shows or sets the office's order pipeline: the stages an
// order or lead moves through, and the one for a lead that went nowhere.
func pipelineCmd(g *globals) *cobra.Command {
	var stages, lost, order string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "pipeline [--stages a,b,c --lost NAME --order NAME]",
		Short: "Show or set the order pipeline's stages",
		Long: `Show the order pipeline, or set it: --stages lists the stages in order (comma-separated,
lower case, 2 to 20), --lost names the stage for a lead that went nowhere, --order the
first stage that means an order (default: keep the current ones when they still fit).
Phones and the web view offer these stages; moves to other stages are refused. Contacts
already at a stage that is no longer listed keep it until moved.

  ringcard pipeline --stages "new,quoted,sample sent,ordered,paid,done"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, db, err := g.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cliActor(cmd.Context())
			p, err := db.Pipeline(ctx)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("stages") || cmd.Flags().Changed("lost") || cmd.Flags().Changed("order") {
				if cmd.Flags().Changed("stages") {
					p.Stages = nil
					for _, s := range strings.Split(stages, ",") {
						if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
							p.Stages = append(p.Stages, s)
						}
					}
				}
				if cmd.Flags().Changed("lost") {
					p.Lost = strings.ToLower(strings.TrimSpace(lost))
				}
				if cmd.Flags().Changed("order") {
					p.Order = strings.ToLower(strings.TrimSpace(order))
				}
				old := p.Order
				if !cmd.Flags().Changed("order") && !slices.Contains(p.Stages, old) && len(p.Stages) > 1 {
					p.Order = p.Stages[len(p.Stages)/2] // the old one is gone: the middle stage, and say so once stored
				}
				if err := db.SetPipeline(ctx, p); err != nil {
					return err
				}
				if p.Order != old && !cmd.Flags().Changed("order") {
					fmt.Fprintf(cmd.ErrOrStderr(), "the order stage %q is not in the new stages: using %q (set it with --order)\n", old, p.Order)
				}
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), p)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "stages: %s\nlost:   %s\norder:  %s (the first stage that means an order)\n",
				strings.Join(p.Stages, " -> "), p.Lost, p.Order)
			return nil
		},
	}
	cmd.Flags().StringVar(&stages, "stages", "", "the stages in order, comma-separated")
	cmd.Flags().StringVar(&lost, "lost", "", "the stage for a lead that went nowhere")
	cmd.Flags().StringVar(&order, "order", "", "the first stage that means an order")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the pipeline as JSON")
	return cmd
}
