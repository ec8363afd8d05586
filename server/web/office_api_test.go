package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestOfficeAPIs signs an office user in and uses the JSON endpoints other
// parts mount on the office group: phone health, click-to-call, the live
// feed and the Google sync status.
func TestOfficeAPIs(t *testing.T) {
	e := newEnv(t)
	ph := e.phone(t, "Giulia")
	c := httpClient(t)
	status, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	if status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", status)
	}

	var devs struct {
		Devices []struct {
			ID        string `json:"id"`
			Name      string `json:"name"`
			Connected bool   `json:"connected"`
		} `json:"devices"`
	}
	getJSON(t, c, e.URL+"/api/v1/office/devices", &devs)
	if len(devs.Devices) != 1 || devs.Devices[0].Name != "Giulia" || devs.Devices[0].Connected {
		t.Fatalf("devices = %+v, want Giulia, offline", devs)
	}

	// The live feed sees the phone's call.
	jar := c.Jar
	u := "ws" + strings.TrimPrefix(e.URL, "http") + "/api/v1/office/live"
	h := http.Header{"Origin": {e.URL}}
	for _, ck := range jar.Cookies(mustURL(t, e.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	live, _, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		t.Fatalf("live feed: %v", err)
	}
	defer live.Close()
	var snap map[string]any
	if err := live.ReadJSON(&snap); err != nil || snap["type"] != "snapshot" {
		t.Fatalf("first live frame = %v %v, want the snapshot", snap, err)
	}
	if _, err := ph.StartCall(context.Background(), incoming("06 4281 1822")); err != nil {
		t.Fatal(err)
	}
	_ = live.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ev struct {
		Type string `json:"type"`
		Call struct {
			DisplayName string `json:"display_name"`
			By          string `json:"by"`
		} `json:"call"`
	}
	if err := live.ReadJSON(&ev); err != nil || ev.Type != "call.started" || ev.Call.DisplayName != "Silvia Santoro" || ev.Call.By != "Giulia" {
		t.Errorf("live event = %+v %v", ev, err)
	}

	// Click-to-call needs the CSRF token like any change.
	body := `{"device_id":"` + devs.Devices[0].ID + `","number":"06 4281 1822","sim_slot":1}`
	if st := post(t, c, e.URL+"/api/v1/office/dial", body, ""); st != http.StatusForbidden {
		t.Errorf("dial without CSRF token: %d, want 403", st)
	}
	if st := post(t, c, e.URL+"/api/v1/office/dial", body, csrf); st != http.StatusAccepted {
		t.Errorf("dial: %d, want 202", st)
	}
	var sync map[string]any
	getJSON(t, c, e.URL+"/api/v1/office/sync/status", &sync)
	if sync["connected"] != false {
		t.Errorf("sync status = %v, want not connected", sync)
	}
	// Without a session: 401.
	resp, err := http.Get(e.URL + "/api/v1/office/devices")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("devices without a session: %d", resp.StatusCode)
	}
}

func getJSON(t *testing.T, c *http.Client, u string, v any) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

func post(t *testing.T, c *http.Client, u, body, csrf string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
