package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// A call's start looks for the SIM's earlier open call in the partial
// index of open calls: on an index of every call with no outcome (the
// server's own closes keep it empty) it read them all on each start.
func TestCallStartFindsOpenCallsByIndex(t *testing.T) {
	db := openStore(t, t.TempDir()+"/ringcard.db")
	plan, err := db.PlanForTest(context.Background(), sqlite.CloseOnNextCallQueryForTest, "phone", 1, "call", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "USING INDEX calls_unended_sim (device_id=? AND sim_slot=?)") {
		t.Fatalf("the start's search for open calls: %s", plan)
	}
}
