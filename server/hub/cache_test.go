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
		if err := json.Unmarshal(tc.c.payload(), &got); err != nil {
			t.Fatal(err)
		}
		if got.ContactID != tc.want.ContactID || got.Rev != tc.want.Rev || got.BaseRev != tc.want.BaseRev || !slices.Equal(got.Changed, tc.want.Changed) {
			t.Errorf("rev %d: got %+v, want %+v", tc.want.Rev, got, tc.want)
		}
		if again := tc.c.payload(); string(again) != string(tc.c.payload()) || tc.c.prev != nil {
			t.Errorf("rev %d: the payload is not kept once encoded", tc.want.Rev)
		}
	}
}
