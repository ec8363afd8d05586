package hub

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestCompactIsTheChangeAtItsRev: a card's compact form, encoded only when
// asked for and after later revs were kept, still names the keys that
// changed between the rev kept before it and its own rev; the first rev
// kept has no base.
func TestCompactIsTheChangeAtItsRev(t *testing.T) {
	var r renderCache
	c1 := r.put("c1", 1, []byte(`{"rev":1,"name":"Anna","history":[]}`)).compact
	c2 := r.put("c1", 2, []byte(`{"rev":2,"name":"Anna","history":["note"]}`)).compact
	c3 := r.put("c1", 3, []byte(`{"rev":3,"name":"Anna B.","history":["note"],"debt":"12.00"}`)).compact
	type changed struct {
		ContactID string   `json:"contact_id"`
		Rev       int64    `json:"rev"`
		BaseRev   int64    `json:"base_rev"`
		Changed   []string `json:"changed"`
	}
	for _, tc := range []struct {
		c    *Compact
		want changed
	}{
		{c3, changed{"c1", 3, 2, []string{"debt", "name"}}},
		{c1, changed{"c1", 1, 0, nil}},
		{c2, changed{"c1", 2, 1, []string{"history"}}},
	} {
		var got changed
		first := tc.c.payload()
		if err := json.Unmarshal(first, &got); err != nil {
			t.Fatal(err)
		}
		if got.ContactID != tc.want.ContactID || got.Rev != tc.want.Rev || got.BaseRev != tc.want.BaseRev || !slices.Equal(got.Changed, tc.want.Changed) {
			t.Errorf("rev %d: got %+v, want %+v", tc.want.Rev, got, tc.want)
		}
		// Encoded once: the same bytes again, and the cards it compared let go.
		if again := tc.c.payload(); &again[0] != &first[0] || tc.c.prev != nil || tc.c.cur != nil {
			t.Errorf("rev %d: the payload is not kept once encoded", tc.want.Rev)
		}
	}
}
