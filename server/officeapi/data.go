package officeapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// DataStore is what the data routes need from the database.
type DataStore interface {
	Pipeline(ctx context.Context) (sqlite.Pipeline, error)
	SetPipeline(ctx context.Context, p sqlite.Pipeline) error
	PipelineStats(ctx context.Context, since, until time.Time, tz *time.Location) (*sqlite.PipelineStats, error)
	ContactsInStages(ctx context.Context, stages []string, movedBefore time.Time, limit int) ([]*contacts.Contact, error)
	MissedNotReturned(ctx context.Context, since time.Time, limit int) ([]*contacts.Call, error)
	FindDuplicates(ctx context.Context, limit int) ([]sqlite.DuplicatePair, error)
	MergeContacts(ctx context.Context, keepID, goneID string) (int64, error)
	UndoMerge(ctx context.Context, mergeID int64) error
}

// Data serves the office's data routes: the pipeline's stages (set by an
// admin) and figures, the lists of leads, interested clients and missed
// calls, and duplicates and their merges.
type Data struct {
	store DataStore
	o     Options
}

// NewData returns the data routes.
func NewData(store DataStore, o Options) *Data { return &Data{store: store, o: o} }

// MergeRequest merges GoneID into KeepID.
type MergeRequest struct {
	KeepID string `json:"keep_id"`
	GoneID string `json:"gone_id"`
}

// Mount adds the routes to the office group (/api/v1/office). Their access
// rules are in server/access.go.
func (d *Data) Mount(r gin.IRouter) {
	r.PUT("/pipeline", handle(d.o.Fail, d.putPipeline))
	r.GET("/pipeline/stats", handle(d.o.Fail, d.pipelineStats))
	r.GET("/lists/leads", handle(d.o.Fail, d.listLeads))
	r.GET("/lists/interested", handle(d.o.Fail, d.listInterested))
	r.GET("/lists/missed", handle(d.o.Fail, d.listMissed))
	r.GET("/duplicates", handle(d.o.Fail, d.listDuplicates))
	r.POST("/duplicates/merge", handle(d.o.Fail, d.postMerge))
	r.POST("/merges/:merge_id/undo", handle(d.o.Fail, d.undoMerge))
}

func (d *Data) putPipeline(c *gin.Context) error {
	var p sqlite.Pipeline
	if err := d.o.Decode(c, &p); err != nil {
		return err
	}
	if err := d.store.SetPipeline(c.Request.Context(), p); err != nil {
		return err
	}
	c.JSON(http.StatusOK, p)
	return nil
}

// days reads a ?name=N day count (default def, 1 to 3650).
func days(c *gin.Context, name string, def int) (int, error) {
	v, ok := c.GetQuery(name)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 3650 {
		return 0, contacts.Errorf(contacts.EInvalid, "%s: a number of days from 1 to 3650", name)
	}
	return n, nil
}

// pipelineStats: counts per stage and per staff member, calls per staff
// member per day and time to return missed calls over the last ?days=30.
func (d *Data) pipelineStats(c *gin.Context) error {
	n, err := days(c, "days", 30)
	if err != nil {
		return err
	}
	now := d.o.Now()
	st, err := d.store.PipelineStats(c.Request.Context(), now.AddDate(0, 0, -n), now, time.Local)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, st)
	return nil
}

func (d *Data) listLeads(c *gin.Context) error {
	ctx := c.Request.Context()
	p, err := d.store.Pipeline(ctx)
	if err != nil {
		return err
	}
	list, err := d.store.ContactsInStages(ctx, p.InProgress(), time.Time{}, 500)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"stages": p.InProgress(), "contacts": list})
	return nil
}

// listInterested: contacts in a stage before the order stage whose last
// move is more than ?days=14 old.
func (d *Data) listInterested(c *gin.Context) error {
	n, err := days(c, "days", 14)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	p, err := d.store.Pipeline(ctx)
	if err != nil {
		return err
	}
	list, err := d.store.ContactsInStages(ctx, p.Interested(), d.o.Now().AddDate(0, 0, -n), 500)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"stages": p.Interested(), "days": n, "contacts": list})
	return nil
}

func (d *Data) listMissed(c *gin.Context) error {
	n, err := days(c, "days", 7)
	if err != nil {
		return err
	}
	calls, err := d.store.MissedNotReturned(c.Request.Context(), d.o.Now().AddDate(0, 0, -n), 500)
	if err != nil {
		return err
	}
	type missed struct {
		CallID    string    `json:"call_id"`
		ContactID string    `json:"contact_id,omitempty"`
		Number    string    `json:"number"`
		At        time.Time `json:"at"`
		By        string    `json:"by"`
	}
	out := []missed{}
	for _, m := range calls {
		out = append(out, missed{CallID: m.ID, ContactID: m.ContactID, Number: m.Number.Raw, At: m.StartedAt, By: m.By})
	}
	c.JSON(http.StatusOK, gin.H{"days": n, "calls": out})
	return nil
}

func (d *Data) listDuplicates(c *gin.Context) error {
	pairs, err := d.store.FindDuplicates(c.Request.Context(), 500)
	if err != nil {
		return err
	}
	type pair struct {
		A       *contacts.Contact `json:"a"`
		B       *contacts.Contact `json:"b"`
		Reasons []string          `json:"reasons"`
	}
	out := make([]pair, 0, len(pairs))
	for _, p := range pairs {
		out = append(out, pair{p.A, p.B, p.Reasons})
	}
	c.JSON(http.StatusOK, gin.H{"pairs": out})
	return nil
}

func (d *Data) postMerge(c *gin.Context) error {
	var req MergeRequest
	if err := d.o.Decode(c, &req); err != nil {
		return err
	}
	id, err := d.store.MergeContacts(c.Request.Context(), req.KeepID, req.GoneID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"merge_id": id, "keep_id": req.KeepID, "gone_id": req.GoneID})
	return nil
}

func (d *Data) undoMerge(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("merge_id"), 10, 64)
	if err != nil {
		return contacts.Errorf(contacts.EInvalid, "merge_id: a number")
	}
	if err := d.store.UndoMerge(c.Request.Context(), id); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"merge_id": id, "undone": true})
	return nil
}
