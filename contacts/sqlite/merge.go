package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/ringcard/ringcard/contacts"
)

// MergeFields adds what src knows and dst does not to dst: empty fields are
// filled, numbers (by normalized key), e-mails, addresses, websites, groups
// and custom fields are united, and a different note is appended. Nothing
// dst has is lost. It reports whether dst changed.
func MergeFields(dst, src *contacts.Contact) bool {
	before, _ := json.Marshal(dst)
	fill := func(d *string, s string) {
		if strings.TrimSpace(*d) == "" && strings.TrimSpace(s) != "" {
			*d = s
		}
	}
	fill(&dst.DisplayName, src.DisplayName)
	fill(&dst.GivenName, src.GivenName)
	fill(&dst.FamilyName, src.FamilyName)
	fill(&dst.Nickname, src.Nickname)
	fill(&dst.Company, src.Company)
	fill(&dst.JobTitle, src.JobTitle)
	fill(&dst.Department, src.Department)
	fill(&dst.Birthday, src.Birthday)
	fill(&dst.PhotoURL, src.PhotoURL)
	fill(&dst.Stage, src.Stage)
	for _, n := range src.Numbers {
		if _, ok := dst.NumberByKey(n.Key); !ok || n.Key == "" {
			dst.Numbers = append(dst.Numbers, n)
		}
	}
	for _, e := range src.Emails {
		if !hasFold(len(dst.Emails), func(i int) string { return dst.Emails[i].Address }, e.Address) {
			dst.Emails = append(dst.Emails, e)
		}
	}
	for _, a := range src.Addresses {
		if !hasFold(len(dst.Addresses), func(i int) string { return dst.Addresses[i].Formatted }, a.Formatted) {
			dst.Addresses = append(dst.Addresses, a)
		}
	}
	for _, w := range src.Websites {
		if !hasFold(len(dst.Websites), func(i int) string { return dst.Websites[i] }, w) {
			dst.Websites = append(dst.Websites, w)
		}
	}
	for _, g := range src.Groups {
		if !dst.InGroup(g) {
			dst.Groups = append(dst.Groups, g)
		}
	}
	for _, f := range src.Custom {
		if !hasFold(len(dst.Custom), func(i int) string { return dst.Custom[i].Key + "\x00" + dst.Custom[i].Value }, f.Key+"\x00"+f.Value) {
			dst.Custom = append(dst.Custom, f)
		}
	}
	if n := strings.TrimSpace(src.Note); n != "" && !strings.Contains(dst.Note, n) {
		if strings.TrimSpace(dst.Note) == "" {
			dst.Note = src.Note
		} else {
			dst.Note = strings.TrimRight(dst.Note, "\n") + "\n\n" + src.Note
		}
	}
	after, _ := json.Marshal(dst)
	return string(before) != string(after)
}

func hasFold(n int, at func(int) string, s string) bool {
	f := contacts.Fold(strings.TrimSpace(s))
	for i := 0; i < n; i++ {
		if contacts.Fold(strings.TrimSpace(at(i))) == f {
			return true
		}
	}
	return false
}

// DuplicatePair is two live contacts that are probably the same, with why.
type DuplicatePair struct {
	A, B    *contacts.Contact
	Reasons []string // "same number +390612345678", "same e-mail a@b.it", "same name", "similar name"
}

