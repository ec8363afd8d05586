package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// The client page moves a contact along the office's own pipeline: it
// offers the configured stages and refuses others, as the phones' API does.
func TestStageFollowsThePipeline(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := sqlite.Pipeline{Stages: []string{"new", "quoted", "sample sent", "ordered", "paid"}, Lost: "lost", Order: "ordered"}
	if err := e.DB.SetPipeline(ctx, p); err != nil {
		t.Fatal(err)
	}
	c := httpClient(t)
	_, csrf := signIn(t, c, e.URL, testLogin, testPassword)
	page := getPage(t, c, e.URL+"/contacts/demo-0002")
	if !strings.Contains(page, `<option value="sample sent"`) {
		t.Errorf("the stage list lacks the pipeline's \"sample sent\"")
	}
	if strings.Contains(page, `<option value="done"`) {
		t.Errorf("the stage list offers \"done\", which this pipeline does not have")
	}
	before, _ := e.DB.Contact(ctx, "demo-0002")

	st, _ := postForm(t, c, e.URL+"/contacts/demo-0002/stage", url.Values{"csrf": {csrf}, "stage": {"bogus-stage"}})
	if st != http.StatusBadRequest {
		t.Errorf("a stage outside the pipeline: status %d, want 400", st)
	}
	if got, _ := e.DB.Contact(ctx, "demo-0002"); got.Stage != before.Stage {
		t.Errorf("stage became %q after a refused move", got.Stage)
	}
	if st, _ := postForm(t, c, e.URL+"/contacts/demo-0002/stage", url.Values{"csrf": {csrf}, "stage": {"sample sent"}}); st != http.StatusSeeOther {
		t.Fatalf("a pipeline stage: status %d, want 303", st)
	}
	got, _ := e.DB.Contact(ctx, "demo-0002")
	hist, _ := e.DB.History(ctx, "demo-0002", "", 5, "")
	if got.Stage != "sample sent" || len(hist) == 0 || hist[0].Kind != "stage" || hist[0].By != "Anna Bianchi" {
		t.Errorf("after the move: stage %q, latest history %+v, want sample sent moved by Anna Bianchi", got.Stage, hist[:min(1, len(hist))])
	}
}
