package web

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts/sqlite"
)

// conflictsShown is how many open sync conflicts the settings page lists.
const conflictsShown = 100

// conflictRow is an open Google sync conflict as the settings page shows
// it: both values side by side; the page resolves it through the office
// API (POST /api/v1/office/sync/conflicts/:id/resolve).
type conflictRow struct {
	sqlite.SyncConflict
	FieldName string // the field in the user's language
	Deleted   bool   // the contact was deleted on one side: no value to type
	When      string
}

func (h *Handler) openConflicts(c *gin.Context) ([]conflictRow, error) {
	ks, err := h.b.SyncConflicts(c.Request.Context(), true, conflictsShown)
	if err != nil {
		return nil, err
	}
	lang := h.lang(c)
	out := make([]conflictRow, 0, len(ks))
	for _, k := range ks {
		out = append(out, conflictRow{SyncConflict: k, FieldName: conflictField(lang, k.Field), Deleted: k.Field == "deleted", When: localWhen(lang, k.CreatedAt)})
	}
	return out, nil
}

// conflictField names a conflicting field (as the sync names it: "company",
// "job title", "custom:Key", "deleted") in lang.
func conflictField(lang, field string) string {
	if key, ok := strings.CutPrefix(field, "custom:"); ok {
		return key
	}
	key := "f." + strings.ReplaceAll(field, " ", "")
	switch field {
	case "name":
		key = "f.displayname"
	case "deleted":
		key = "sync.deletedfield"
	}
	if _, ok := catalogue[key]; ok {
		return T(lang, key)
	}
	return field
}
