package web_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/server/dataio"
	"github.com/ringcard/ringcard/server/web"
)

// postFile sends the import form with a file, as a browser does.
func postFile(t *testing.T, c *http.Client, base, csrf, name string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf != "" {
		_ = mw.WriteField("csrf", csrf)
	}
	_ = mw.WriteField("format", "")
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	resp, err := c.Post(base+"/data/import", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var uploadRE = regexp.MustCompile(`name="upload" value="([0-9a-f]+)"`)

// The office imports its workbook from the web view: the file is checked
// first (nothing written), then imported with one click; the import is in
// the audit log under the staff member; the check belongs to whoever sent
// it; a file that is not contacts is refused with a reason.
func TestImportFromTheWebView(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	_, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	ctx := context.Background()
	data, err := os.ReadFile("../../testdata/import/office-clients.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	found := func(name string) int {
		hits, err := e.DB.Search(ctx, sqlite.SearchQuery{Text: name})
		if err != nil {
			t.Fatal(err)
		}
		return len(hits)
	}
	before := found("Ciro Esposito")

	if st, _ := postFile(t, c, e.URL, "", "office-clients.xlsx", data); st != http.StatusForbidden {
		t.Errorf("upload without the CSRF token: status %d, want 403", st)
	}
	st, page := postFile(t, c, e.URL, csrf, "office-clients.xlsx", data)
	if st != http.StatusOK {
		t.Fatalf("check: status %d\n%s", st, page)
	}
	for _, want := range []string{"Nothing is written yet", "Ragione sociale", "Ciro Esposito", "read as 0815550123"} {
		if !strings.Contains(page, want) {
			t.Errorf("the check page lacks %q", want)
		}
	}
	if found("Ciro Esposito") != before {
		t.Fatalf("the check wrote contacts")
	}
	m := uploadRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the check page offers no Import now")
	}
	// The office overrides a column: "Ragione sociale" (C) is not to be read.
	st, page = postForm(t, c, e.URL+"/data/import", url.Values{"csrf": {csrf}, "upload": {m[1]}, "map_C": {"ignore"}})
	if st != http.StatusOK || !regexp.MustCompile(`(?s)name="map_C".*?<option value="ignore" selected>`).MatchString(page) {
		t.Fatalf("check again with C ignored: status %d, the page does not show C read as ignore", st)
	}

	// Someone else cannot import my checked file.
	hash, _ := web.HashPassword("another pass 77", 8)
	if err := e.DB.AddUser(ctx, &sqlite.User{Login: "marta", Name: "Marta", PasswordHash: hash, Lang: "en", Role: sqlite.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	other := httpClient(t)
	_, otherCSRF := signIn(t, other, e.URL, "marta", "another pass 77")
	if st, _ := postForm(t, other, e.URL+"/data/import/apply", url.Values{"csrf": {otherCSRF}, "upload": {m[1]}}); st != http.StatusUnprocessableEntity {
		t.Errorf("another user's Import now: status %d, want 422", st)
	}

	st, page = postForm(t, c, e.URL+"/data/import/apply", url.Values{"csrf": {csrf}, "upload": {m[1]}})
	if st != http.StatusOK || !strings.Contains(page, "Imported office-clients.xlsx") {
		t.Fatalf("import: status %d\n%s", st, page)
	}
	if found("Ciro Esposito") != before+1 {
		t.Errorf("after the import Ciro Esposito is found %d times, want %d", found("Ciro Esposito"), before+1)
	}
	hits, _ := e.DB.Search(ctx, sqlite.SearchQuery{Text: "Ciro Esposito"})
	for _, h := range hits {
		if h.Contact.Company == "Esposito & Figli" {
			t.Errorf("the company column was imported though the office mapped it to ignore")
		}
	}
	audit, err := e.DB.Audit(ctx, sqlite.AuditFilter{ActorName: "Anna Bianchi", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) == 0 {
		t.Errorf("the import is not in the audit log under the staff member")
	}
	if st, _ := postForm(t, c, e.URL+"/data/import/apply", url.Values{"csrf": {csrf}, "upload": {m[1]}}); st != http.StatusUnprocessableEntity {
		t.Errorf("the same Import now twice: status %d, want 422 (imported once)", st)
	}

	// A picture named like a workbook is refused with what it is.
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
	st, page = postFile(t, c, e.URL, csrf, "clients.xlsx", png)
	if st < 400 || st >= 500 || !strings.Contains(page, `id="data-error"`) {
		t.Errorf("a PNG upload: status %d, want a 4xx with the reason on the page", st)
	}
}

// Export downloads everything: a workbook that reads back with every
// contact and the history, or a zip with the CSV (or vCard) and its history.
func TestExportFromTheWebView(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	signIn(t, c, e.URL, testLogin, testPassword)
	ctx := context.Background()
	var live int
	if err := e.DB.EachContact(ctx, func(*contacts.Contact) error { live++; return nil }); err != nil {
		t.Fatal(err)
	}
	get := func(format string) (*http.Response, []byte) {
		resp, err := c.Get(e.URL + "/data/export?format=" + format)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := get("xlsx")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("xlsx export: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	src, err := dataio.Read("export.xlsx", body, dataio.ReadOptions{Region: "IT"})
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Records) != live || src.HistoryRows == 0 {
		t.Errorf("the workbook reads back %d contacts and %d history lines, want %d and some", len(src.Records), src.HistoryRows, live)
	}
	for _, format := range []string{"csv", "vcf"} {
		resp, body := get(format)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("%s export: %d %s", format, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatalf("%s export is not a zip: %v", format, err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		if len(names) != 2 || !strings.HasSuffix(names[0], "."+format) || !strings.HasSuffix(names[1], "-history.csv") {
			t.Errorf("%s zip holds %v, want the contacts file and its history", format, names)
		}
	}
	if resp, _ := get("pdf"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("export as pdf: status %d, want 400", resp.StatusCode)
	}
}

// A file over the limit is refused before it is read, with the reason on
// the import page (not a bare error page).
func TestImportTooLarge(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	_, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	u, _ := url.Parse(e.URL)
	var cookies []string
	for _, ck := range c.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Claims 200 MB; sends only the start: the server must answer from the headers.
	fmt.Fprintf(conn, "POST /data/import HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nX-CSRF-Token: %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n--x\r\n",
		u.Host, strings.Join(cookies, "; "), csrf, 200<<20)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), `id="data-error"`) || !strings.Contains(string(body), "split it") {
		t.Errorf("a 200 MB upload: status %d, want 413 with the reason on the import page", resp.StatusCode)
	}
}

// A workbook with two sheets, as an office suite saves it: the check page
// lists both with their rows and says the second is not imported; the
// office ticks it and the sheet-name groups, checks again (each sheet's
// columns shown, its rows named Sheet!row) and imports both.
func TestImportEverySheetFromTheWebView(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	_, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	ctx := context.Background()
	data, err := os.ReadFile("../../testdata/import/office-suite.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	st, page := postFile(t, c, e.URL, csrf, "office-suite.xlsx", data)
	if st != http.StatusOK {
		t.Fatalf("check: status %d\n%s", st, page)
	}
	sheetRow := regexp.MustCompile(`(?s)<tr class="sheet-(read|not)"><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td>`)
	got := map[string]string{}
	for _, m := range sheetRow.FindAllStringSubmatch(page, -1) {
		got[m[2]] = m[1] + " " + m[3] + " " + m[4]
	}
	if got["Clienti"] != "read 3 3" || got["Fornitori"] != "not 2 2" {
		t.Fatalf("the check page lists the sheets as %v, want Clienti read 3 3 and Fornitori not 2 2", got)
	}
	if !strings.Contains(page, "Checked office-suite.xlsx: 3 would be created") {
		t.Errorf("the first check does not plan the first sheet's 3 contacts")
	}
	if !strings.Contains(page, `name="map_Clienti!A"`) {
		t.Errorf("the first check of a two-sheet workbook does not name its column choices by sheet")
	}
	m := uploadRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the check page offers no Import now")
	}
	// As the browser sends the form: the first sheet's choices as shown,
	// Fornitori ticked.
	st, page = postForm(t, c, e.URL+"/data/import", url.Values{"csrf": {csrf}, "upload": {m[1]}, "sheets_shown": {"1"},
		"sheet": {"Clienti", "Fornitori"}, "sheet_group": {"1"}, "map_Clienti!A": {"given"}, "map_Clienti!B": {"family"}, "map_Clienti!C": {"company"}})
	if st != http.StatusOK {
		t.Fatalf("check again with both sheets: status %d\n%s", st, page)
	}
	for _, want := range []string{"Checked office-suite.xlsx: 5 would be created", "Fornitori!2", `name="map_Fornitori!D"`, `name="map_Clienti!E"`, `id="sheet-group" checked`} {
		if !strings.Contains(page, want) {
			t.Errorf("the check with both sheets lacks %q", want)
		}
	}
	if strings.Contains(page, "dropped number") {
		t.Errorf("a choice made for the first sheet's columns was applied to the second's:\n%s", page)
	}
	st, page = postForm(t, c, e.URL+"/data/import/apply", url.Values{"csrf": {csrf}, "upload": {m[1]}})
	if st != http.StatusOK || !strings.Contains(page, "Imported office-suite.xlsx: 5 created") {
		t.Fatalf("import: status %d\n%s", st, page)
	}
	for name, group := range map[string]string{"Paolo Conti": "Fornitori", "Giulia Bianchi": "Clienti"} {
		hits, err := e.DB.Search(ctx, sqlite.SearchQuery{Text: name})
		if err != nil || len(hits) != 1 {
			t.Fatalf("%s after the import: %d found, %v", name, len(hits), err)
		}
		if g := hits[0].Contact.Groups; len(g) != 1 || g[0] != group {
			t.Errorf("%s is in groups %v, want [%s]", name, g, group)
		}
		if n := len(hits[0].Contact.Numbers); n != 2 {
			t.Errorf("%s has %d numbers, want 2 (both phone columns)", name, n)
		}
		if len(hits[0].Contact.Emails) != 1 {
			t.Errorf("%s has e-mails %v, want 1", name, hits[0].Contact.Emails)
		}
	}
}
