package web

import (
	"archive/zip"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/server/dataio"
)

const (
	// maxUploadBytes is the largest file the import page takes (as the CLI).
	maxUploadBytes = dataio.DefaultMaxBytes
	// uploadTTL is how long a checked file waits for "Import now".
	uploadTTL = 30 * time.Minute
	// maxUploads and maxUploadTotal bound the checked files kept at once
	// (the oldest go first): memory stays bounded whatever staff upload.
	maxUploads     = 8
	maxUploadTotal = 2 * maxUploadBytes
	// rowsShown bounds the rows a plan lists on the page.
	rowsShown = 500
)

// upload is a file checked by a dry run, kept until it is imported.
type upload struct {
	login   string
	name    string
	format  string
	mapping map[string]string // column letter (Sheet!letter) -> field, over the detected mapping
	sheets  []string          // the workbook sheets chosen (none: the first)
	group   bool              // each contact in a group named after its sheet
	data    []byte
	at      time.Time
}

// uploads holds checked files between the dry run and "Import now", so the
// file is not sent twice; each belongs to the staff member who sent it.
type uploads struct {
	mu    sync.Mutex
	files map[string]*upload
	// limits (0: maxUploads and maxUploadTotal)
	maxFiles, maxBytes int
}

func (u *uploads) put(up *upload) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("upload id: %w", err)
	}
	id := hex.EncodeToString(b)
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.files == nil {
		u.files = map[string]*upload{}
	}
	for k, f := range u.files {
		if time.Since(f.at) > uploadTTL {
			delete(u.files, k)
		}
	}
	total := len(up.data)
	for _, f := range u.files {
		total += len(f.data)
	}
	maxFiles, maxBytes := cmp.Or(u.maxFiles, maxUploads), cmp.Or(u.maxBytes, maxUploadTotal)
	for len(u.files) > 0 && (len(u.files) >= maxFiles || total > maxBytes) {
		var oldest string
		for k, f := range u.files {
			if oldest == "" || f.at.Before(u.files[oldest].at) {
				oldest = k
			}
		}
		total -= len(u.files[oldest].data)
		delete(u.files, oldest)
	}
	u.files[id] = up
	return id, nil
}

// get returns a checked file of login's, keeping it (a check again with
// another mapping).
func (u *uploads) get(id, login string) (*upload, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	f, ok := u.files[id]
	if !ok || f.login != login || time.Since(f.at) > uploadTTL {
		return nil, false
	}
	f.at = time.Now()
	return f, true
}

// take removes and returns a checked file of login's.
func (u *uploads) take(id, login string) (*upload, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	f, ok := u.files[id]
	if !ok || f.login != login || time.Since(f.at) > uploadTTL {
		return nil, false
	}
	delete(u.files, id)
	return f, true
}

type dataPage struct {
	Format     string // the format chosen on the form ("" = told by the content)
	Error      string
	Plan       *dataio.Plan
	Source     *dataio.Source
	Rows       []dataio.RowResult // the rows listed (at most rowsShown)
	More       int                // rows not listed
	Upload     string             // the checked file's id, for "Import now" and "Check again"
	Importable bool               // the plan writes something
	Imported   bool
	SheetGroup bool // the sheet-name groups box is ticked
}

// readOptions are how an upload is read, as its check page last said.
func (up *upload) readOptions() dataio.ReadOptions {
	return dataio.ReadOptions{Format: up.format, Map: up.mapping, Sheets: up.sheets, SheetGroup: up.group}
}

// columnSet is the columns of one table read (a sheet of a workbook, or the
// whole CSV), with the prefix their mapping fields are named with.
type columnSet struct {
	Sheet     string
	Prefix    string // "" or "Sheet!"
	HeaderRow int
	Columns   []dataio.Column
}

