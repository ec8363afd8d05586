package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"unicode/utf8"

	msqlite "modernc.org/sqlite"

	"github.com/ringcard/ringcard/contacts"
)

// The search index of history notes stores their folded text; the triggers
// that keep it call ringcard_fold, so every driver the store opens
// connections with must know it. (This init runs after driver.go's, which
// registers the caching driver: the go tool runs a package's files' inits in
// file name order.)
func init() {
	drivers := []interface {
		RegisterDeterministicScalarFunction(string, int32, func(*msqlite.FunctionContext, []driver.Value) (driver.Value, error)) error
	}{}
	db, err := sql.Open(cachingDriverName, ":memory:")
	if err != nil {
		panic(fmt.Sprintf("register ringcard_fold: %v", err))
	}
	if cd, ok := db.Driver().(cachingDriver); ok {
		if base, ok := cd.base.(*msqlite.Driver); ok {
			drivers = append(drivers, base)
		}
	}
	_ = db.Close()
	if len(drivers) == 0 {
		panic("register ringcard_fold: the store's driver is not modernc's")
	}
	for _, d := range drivers {
		if err := d.RegisterDeterministicScalarFunction("ringcard_fold", 1, foldSQL); err != nil {
			panic(fmt.Sprintf("register ringcard_fold: %v", err))
		}
	}
}

func foldSQL(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	switch v := args[0].(type) {
	case string:
		return contacts.Fold(v), nil
	case []byte:
		return contacts.Fold(string(v)), nil
	case nil:
		return "", nil
	}
	return fmt.Sprint(args[0]), nil
}

// SearchQuery is what the office searches for. Text is matched word by word
// (every word must occur, folded) against names, company, e-mails, numbers,
// the contact's note and custom fields, and against history notes. Number
// (a normalized key) finds contacts with exactly that number; Digits finds
// contacts whose numbers contain those digits.
type SearchQuery struct {
	Text   string
	Number string
	Digits string
	Limit  int // default 50, at most 500
}

// SearchHit is one contact found. Note is the history note it was found
// through, when it matched only there.
type SearchHit struct {
	Contact *contacts.Contact
	Note    string
}

// minTrigram is the shortest term the trigram index can look up.
const minTrigram = 3

// Search finds live contacts. Contacts whose folded name starts with the
// first word come first, then those with it in the name, then the rest;
// contacts found only through history notes come last.
func (db *DB) Search(ctx context.Context, q SearchQuery) ([]SearchHit, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 500)
	terms := strings.Fields(contacts.Fold(q.Text))
	if q.Digits != "" {
		terms = append(terms, q.Digits)
	}
	var hits []SearchHit
	seen := map[string]bool{}
	add := func(cs []*contacts.Contact, note []string) {
		for i, c := range cs {
			if !seen[c.ID] && len(hits) < q.Limit {
				seen[c.ID] = true
				h := SearchHit{Contact: c}
				if note != nil {
					h.Note = note[i]
				}
				hits = append(hits, h)
			}
		}
	}
	if q.Number != "" {
		cs, err := db.ContactsByNumber(ctx, q.Number)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		add(cs, nil)
	}
	if len(terms) == 0 {
		return hits, nil
	}
	cs, err := db.searchContacts(ctx, terms, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	add(cs, nil)
	if len(hits) < q.Limit && q.Digits == "" {
		cs, notes, err := db.searchNotes(ctx, terms, q.Limit)
		if err != nil {
			return nil, fmt.Errorf("search notes: %w", err)
		}
		add(cs, notes)
	}
	return hits, nil
}

