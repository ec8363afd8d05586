package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Staff send one message to a client from the office API; a group send is
// an admin's (403 for staff); the client's messages show who sent what;
// opting a client out is refused for nobody on staff and stops the next send.
func TestOfficeMessagesAndRoles(t *testing.T) {
	e, info := messagingEnv(t)
	staff := httpClient(t)
	st, csrf := signIn(t, staff, e.URL, "sam", testPassword)
	if st != http.StatusSeeOther {
		t.Fatalf("staff sign in: %d", st)
	}
	admin := httpClient(t)
	_, adminCSRF := signIn(t, admin, e.URL, testLogin, testPassword)

	contactID := mobileContact(t, e).ID
	sims := `"sims":[{"device_id":"` + info.DeviceID + `","sim_slot":1}]`
	one := `{"channel":"sms","contact_ids":["` + contactID + `"],` + sims + `,"text":"Buongiorno {first_name}, è pronto. {staff}"}`
	if st := post(t, staff, e.URL+"/api/v1/office/messages/preview", one, csrf); st != http.StatusOK {
		t.Fatalf("staff preview: %d", st)
	}
	if st := post(t, staff, e.URL+"/api/v1/office/messages", one, csrf); st != http.StatusAccepted {
		t.Fatalf("staff single message: %d", st)
	}
	group := `{"channel":"sms","group":"Wholesale",` + sims + `,"text":"Nuovo listino per {company}"}`
	if st := post(t, staff, e.URL+"/api/v1/office/sends", group, csrf); st != http.StatusForbidden {
		t.Errorf("staff group send: %d, want 403", st)
	}
	if st := post(t, admin, e.URL+"/api/v1/office/sends/preview", group, adminCSRF); st != http.StatusOK {
		t.Errorf("admin group preview: %d", st)
	}

	// Templates: an admin sets them, staff use them; the preview fills one
	// on a real contact.
	tpls := `{"templates":[{"name":"ready","language":"it","channel":"sms","text":"Buongiorno {first_name}, il suo ordine è pronto."},` +
		`{"name":"ready","language":"ru","channel":"sms","text":"Здравствуйте, {first_name}! Ваш заказ готов."}]}`
	if st := put(t, staff, e.URL+"/api/v1/office/message-templates", tpls, csrf); st != http.StatusForbidden {
		t.Errorf("staff set templates: %d, want 403", st)
	}
	if st := put(t, admin, e.URL+"/api/v1/office/message-templates", strings.Replace(tpls, "{first_name}", "{nome}", 1), adminCSRF); st != http.StatusBadRequest {
		t.Errorf("a template with an unknown placeholder: %d, want 400", st)
	}
	if st := put(t, admin, e.URL+"/api/v1/office/message-templates", tpls, adminCSRF); st != http.StatusOK {
		t.Fatalf("admin set templates: %d", st)
	}
	var prev struct {
		Recipients []struct{ Text string }   `json:"recipients"`
		Length     struct{ Encoding string } `json:"length"`
	}
	req0, _ := http.NewRequest(http.MethodPost, e.URL+"/api/v1/office/messages/preview", strings.NewReader(
		`{"channel":"sms","contact_ids":["`+contactID+`"],`+sims+`,"template":"ready","language":"ru"}`))
	req0.Header.Set("Content-Type", "application/json")
	req0.Header.Set("X-CSRF-Token", csrf)
	resp0, err := staff.Do(req0)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(resp0.Body).Decode(&prev)
	resp0.Body.Close()
	if len(prev.Recipients) != 1 || !strings.HasPrefix(prev.Recipients[0].Text, "Здравствуйте, ") || strings.Contains(prev.Recipients[0].Text, "{") || prev.Length.Encoding != "ucs2" {
		t.Errorf("template preview %+v", prev)
	}

	var hist struct {
		Messages []struct {
			Text   string `json:"text"`
			Status string `json:"status"`
		} `json:"messages"`
		NoSMS bool `json:"no_sms"`
	}
	getJSON(t, staff, e.URL+"/api/v1/office/contacts/"+contactID+"/messages", &hist)
	if len(hist.Messages) != 1 || !strings.HasSuffix(hist.Messages[0].Text, "è pronto. sam") {
		t.Fatalf("client's messages %+v", hist)
	}

	req, _ := http.NewRequest(http.MethodPut, e.URL+"/api/v1/office/contacts/"+contactID+"/optout", strings.NewReader(`{"no_sms":true}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := staff.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var o map[string]bool
	_ = json.NewDecoder(resp.Body).Decode(&o)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !o["no_sms"] {
		t.Fatalf("opt out: %d %v", resp.StatusCode, o)
	}
	if st := post(t, staff, e.URL+"/api/v1/office/messages", one, csrf); st != http.StatusBadRequest {
		t.Errorf("a message to an opted-out client: %d, want 400", st)
	}
}

func put(t *testing.T, c *http.Client, u, body, csrf string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