// FindDuplicates returns pairs of live contacts that share a normalized
// number or an e-mail, or whose names are the same or one letter apart
// once folded (case, accents, word order), in any script. At most limit
// pairs (0: 1000).
func (db *DB) FindDuplicates(ctx context.Context, limit int) ([]DuplicatePair, error) {
	if limit <= 0 {
		limit = 1000
	}
	byID := map[string]*contacts.Contact{}
	var order []string
	idx := map[string][]string{} // "n:key", "e:mail", "name:key" -> contact ids
	err := db.EachContact(ctx, func(c *contacts.Contact) error {
		byID[c.ID] = c
		order = append(order, c.ID)
		for _, n := range c.Numbers {
			idx["n:"+n.Key] = appendOnce(idx["n:"+n.Key], c.ID)
		}
		for _, e := range c.Emails {
			if a := strings.ToLower(strings.TrimSpace(e.Address)); a != "" {
				idx["e:"+a] = appendOnce(idx["e:"+a], c.ID)
			}
		}
		if k := NameKey(c); k != "" {
			idx["name:"+k] = append(idx["name:"+k], c.ID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find duplicates: %w", err)
	}
	pairs := map[[2]string]*DuplicatePair{}
	add := func(a, b, reason string) {
		if a == b {
			return
		}
		if byID[a].CreatedAt.After(byID[b].CreatedAt) || (byID[a].CreatedAt.Equal(byID[b].CreatedAt) && a > b) {
			a, b = b, a
		}
		p := pairs[[2]string{a, b}]
		if p == nil {
			p = &DuplicatePair{A: byID[a], B: byID[b]}
			pairs[[2]string{a, b}] = p
		}
		for _, r := range p.Reasons {
			if r == reason {
				return
			}
		}
		p.Reasons = append(p.Reasons, reason)
	}
	prefix := map[string][]string{} // first runes of a name key -> distinct name keys
	for k, ids := range idx {
		kind, val, _ := strings.Cut(k, ":")
		reason := map[string]string{"n": "same number " + val, "e": "same e-mail " + val, "name": "same name"}[kind]
		for i := 0; i < len(ids); i++ {
			for j := i + 1; j < len(ids) && j < 50; j++ {
				add(ids[i], ids[j], reason)
			}
		}
		if kind == "name" {
			r := []rune(val)
			if len(r) >= 5 {
				p := string(r[:3])
				prefix[p] = append(prefix[p], val)
			}
		}
	}
	for _, keys := range prefix {
		if len(keys) > 300 {
			continue
		}
		for i := 0; i < len(keys); i++ {
			for j := i + 1; j < len(keys); j++ {
				if editDistanceAtMostOne(keys[i], keys[j]) {
					add(idx["name:"+keys[i]][0], idx["name:"+keys[j]][0], "similar name")
				}
			}
		}
	}
	out := make([]DuplicatePair, 0, len(pairs))
	for _, p := range pairs {
		sort.Strings(p.Reasons)
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := contacts.Fold(out[i].A.Name()), contacts.Fold(out[j].A.Name()); a != b {
			return a < b
		}
		return out[i].B.ID < out[j].B.ID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func appendOnce(ids []string, id string) []string {
	if len(ids) > 0 && ids[len(ids)-1] == id {
		return ids
	}
	return append(ids, id)
}

// NameKey is what names are compared on: folded (case, accents), letters
// and digits only, words sorted, so "ROSSI, Mario" and "Mario Rossì" agree.
// A name with no letters (a bare number) has no key.
func NameKey(c *contacts.Contact) string {
	name := c.DisplayName
	if name == "" {
		name = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	words := strings.FieldsFunc(contacts.Fold(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.M, r)
	})
	letters := false
	for _, w := range words {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			letters = true
		}
	}
	if !letters {
		return ""
	}
	sort.Strings(words)
	return strings.Join(words, " ")
}

func editDistanceAtMostOne(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		return string(ra[i+min(1, len(ra)-i):]) == string(rb[i+min(1, len(rb)-i):])
	}
	return string(ra[i:]) == string(rb[i+1:])
}

type movedRows struct {
	Calls     []string `json:"calls"`
	Notes     []string `json:"notes"`
	Stages    []int64  `json:"stages"`
	Followups []string `json:"followups"`
	Orders    []string `json:"orders,omitempty"` // orders and their documents (orders.go)
	Documents []string `json:"documents,omitempty"`
}

// Merge is a stored merge of two contacts.
type Merge struct {
	ID       int64
	KeepID   string
	GoneID   string
	At       time.Time
	By       string
	UndoneAt time.Time
}

// MergeContacts merges contact goneID into keepID in one transaction: keep
// gets every number, e-mail and field gone has (MergeFields), gone's calls,
// notes, stage changes and follow-ups move to keep, and gone becomes a
// tombstone (phones get contact.removed, the sync deletes it in Google).
// What undo needs is kept in the merges table; the merge's ID is returned.
func (db *DB) MergeContacts(ctx context.Context, keepID, goneID string) (int64, error) {
	if keepID == goneID {
		return 0, contacts.Errorf(contacts.EInvalid, "merge: a contact cannot be merged with itself")
	}
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		keep, err := contactByID(ctx, tx, keepID)
		if err != nil {
			return err
		}
		gone, err := contactByID(ctx, tx, goneID)
		if err != nil {
			return err
		}
		now := db.Now()
		var mv movedRows
		if mv.Calls, err = ids[string](ctx, tx, `SELECT id FROM calls WHERE contact_id = ?`, goneID); err != nil {
			return err
		}
		if mv.Notes, err = ids[string](ctx, tx, `SELECT id FROM notes WHERE contact_id = ?`, goneID); err != nil {
			return err
		}
		if mv.Stages, err = ids[int64](ctx, tx, `SELECT id FROM stage_changes WHERE contact_id = ?`, goneID); err != nil {
			return err
		}
		if mv.Followups, err = ids[string](ctx, tx, `SELECT id FROM followups WHERE contact_id = ?`, goneID); err != nil {
			return err
		}
		if mv.Orders, err = ids[string](ctx, tx, `SELECT id FROM orders WHERE contact_id = ?`, goneID); err != nil {
			return err
		}
		if mv.Documents, err = ids[string](ctx, tx, `SELECT id FROM documents WHERE contact_id = ?`, goneID); err != nil {
			return err
		}
		if err := moveMoney(ctx, tx, goneID, keepID, nil); err != nil {
			return err
		}
		for _, t := range []string{"calls", "notes", "stage_changes", "followups"} {
			if _, err := tx.ExecContext(ctx, `UPDATE `+t+` SET contact_id = ? WHERE contact_id = ?`, keepID, goneID); err != nil {
				return fmt.Errorf("move %s: %w", t, err)
			}
		}
		merged := cloneContact(keep)
		MergeFields(merged, gone)
		merged.UpdatedAt = now
		if err := saveContact(ctx, tx, merged); err != nil {
			return err
		}
		if err := tombstone(ctx, tx, goneID, now); err != nil {
			return err
		}
		// Queued after keep's update: the sync updates the kept contact in
		// Google first, then deletes the merged-away one there.
		if err := enqueueOutbox(ctx, tx, goneID); err != nil {
			return err
		}
		keepJSON, _ := jsonString(keep)
		goneJSON, _ := jsonString(gone)
		movedJSON, _ := jsonString(mv)
		res, err := tx.ExecContext(ctx, `INSERT INTO merges (keep_id, gone_id, keep_before, gone_before, moved, merged_ms, at_ms, by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			keepID, goneID, keepJSON, goneJSON, movedJSON, ms(now), ms(now), contacts.ActorFrom(ctx).Name)
		if err != nil {
			return fmt.Errorf("record merge: %w", err)
		}
		id, _ = res.LastInsertId()
		if err := audit(ctx, tx, now, "contact.merge", keepID, fmt.Sprintf("merged %s (%s), merge %d", goneID, gone.Name(), id)); err != nil {
			return err
		}
		return audit(ctx, tx, now, "contact.merge", goneID, fmt.Sprintf("merged into %s (%s), merge %d", keepID, keep.Name(), id))
	})
	if err != nil {
		return 0, fmt.Errorf("merge %s into %s: %w", goneID, keepID, err)
	}
	return id, nil
}

// UndoMerge reverses a merge: the kept contact gets back its fields, the
// merged-away contact comes back with its own fields and the history rows
// that moved. It refuses (conflict) when the kept contact was edited since,
// as undoing would lose that edit.
func (db *DB) UndoMerge(ctx context.Context, mergeID int64) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var keepID, goneID, keepJSON, goneJSON, movedJSON string
		var mergedMS, undoneMS int64
		err := tx.QueryRowContext(ctx, `SELECT keep_id, gone_id, keep_before, gone_before, moved, merged_ms, undone_ms FROM merges WHERE id = ?`, mergeID).
			Scan(&keepID, &goneID, &keepJSON, &goneJSON, &movedJSON, &mergedMS, &undoneMS)
		if errors.Is(err, sql.ErrNoRows) {
			return contacts.Errorf(contacts.ENotFound, "merge %d not found", mergeID)
		}
		if err != nil {
			return fmt.Errorf("read merge: %w", err)
		}
		if undoneMS != 0 {
			return contacts.Errorf(contacts.EConflict, "merge %d was already undone", mergeID)
		}
		cur, err := contactByID(ctx, tx, keepID)
		if err != nil {
			return contacts.Errorf(contacts.EConflict, "merge %d cannot be undone: the kept contact %s is gone", mergeID, keepID)
		}
		if ms(cur.UpdatedAt) != mergedMS {
			return contacts.Errorf(contacts.EConflict, "merge %d cannot be undone: %s was edited after the merge; separate them by hand", mergeID, cur.Name())
		}
		keep, err := decodeContact(keepJSON, 0, false)
		if err != nil {
			return err
		}
		gone, err := decodeContact(goneJSON, 0, false)
		if err != nil {
			return err
		}
		var mv movedRows
		if err := json.Unmarshal([]byte(movedJSON), &mv); err != nil {
			return fmt.Errorf("decode merge: %w", err)
		}
		now := db.Now()
		keep.UpdatedAt, gone.UpdatedAt = now, now
		if err := saveContact(ctx, tx, keep); err != nil {
			return err
		}
		if err := unlinkIfGoneFromGoogle(ctx, tx, gone); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET deleted = 0 WHERE id = ?`, goneID); err != nil {
			return fmt.Errorf("revive contact: %w", err)
		}
		if err := saveContact(ctx, tx, gone); err != nil {
			return err
		}
		back := []struct {
			table string
			ids   any
		}{{"calls", mv.Calls}, {"notes", mv.Notes}, {"stage_changes", mv.Stages}, {"followups", mv.Followups}}
		if err := moveMoney(ctx, tx, keepID, goneID, &mv); err != nil {
			return err
		}
		for _, b := range back {
			list, _ := jsonString(b.ids)
			if _, err := tx.ExecContext(ctx, `UPDATE `+b.table+` SET contact_id = ? WHERE contact_id = ? AND id IN (SELECT value FROM json_each(?))`, goneID, keepID, list); err != nil {
				return fmt.Errorf("move %s back: %w", b.table, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE merges SET undone_ms = ? WHERE id = ?`, ms(now), mergeID); err != nil {
			return fmt.Errorf("mark merge undone: %w", err)
		}
		if err := audit(ctx, tx, now, "contact.unmerge", keepID, fmt.Sprintf("undid merge %d: %s is back", mergeID, goneID)); err != nil {
			return err
		}
		return audit(ctx, tx, now, "contact.unmerge", goneID, fmt.Sprintf("undid merge %d", mergeID))
	})
	if err != nil {
		return fmt.Errorf("undo merge %d: %w", mergeID, err)
	}
	return nil
}

// unlinkIfGoneFromGoogle forgets the Google resource name a contact had
// before its merge when the merge's delete has reached Google (its link is
// dropped): the sync then creates it again in Google and links the new
// one, and Google's record of the old one's deletion cannot remove it.
func unlinkIfGoneFromGoogle(ctx context.Context, tx *sql.Tx, c *contacts.Contact) error {
	if c.ResourceName == "" {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_base WHERE contact_id = ?`, c.ID).Scan(&n); err != nil {
		return fmt.Errorf("read google link: %w", err)
	}
	if n == 0 {
		c.ResourceName, c.Etag = "", ""
	}
	return nil
}

// Merges lists recorded merges, newest first.
func (db *DB) Merges(ctx context.Context, limit int) ([]Merge, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, keep_id, gone_id, at_ms, by_name, undone_ms FROM merges ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list merges: %w", err)
	}
	defer rows.Close()
	var out []Merge
	for rows.Next() {
		var m Merge
		var at, undone int64
		if err := rows.Scan(&m.ID, &m.KeepID, &m.GoneID, &at, &m.By, &undone); err != nil {
			return nil, fmt.Errorf("list merges: %w", err)
		}
		m.At, m.UndoneAt = fromMS(at), fromMS(undone)
		out = append(out, m)
	}
	return out, rows.Err()
}

// tombstone marks a contact deleted the way DeleteContact does, inside tx.
func tombstone(ctx context.Context, tx *sql.Tx, id string, now time.Time) error {
	rev, err := nextRev(ctx, tx)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE contacts SET deleted = 1, rev = ?, updated_ms = ? WHERE id = ? AND deleted = 0`, rev, ms(now), id)
	if err != nil {
		return fmt.Errorf("mark deleted: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return contacts.Errorf(contacts.ENotFound, "contact %s not found", id)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_numbers WHERE contact_id = ?`, id); err != nil {
		return fmt.Errorf("clear numbers: %w", err)
	}
	return insertEvent(ctx, tx, "", EventContactRemoved, id, "", ms(now))
}

func ids[T any](ctx context.Context, tx *sql.Tx, q string, args ...any) ([]T, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list ids: %w", err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("list ids: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
