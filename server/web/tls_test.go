package web_test

import (
	"crypto/tls"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/server/config"
	"github.com/ringcard/ringcard/server/tlsconf"
)

// On ringcard's own certificate, the phones page shows the certificate's
// SHA-256 fingerprint exactly as the browser sees it (so a person can
// compare before accepting the warning) and the key's pin, and the
// pairing page shows the pin next to the code.
func TestPhonesPageShowsTheFingerprintTheBrowserSees(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.TLS.Mode = tlsconf.ModeSelfSigned })
	if !strings.HasPrefix(e.URL, "https://") {
		t.Fatalf("URL %s: want https", e.URL)
	}
	var seen string // what the "browser" was shown, taken from its own handshake
	c := httpClient(t)
	c.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, // the person accepts the warning
		VerifyConnection: func(cs tls.ConnectionState) error {
			seen = tlsconf.Fingerprint(cs.PeerCertificates[0].Raw)
			return nil
		}}}
	_, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	resp, err := c.Get(e.URL + "/devices")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := html.UnescapeString(string(raw)) // html/template writes a pin's + as &#43;
	if seen == "" || !strings.Contains(body, `id="tls-fingerprint" class="fingerprint">`+seen+`<`) {
		t.Fatalf("phones page does not show the fingerprint the browser saw (%s)", seen)
	}
	pin := e.Srv.Transport().Pin
	if !strings.Contains(body, pin) {
		t.Errorf("phones page does not show the pin %s", pin)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("no HSTS on the page")
	}
	resp, err = c.PostForm(e.URL+"/devices/pair", url.Values{"name": {"Luca"}, "csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	body = html.UnescapeString(string(raw))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="pair-pin" class="fingerprint">`+pin+`<`) {
		t.Fatalf("pairing page (%d) does not show the pin %s", resp.StatusCode, pin)
	}
}

// On loopback, plain: the page says so and shows no fingerprint.
func TestPhonesPagePlainOnLoopback(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	signIn(t, c, e.URL, testLogin, testPassword)
	resp, err := c.Get(e.URL + "/devices")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "tls-fingerprint") || !strings.Contains(string(body), "plain HTTP") {
		t.Fatalf("loopback phones page: want the plain-HTTP note and no fingerprint")
	}
}
