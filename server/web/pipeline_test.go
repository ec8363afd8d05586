package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// The pipeline page charts contacts per stage and per staff member and
// lists the interested clients with no order to call back; a client who
// orders leaves that list.
func TestPipelinePage(t *testing.T) {
	e := newEnv(t)
	c := httpClient(t)
	signIn(t, c, e.URL, testLogin, testPassword)
	page := getPage(t, c, e.URL+"/pipeline?days=365&interested=14")
	for _, stage := range []string{"new", "quoted", "ordered", "paid", "done", "lost"} {
		if !strings.Contains(page, `<span class="barlabel">`+stage+`</span>`) {
			t.Errorf("no bar for stage %s", stage)
		}
	}
	if !regexp.MustCompile(`<span class="barcount">[1-9]`).MatchString(page) {
		t.Errorf("every stage bar is empty on the demo data")
	}
	section := page[strings.Index(page, `id="interested"`):]
	m := regexp.MustCompile(`<a href="/contacts/(demo-\d+)">`).FindStringSubmatch(section)
	if m == nil {
		t.Fatalf("nobody interested without an order on the demo data")
	}
	if err := e.DB.SetStage(context.Background(), m[1], "ordered", "Anna Bianchi", ""); err != nil {
		t.Fatal(err)
	}
	page = getPage(t, c, e.URL+"/pipeline?days=365&interested=14")
	if strings.Contains(page[strings.Index(page, `id="interested"`):], `/contacts/`+m[1]+`"`) {
		t.Errorf("%s ordered but is still listed as interested without an order", m[1])
	}
	if !strings.Contains(page, "<td>Anna Bianchi</td>") {
		t.Errorf("no per-staff row for the one who moved it")
	}

	// A stage the pipeline no longer has keeps its contacts on the page.
	leads := regexp.MustCompile(`\((\d+) in progress\)`).FindStringSubmatch(page)
	p := sqlite.Pipeline{Stages: []string{"new", "offer", "ordered", "paid", "done"}, Lost: "lost", Order: "ordered"}
	if err := e.DB.SetPipeline(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	page = getPage(t, c, e.URL+"/pipeline?days=365&interested=14")
	if !strings.Contains(page, `<span class="barlabel">quoted</span>`) {
		t.Errorf("the contacts still at \"quoted\" vanished when the pipeline renamed it")
	}
	if after := regexp.MustCompile(`\((\d+) in progress\)`).FindStringSubmatch(page); leads == nil || after == nil || after[1] != leads[1] {
		t.Errorf("in progress %v before the rename, %v after: want the same", leads, after)
	}
}
