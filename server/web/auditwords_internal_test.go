package web

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Every action the store writes to the audit log is worded in each
// language: the audit page and a client's Recent changes would otherwise
// show the raw code ("order.create") to the office.
func TestEveryAuditActionIsWorded(t *testing.T) {
	files, err := filepath.Glob("../../contacts/sqlite/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("the store's sources: %v %d", err, len(files))
	}
	literal := regexp.MustCompile(`audit\(ctx, tx, [^,]+, "([a-z_.]+)"`)
	assigned := regexp.MustCompile(`action(?: :)?= "([a-z_.]+)"`)
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var found [][][]byte
		found = append(found, literal.FindAllSubmatch(b, -1)...)
		found = append(found, assigned.FindAllSubmatch(b, -1)...)
		for _, m := range found {
			action := string(m[1])
			if action[len(action)-1] == '.' {
				continue // a prefix completed at run time ("message."+status): its ends are listed below
			}
			seen++
			w, ok := words["action."+action]
			if !ok || w[0] == "" || w[1] == "" || w[2] == "" {
				t.Errorf("%s: audit action %q is not worded in every language", filepath.Base(f), action)
			}
		}
	}
	for _, action := range []string{"message.sent", "message.failed"} {
		if _, ok := words["action."+action]; !ok {
			t.Errorf("audit action %q has no words", action)
		}
	}
	if seen < 20 {
		t.Fatalf("found only %d audit actions in the store: the pattern no longer matches its calls", seen)
	}
}