// matchExpr splits terms into an FTS5 expression of the ones long enough
// for the trigram index and the short rest, checked with instr.
func matchExpr(terms []string) (expr string, short []string) {
	var long []string
	for _, t := range terms {
		if utf8.RuneCountInString(t) >= minTrigram {
			long = append(long, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
		} else {
			short = append(short, t)
		}
	}
	return strings.Join(long, " AND "), short
}

// searchContacts answers from the name-prefix index when that fills the
// page (those rank first anyway), else from the trigram index. Words too
// short for trigrams alone match name prefixes only.
func (db *DB) searchContacts(ctx context.Context, terms []string, limit int) ([]*contacts.Contact, error) {
	byPrefix, err := db.searchPrefix(ctx, terms, limit)
	if err != nil {
		return nil, err
	}
	expr, short := matchExpr(terms)
	if len(byPrefix) >= limit || expr == "" {
		return byPrefix, nil
	}
	where := []string{`c.deleted = 0`}
	args := []any{terms[0], expr, ftsCandidates}
	for _, t := range short {
		where = append(where, `instr(c.search, ?) > 0`)
		args = append(args, t)
	}
	args = append(args, limit)
	// The trigram index gives at most ftsCandidates rows to rank, so a
	// common trigram cannot make a query slow.
	q := `SELECT c2.data, c2.rev, c2.deleted FROM (
		SELECT c.id, instr(c.search, ?) AS pos, length(c.display_name) AS nl, c.display_name AS name
		FROM (SELECT rowid FROM contact_search WHERE contact_search MATCH ? LIMIT ?) f
		JOIN contact_search_ids s ON s.rowid = f.rowid JOIN contacts c ON c.id = s.contact_id
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY pos = 1 DESC, pos <= nl DESC, name COLLATE NOCASE LIMIT ?) t
		JOIN contacts c2 ON c2.id = t.id ORDER BY t.pos = 1 DESC, t.pos <= t.nl DESC, t.name COLLATE NOCASE`
	more, err := db.queryContacts(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, c := range byPrefix {
		seen[c.ID] = true
	}
	for _, c := range more {
		if !seen[c.ID] && len(byPrefix) < limit {
			byPrefix = append(byPrefix, c)
		}
	}
	return byPrefix, nil
}

// ftsCandidates bounds the rows a trigram lookup ranks.
const ftsCandidates = 2000

// searchPrefix finds contacts whose folded name starts with the first term
// and whose text has the other terms, in name order, by a range scan.
func (db *DB) searchPrefix(ctx context.Context, terms []string, limit int) ([]*contacts.Contact, error) {
	q := `SELECT data, rev, deleted FROM contacts WHERE deleted = 0 AND search >= ?1 AND search < ?1 || char(1114111)`
	args := []any{terms[0]}
	for _, t := range terms[1:] {
		q += ` AND instr(search, ?) > 0`
		args = append(args, t)
	}
	q += ` ORDER BY search LIMIT ?`
	args = append(args, limit)
	return db.queryContacts(ctx, q, args...)
}

func (db *DB) queryContacts(ctx context.Context, q string, args ...any) ([]*contacts.Contact, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*contacts.Contact
	for rows.Next() {
		var data string
		var rev int64
		var deleted bool
		if err := rows.Scan(&data, &rev, &deleted); err != nil {
			return nil, err
		}
		c, err := decodeContact(data, rev, deleted)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// searchNotes finds contacts through their history notes, newest note first.
func (db *DB) searchNotes(ctx context.Context, terms []string, limit int) ([]*contacts.Contact, []string, error) {
	expr, short := matchExpr(terms)
	if expr == "" {
		return nil, nil, nil // a scan of every note for a short word is too slow and too vague
	}
	// Notes stored in the last moment may not be indexed yet: index them
	// first, so a search finds every stored note (with none queued, this
	// is one read).
	if _, err := db.indexNotes(context.WithoutCancel(ctx), 0); err != nil {
		return nil, nil, err
	}
	q := `SELECT c.data, c.rev, c.deleted, n.text FROM (SELECT rowid, text FROM note_search WHERE note_search MATCH ? ORDER BY rowid DESC LIMIT ?) f
		JOIN note_search_ids s ON s.rowid = f.rowid JOIN notes n ON n.id = s.note_id JOIN contacts c ON c.id = n.contact_id
		WHERE c.deleted = 0`
	args := []any{expr, ftsCandidates}
	for _, t := range short {
		q += ` AND instr(f.text, ?) > 0`
		args = append(args, t)
	}
	q += ` ORDER BY n.at_ms DESC LIMIT ?`
	args = append(args, limit*4)
	rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var cs []*contacts.Contact
	var notes []string
	seen := map[string]bool{}
	for rows.Next() {
		var data, text string
		var rev int64
		var deleted bool
		if err := rows.Scan(&data, &rev, &deleted, &text); err != nil {
			return nil, nil, err
		}
		c, err := decodeContact(data, rev, deleted)
		if err != nil {
			return nil, nil, err
		}
		if !seen[c.ID] {
			seen[c.ID] = true
			cs, notes = append(cs, c), append(notes, text)
		}
	}
	return cs, notes, rows.Err()
}
