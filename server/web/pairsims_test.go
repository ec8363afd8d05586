package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	protocol "github.com/ringcard/ringcard/mobile-protocol"
	"github.com/ringcard/ringcard/mobile-protocol/client"
)

var pairCodeRE = regexp.MustCompile(`id="pair-code">([A-Z0-9-]+)<`)

// The pairing dialog asks each SIM's policy; the phone that pairs with the
// code gets them. A SIM left to its name follows it.
func TestPairingDialogAsksSIMPolicies(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	_, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	page := getPage(t, c, e.URL+"/devices")
	for _, want := range []string{`name="sim1"`, `name="sim2"`, `<option value="ignore">`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the pairing form lacks %s", want)
		}
	}
	st, body := postForm(t, c, e.URL+"/devices/pair", url.Values{"csrf": {csrf}, "name": {"Paolo"}, "sim1": {"ignore"}, "sim2": {""}})
	m := pairCodeRE.FindStringSubmatch(body)
	if st != http.StatusOK || m == nil {
		t.Fatalf("pairing dialog answered %d without a code:\n%s", st, body)
	}
	ph := client.New(e.URL, "")
	ctx := context.Background()
	resp, err := ph.Pair(ctx, protocol.PairRequest{Code: m[1], DeviceName: "Paolo", Platform: "android",
		SIMs: []protocol.SIM{{Slot: 1, Label: "Vendite"}, {Slot: 2, Label: "Privata"}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.DB.Device(ctx, resp.DeviceID)
	if err != nil {
		t.Fatal(err)
	}
	if p1, p2 := d.SIMs[0].EffectivePolicy(), d.SIMs[1].EffectivePolicy(); p1 != "ignore" || p2 != "private" {
		t.Errorf("policies = %s, %s; want ignore (chosen) and private (its name)", p1, p2)
	}
	if st, body := postForm(t, c, e.URL+"/devices/pair", url.Values{"csrf": {csrf}, "name": {"Rita"}, "sim1": {"sometimes"}}); st != http.StatusBadRequest || !strings.Contains(body, "work, private or ignore") {
		t.Errorf("a bad policy answered %d", st)
	}
}
