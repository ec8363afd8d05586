package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestFlagHelpNames: pflag reads a `quoted` word in a flag's usage as the
// name of its value, so `ringcard devices pair` in a usage once printed
// "--server ringcard devices pair" in every simulate command's help. Every
// flag of every command must print a one-word value name.
func TestFlagHelpNames(t *testing.T) {
	seen := map[*pflag.Flag]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		check := func(f *pflag.Flag) {
			if seen[f] {
				return
			}
			seen[f] = true
			if name, _ := pflag.UnquoteUsage(f); strings.ContainsAny(name, " \t") {
				t.Errorf("%s --%s: help prints the value as %q (a `quoted` phrase in the usage)", c.CommandPath(), f.Name, name)
			}
		}
		c.LocalFlags().VisitAll(check)
		c.PersistentFlags().VisitAll(check)
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(rootCmd())
}
