package web

import (
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// Result is one search result as the page and the JSON endpoint show it.
type Result struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Company string   `json:"company,omitempty"`
	Numbers []string `json:"numbers"`
	Emails  []string `json:"emails"`
	Groups  []string `json:"groups"`
	Stage   string   `json:"stage,omitempty"`
	// StageName is the stage in the user's language (a default stage
	// translated, the office's own as typed).
	StageName string `json:"stage_name,omitempty"`
	Note      string `json:"note,omitempty"` // the history note it was found through
}

// SearchResponse is the JSON the search box reads.
type SearchResponse struct {
	Query   string   `json:"query"`
	Results []Result `json:"results"`
	TookMS  float64  `json:"took_ms"`
}

// query turns what was typed into a store query: text that looks like a
// phone number is normalized (any format finds it) and its digits matched
// anywhere in the contacts' numbers.
func (h *Handler) query(q string) sqlite.SearchQuery {
	q = strings.TrimSpace(q)
	if len(q) > 200 {
		q = string([]rune(q)[:100])
	}
	digits := 0
	phoneLike := q != ""
	for _, r := range q {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsSpace(r) || strings.ContainsRune("+-().\u00a0/", r):
		default:
			phoneLike = false
		}
	}
	if !phoneLike || digits < 3 {
		return sqlite.SearchQuery{Text: q, Limit: 50}
	}
	sq := sqlite.SearchQuery{Limit: 50}
	if p, err := h.b.Normalizer().Parse(q, ""); err == nil {
		if p.E164 != "" {
			sq.Number = p.E164
		}
		sq.Digits = strings.TrimPrefix(p.Key, "+")
		if d := onlyDigits(q); len(d) < len(sq.Digits) || p.E164 == "" {
			sq.Digits = d // a partial number: match the digits as typed
		}
	} else {
		sq.Digits = onlyDigits(q)
	}
	return sq
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (h *Handler) search(c *gin.Context, q string) ([]Result, error) {
	out := []Result{}
	if strings.TrimSpace(q) == "" {
		return out, nil
	}
	hits, err := h.b.Search(c.Request.Context(), h.query(q))
	if err != nil {
		return nil, err
	}
	lang := h.lang(c)
	for _, hit := range hits {
		r := resultOf(hit)
		r.StageName = stageWord(lang, r.Stage)
		out = append(out, r)
	}
	return out, nil
}

func resultOf(hit sqlite.SearchHit) Result {
	ct := hit.Contact
	r := Result{ID: ct.ID, Name: ct.Name(), Company: ct.Company, Stage: ct.Stage, Groups: ct.Groups,
		Numbers: []string{}, Emails: []string{}, Note: contacts.Truncate(hit.Note, 120)}
	if r.Groups == nil {
		r.Groups = []string{}
	}
	for _, n := range ct.Numbers {
		r.Numbers = append(r.Numbers, n.Raw)
	}
	for _, e := range ct.Emails {
		r.Emails = append(r.Emails, e.Address)
	}
	return r
}

type searchData struct {
	Query   string
	Results []Result
	Start   *startData // what to do next, under the search box
}

func (h *Handler) searchPage(c *gin.Context) error {
	q := c.Query("q")
	res, err := h.search(c, q)
	if err != nil {
		return err
	}
	start, err := h.startPage(c)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "search", searchData{Query: q, Results: res, Start: start})
}

func (h *Handler) searchJSON(c *gin.Context) error {
	start := time.Now()
	q := c.Query("q")
	res, err := h.search(c, q)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, SearchResponse{Query: q, Results: res, TookMS: float64(time.Since(start).Microseconds()) / 1000})
	return nil
}
