package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ringcard/ringcard/mobile-protocol/client"
	"github.com/ringcard/ringcard/server"
)

// loadCmd is `ringcard simulate load`: many simulated phones at once, for
// the benchmark report.
func loadCmd(g *globals, f *simFlags) *cobra.Command {
	var phones int
	var rate float64
	var dur time.Duration
	var rest bool
	cmd := &cobra.Command{
		Use:   "load --db PATH",
		Short: "Pair many simulated phones, keep their sockets open and place calls at a fixed rate; print call->card latency",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			db, err := server.OpenStore(ctx, cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			numbers, err := db.SomeNumbers(ctx, 10_000)
			if err != nil {
				return err
			}
			if len(numbers) == 0 {
				return fmt.Errorf("the database has no contacts to call: start the server with --demo first")
			}
			to, err := server.PairTargetFor(ctx, db, cfg)
			if err != nil {
				return err
			}
			if f.server != "" {
				to.URL = f.server
			}
			base := to.URL
			codes := make([]string, phones)
			for i := range codes {
				pc, err := server.CreatePairCodeFor(ctx, db, fmt.Sprintf("Load %d", i), to, cfg.PairCodeTTL.D())
				if err != nil {
					return err
				}
				codes[i] = pc.Code
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "pairing %d phones with %s...\n", phones, base)
			var opts []client.Option
			if to.Pin != "" {
				opts = append(opts, client.WithPin(to.Pin))
			}
			fleet, err := client.PairFleet(ctx, base, codes, opts...)
			if err != nil {
				return err
			}
			if err := fleet.Connect(ctx); err != nil {
				return err
			}
			defer fleet.Close()
			fmt.Fprintf(out, "%d phones connected; placing %.0f calls/s for %s over %s\n", phones, rate, dur, map[bool]string{true: "REST", false: "websocket"}[rest])
			res := fleet.Run(ctx, client.LoadConfig{Rate: rate, Duration: dur, OverREST: rest, Number: func(i int) string { return numbers[i%len(numbers)] }})
			fmt.Fprintln(out, res)
			return nil
		},
	}
	cmd.Flags().IntVar(&phones, "phones", 100, "how many phones to pair and connect")
	cmd.Flags().Float64Var(&rate, "rate", 10, "calls per second over all phones")
	cmd.Flags().DurationVar(&dur, "duration", 10*time.Second, "how long to place calls")
	cmd.Flags().BoolVar(&rest, "rest", false, "report calls with POST /calls instead of the websocket")
	return cmd
}
