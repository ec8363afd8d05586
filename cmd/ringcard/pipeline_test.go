package main_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// `ringcard pipeline` shows the stages and sets the office's own; a bad
// set is refused and changes nothing.
func TestPipelineCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ringcard.db")
	if out := run(t, "pipeline", "--db", db); !strings.Contains(out, "new -> quoted -> ordered -> paid -> done") {
		t.Fatalf("default pipeline:\n%s", out)
	}
	out := run(t, "pipeline", "--db", db, "--stages", "New, quoted, sample sent, ordered, paid")
	if !strings.Contains(out, "new -> quoted -> sample sent -> ordered -> paid") || !strings.Contains(out, "order:  ordered") {
		t.Fatalf("after setting:\n%s", out)
	}
	bad, err := exec.Command(binary(t), "pipeline", "--db", db, "--stages", "only").CombinedOutput()
	if err == nil || !strings.Contains(string(bad), "between 2 and 20") {
		t.Errorf("one stage: %v\n%s", err, bad)
	}
	if out := run(t, "pipeline", "--db", db, "--json"); !strings.Contains(out, `"sample sent"`) {
		t.Errorf("the refused set changed the pipeline:\n%s", out)
	}
}