// ColumnSets are the tables whose columns the check page shows: each sheet
// read of a workbook with several sheets, its choices named Sheet!letter so
// that a choice made for one sheet never lands on another's column; else
// the one table, its choices named by letter.
func (d dataPage) ColumnSets() []columnSet {
	if d.Source == nil {
		return nil
	}
	contactSheets := 0
	for _, s := range d.Source.Sheets {
		if !s.History {
			contactSheets++
		}
	}
	if contactSheets < 2 {
		if len(d.Source.Columns) == 0 {
			return nil
		}
		return []columnSet{{HeaderRow: d.Source.HeaderRow, Columns: d.Source.Columns}}
	}
	var sets []columnSet
	for _, s := range d.Source.Sheets {
		if s.Read && !s.History && len(s.Columns) > 0 {
			sets = append(sets, columnSet{Sheet: s.Name, Prefix: s.Name + "!", HeaderRow: s.HeaderRow, Columns: s.Columns})
		}
	}
	return sets
}

// ManySheets tells a workbook with more than one sheet: the check page
// lists them all, with a choice for each.
func (d dataPage) ManySheets() bool { return d.Source != nil && len(d.Source.Sheets) > 1 }

// FieldChoices are what a column can be read as on the check page.
func (dataPage) FieldChoices() []string { return dataio.Fields }

// Formats are the formats the import form offers besides "told by the
// content".
func (dataPage) Formats() []string {
	return []string{dataio.FormatXLSX, dataio.FormatCSV, dataio.FormatVCF}
}

// dataPageGet offers import (a file checked first, then imported) and
// export (every contact and the history, downloaded).
func (h *Handler) dataPageGet(c *gin.Context) error {
	return h.render(c, http.StatusOK, "data", dataPage{})
}

// checkImport reads an uploaded file (or one checked before, with the
// columns mapped as the form now says) and shows what importing it would
// do, row by row, writing nothing.
func (h *Handler) checkImport(c *gin.Context) error {
	d := dataPage{Format: c.PostForm("format")}
	login := currentSession(c).User.Login
	var up *upload
	if id := c.PostForm("upload"); id != "" { // check again with another mapping
		var ok bool
		if up, ok = h.uploads.get(id, login); !ok {
			d.Error = T(h.lang(c), "data.expired")
			return h.render(c, http.StatusUnprocessableEntity, "data", d)
		}
		up.mapping = map[string]string{}
		for k, v := range c.Request.PostForm {
			if letter, ok := strings.CutPrefix(k, "map_"); ok && len(v) == 1 && v[0] != "" {
				up.mapping[letter] = v[0]
			}
		}
		if c.PostForm("sheets_shown") != "" {
			up.sheets, up.group = c.PostFormArray("sheet"), c.PostForm("sheet_group") != ""
			if len(up.sheets) == 0 {
				d.Error = T(h.lang(c), "data.nosheet")
				up.sheets = nil
			}
		}
		d.Format, d.Upload = up.format, id
	} else {
		fh, err := c.FormFile("file")
		if err != nil {
			d.Error = T(h.lang(c), "data.nofile")
			return h.render(c, http.StatusUnprocessableEntity, "data", d)
		}
		if fh.Size > maxUploadBytes {
			return contacts.Errorf(contacts.ETooLarge, "%s is larger than %d MB: split the file", fh.Filename, maxUploadBytes>>20)
		}
		f, err := fh.Open()
		if err != nil {
			return fmt.Errorf("open upload: %w", err)
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxUploadBytes+1))
		if err != nil {
			return fmt.Errorf("read upload: %w", err)
		}
		up = &upload{login: login, name: filepath.Base(fh.Filename), format: d.Format, data: data, at: time.Now()}
	}
	src, plan, err := h.b.PlanImport(c.Request.Context(), up.name, up.data, up.readOptions())
	if err != nil {
		return h.importFailed(c, d, err)
	}
	d.Source, d.Plan, d.SheetGroup = src, plan, up.group
	d.Rows, d.More = shownRows(plan.Rows, func(dataio.RowResult) bool { return true })
	if d.Upload == "" {
		if d.Upload, err = h.uploads.put(up); err != nil {
			return err
		}
	}
	d.Importable = plan.Created+plan.Merged > 0 || src.HistoryRows > 0
	return h.render(c, http.StatusOK, "data", d)
}

