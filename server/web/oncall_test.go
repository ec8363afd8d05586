package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// While a colleague is on a call with a client, the client's page in the
// office says so, as the phones' cards do.
func TestClientPageShowsOnCall(t *testing.T) {
	e := newEnv(t)
	ph := e.phone(t, "Giulia")
	card, err := ph.StartCall(context.Background(), incoming("06 4281 1822"))
	if err != nil || card.ContactID == nil {
		t.Fatalf("call: %v %+v", err, card)
	}
	c := httpClient(t)
	signIn(t, c, e.URL, testLogin, testPassword)
	page := getPage(t, c, e.URL+"/contacts/"+*card.ContactID)
	if !strings.Contains(page, `data-testid="on-call"`) || !regexp.MustCompile(`On a call with Giulia since \d\d:\d\d<`).MatchString(page) {
		t.Errorf("the client page does not say Giulia is on a call with the client")
	}
	if other := getPage(t, c, e.URL+"/contacts/demo-0001"); strings.Contains(other, `data-testid="on-call"`) {
		t.Errorf("a client nobody is talking to is shown on a call")
	}
}