// applyImport imports a file checked before, planned again against the
// contacts as they are now.
func (h *Handler) applyImport(c *gin.Context) error {
	up, ok := h.uploads.take(c.PostForm("upload"), currentSession(c).User.Login)
	if !ok {
		d := dataPage{Error: T(h.lang(c), "data.expired")}
		return h.render(c, http.StatusUnprocessableEntity, "data", d)
	}
	ctx := c.Request.Context()
	d := dataPage{Format: up.format, SheetGroup: up.group}
	src, plan, err := h.b.PlanImport(ctx, up.name, up.data, up.readOptions())
	if err != nil {
		return h.importFailed(c, d, err)
	}
	// Once started, an import runs to its end even if the browser goes away:
	// it commits batch by batch, and half a file written is worse.
	if err := h.b.ApplyImport(context.WithoutCancel(ctx), plan); err != nil {
		if h.status(err) < 500 {
			d.Error = errText(h.lang(c), err) + " — " + T(h.lang(c), "data.partial")
			return h.render(c, h.status(err), "data", d)
		}
		return err
	}
	h.log.Info("import from the web view", "file", up.name, "created", plan.Created, "merged", plan.Merged, "skipped", plan.Skipped,
		"by", currentSession(c).User.Login)
	d.Source, d.Plan, d.Imported = src, plan, true
	// After an import only what needs a look is listed, as the CLI does.
	d.Rows, d.More = shownRows(plan.Rows, func(r dataio.RowResult) bool { return r.Action != dataio.ActionCreate || len(r.Notes) > 0 })
	return h.render(c, http.StatusOK, "data", d)
}

// importFailed shows a file's problem on the page (a bad file is the
// user's to fix); anything else is an error page.
func (h *Handler) importFailed(c *gin.Context, d dataPage, err error) error {
	if h.status(err) >= 500 {
		return err
	}
	d.Error = errText(h.lang(c), err)
	return h.render(c, h.status(err), "data", d)
}

func shownRows(rows []dataio.RowResult, keep func(dataio.RowResult) bool) (shown []dataio.RowResult, more int) {
	for _, r := range rows {
		if !keep(r) {
			continue
		}
		if len(shown) == rowsShown {
			more++
			continue
		}
		shown = append(shown, r)
	}
	return shown, more
}

// exportDownload sends every contact and the history: an Excel workbook
// (a Contacts and a History sheet), or a zip with the CSV or vCard file and
// its history file.
func (h *Handler) exportDownload(c *gin.Context) error {
	format := c.Query("format")
	switch format {
	case dataio.FormatXLSX, dataio.FormatCSV, dataio.FormatVCF:
	default:
		return contacts.Errorf(contacts.EInvalid, "format %q: want xlsx, csv or vcf", format)
	}
	dir, err := os.MkdirTemp("", "ringcard-export-")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.RemoveAll(dir)
	base := "ringcard-export-" + h.now().Format("20060102")
	files, err := h.b.ExportFiles(c.Request.Context(), format, filepath.Join(dir, base+"."+format))
	if err != nil {
		return err
	}
	h.log.Info("export from the web view", "format", format, "by", currentSession(c).User.Login)
	c.Header("Cache-Control", "no-store")
	c.Header("X-Content-Type-Options", "nosniff")
	if format == dataio.FormatXLSX {
		c.FileAttachment(files[0], base+".xlsx")
		return nil
	}
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", `attachment; filename="`+base+"-"+format+`.zip"`)
	c.Status(http.StatusOK)
	zw := zip.NewWriter(c.Writer)
	for _, p := range files {
		if err := addToZip(zw, p); err != nil {
			h.log.Error("export download", "err", err) // headers are sent: the zip is cut short
			return nil
		}
	}
	if err := zw.Close(); err != nil {
		h.log.Error("export download", "err", err)
	}
	return nil
}

func addToZip(zw *zip.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("zip %s: %w", path, err)
	}
	defer f.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: filepath.Base(path), Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return fmt.Errorf("zip %s: %w", path, err)
	}
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("zip %s: %w", path, err)
	}
	return nil
}
