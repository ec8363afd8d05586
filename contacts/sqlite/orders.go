package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/orders"
)

const officeKey = "office"

// Office returns the office's details for documents (the default until an
// admin sets them).
func (db *DB) Office(ctx context.Context) (orders.Office, error) {
	o := orders.DefaultOffice()
	if _, err := db.Setting(ctx, officeKey, &o); err != nil {
		return o, fmt.Errorf("load office: %w", err)
	}
	return o, nil
}

// SetOffice validates and stores the office's details.
func (db *DB) SetOffice(ctx context.Context, o orders.Office) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return db.SetSetting(ctx, officeKey, o)
}

// closedState says whether stage closes an order, and whether as won.
func (p *Pipeline) closedState(stage string) (closed, won bool) {
	last := p.Stages[len(p.Stages)-1]
	return stage == last || stage == p.Lost, stage == last
}

// liveContact returns the contact an order may belong to: a merged-away
// contact names the one it went into, a deleted one is refused.
func liveContact(ctx context.Context, tx *sql.Tx, id string) error {
	var deleted bool
	err := tx.QueryRowContext(ctx, `SELECT deleted FROM contacts WHERE id = ?`, id).Scan(&deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return contacts.Errorf(contacts.ENotFound, "contact %s not found", id)
	}
	if err != nil {
		return fmt.Errorf("read contact: %w", err)
	}
	if !deleted {
		return nil
	}
	var keep string
	err = tx.QueryRowContext(ctx, `SELECT keep_id FROM merges WHERE gone_id = ? AND undone_ms = 0 ORDER BY id DESC LIMIT 1`, id).Scan(&keep)
	if err == nil {
		return contacts.Errorf(contacts.EInvalid, "contact %s was merged into %s: use that contact", id, keep)
	}
	return contacts.Errorf(contacts.EInvalid, "contact %s is deleted", id)
}

// CreateOrder stores a new order for a live contact in the pipeline's first
// stage (or o.Stage when set and valid), numbering it PREFIX-YEAR-NNNN from
// the year's counter in the same transaction.
func (db *DB) CreateOrder(ctx context.Context, o *orders.Order, p Pipeline, prefix string) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.Stage == "" {
		o.Stage = p.Stages[0]
	}
	if !p.Valid(o.Stage) {
		return contacts.Errorf(contacts.EInvalid, "stage: %q is not one of %v or %q", o.Stage, p.Stages, p.Lost)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := liveContact(ctx, tx, o.ContactID); err != nil {
			return err
		}
		now := db.Now()
		year := now.Year()
		var n int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO order_counters (year, last) VALUES (?, 1)
			ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`, year).Scan(&n); err != nil {
			return fmt.Errorf("number order: %w", err)
		}
		o.ID, o.Number = contacts.NewID(), fmt.Sprintf("%s-%d-%04d", prefix, year, n)
		o.CreatedAt, o.UpdatedAt = now, now
		if closed, _ := p.closedState(o.Stage); closed {
			o.ClosedAt = now
		}
		if err := saveOrder(ctx, tx, o, p, true); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_stage_changes (order_id, from_stage, to_stage, by_name, at_ms) VALUES (?, '', ?, ?, ?)`,
			o.ID, o.Stage, contacts.ActorFrom(ctx).Name, ms(now)); err != nil {
			return fmt.Errorf("record order stage: %w", err)
		}
		if err := audit(ctx, tx, now, "order.create", o.ContactID, o.Number); err != nil {
			return err
		}
		return refreshCardMoney(ctx, tx, o.ContactID, ms(now))
	})
	if err != nil {
		return fmt.Errorf("create order: %w", err)
	}
	return nil
}

func saveOrder(ctx context.Context, tx *sql.Tx, o *orders.Order, p Pipeline, insert bool) error {
	data, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("encode order: %w", err)
	}
	t := o.Totals()
	closed, won := p.closedState(o.Stage)
	q := `UPDATE orders SET currency = ?, handler = ?, stage = ?, closed = ?, won = ?, net_minor = ?, gross_minor = ?, cost_minor = ?,
		data = ?, expected = ?, updated_ms = ?, closed_ms = ?, number = ?, contact_id = ?, created_ms = ? WHERE id = ?`
	if insert {
		q = `INSERT INTO orders (currency, handler, stage, closed, won, net_minor, gross_minor, cost_minor, data, expected, updated_ms, closed_ms, number, contact_id, created_ms, id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	}
	_, err = tx.ExecContext(ctx, q, o.Currency, o.Handler, o.Stage, closed, won, t.Net, t.Gross, t.Cost, string(data), o.Expected,
		ms(o.UpdatedAt), ms(o.ClosedAt), o.Number, o.ContactID, ms(o.CreatedAt), o.ID)
	if err != nil {
		return fmt.Errorf("save order %s: %w", o.Number, err)
	}
	return nil
}

// UpdateOrder replaces an order's lines, currency, handler, terms and note
// (its number, contact and stage stay). Issued documents keep what they
// said: a changed order needs a new document.
func (db *DB) UpdateOrder(ctx context.Context, in *orders.Order, p Pipeline) (*orders.Order, error) {
	var out *orders.Order
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		o, err := orderByID(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		o.Lines, o.Currency, o.Handler, o.DueDays, o.Expected, o.Note = in.Lines, in.Currency, in.Handler, in.DueDays, in.Expected, in.Note
		if err := o.Validate(); err != nil {
			return err
		}
		if err := liveContact(ctx, tx, o.ContactID); err != nil {
			return err
		}
		now := db.Now()
		o.UpdatedAt = now
		if err := saveOrder(ctx, tx, o, p, false); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, "order.update", o.ContactID, o.Number); err != nil {
			return err
		}
		out = o
		return refreshCardMoney(ctx, tx, o.ContactID, ms(now))
	})
	if err != nil {
		return nil, fmt.Errorf("update order: %w", err)
	}
	return out, nil
}

// MoveOrder moves an order to a stage of the pipeline, recording the move.
func (db *DB) MoveOrder(ctx context.Context, id, stage string, p Pipeline) (*orders.Order, error) {
	if !p.Valid(stage) {
		return nil, contacts.Errorf(contacts.EInvalid, "stage: %q is not one of %v or %q", stage, p.Stages, p.Lost)
	}
	var out *orders.Order
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		o, err := orderByID(ctx, tx, id)
		if err != nil {
			return err
		}
		out = o
		if o.Stage == stage {
			return nil
		}
		now := db.Now()
		from := o.Stage
		o.Stage, o.UpdatedAt = stage, now
		if closed, _ := p.closedState(stage); closed {
			o.ClosedAt = now
		} else {
			o.ClosedAt = time.Time{}
		}
		if err := saveOrder(ctx, tx, o, p, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_stage_changes (order_id, from_stage, to_stage, by_name, at_ms) VALUES (?, ?, ?, ?, ?)`,
			o.ID, from, stage, contacts.ActorFrom(ctx).Name, ms(now)); err != nil {
			return fmt.Errorf("record order stage: %w", err)
		}
		if err := audit(ctx, tx, now, "order.stage", o.ContactID, o.Number+": "+stageText(from, stage)); err != nil {
			return err
		}
		return refreshCardMoney(ctx, tx, o.ContactID, ms(now))
	})
	if err != nil {
		return nil, fmt.Errorf("move order %s: %w", id, err)
	}
	return out, nil
}

// Order returns one order.
func (db *DB) Order(ctx context.Context, id string) (*orders.Order, error) {
	return orderByID(ctx, db.reader(ctx), id)
}

func orderByID(ctx context.Context, q queryer, id string) (*orders.Order, error) {
	var data string
	err := q.QueryRowContext(ctx, `SELECT data FROM orders WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contacts.Errorf(contacts.ENotFound, "order %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read order: %w", err)
	}
	o := &orders.Order{}
	if err := json.Unmarshal([]byte(data), o); err != nil {
		return nil, fmt.Errorf("decode order: %w", err)
	}
	return o, nil
}

// OrdersOf lists a contact's orders, newest first.
func (db *DB) OrdersOf(ctx context.Context, contactID string) ([]*orders.Order, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT data FROM orders WHERE contact_id = ? ORDER BY created_ms DESC, id LIMIT 500`, contactID)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	defer rows.Close()
	out := []*orders.Order{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("list orders: %w", err)
		}
		o := &orders.Order{}
		if err := json.Unmarshal([]byte(data), o); err != nil {
			return nil, fmt.Errorf("decode order: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OrderNumbers returns, for each of these contacts that has orders, the
// number a message's {order} means: its most recent open order's, or when
// every order is closed, its most recent order's. Contacts without orders
// are absent.
func (db *DB) OrderNumbers(ctx context.Context, contactIDs []string) (map[string]string, error) {
	out := map[string]string{}
	const chunk = 500
	for len(contactIDs) > 0 {
		ids := contactIDs[:min(chunk, len(contactIDs))]
		contactIDs = contactIDs[len(ids):]
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		rows, err := db.reader(ctx).QueryContext(ctx, `SELECT contact_id, number FROM orders WHERE contact_id IN (?`+strings.Repeat(",?", len(ids)-1)+`)
			ORDER BY contact_id, closed, created_ms DESC, id`, args...)
		if err != nil {
			return nil, fmt.Errorf("order numbers: %w", err)
		}
		for rows.Next() {
			var id, number string
			if err := rows.Scan(&id, &number); err != nil {
				rows.Close()
				return nil, fmt.Errorf("order numbers: %w", err)
			}
			if _, ok := out[id]; !ok {
				out[id] = number
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("order numbers: %w", err)
		}
	}
	return out, nil
}

// OrderMoves lists an order's stage moves, oldest first.
func (db *DB) OrderMoves(ctx context.Context, orderID string) ([]orders.Move, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT from_stage, to_stage, by_name, at_ms FROM order_stage_changes WHERE order_id = ? ORDER BY at_ms, id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("list order moves: %w", err)
	}
	defer rows.Close()
	out := []orders.Move{}
	for rows.Next() {
		var m orders.Move
		var at int64
		if err := rows.Scan(&m.From, &m.To, &m.By, &at); err != nil {
			return nil, fmt.Errorf("list order moves: %w", err)
		}
		m.At = fromMS(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// NextDocumentNumber is the number the next document of kind for the order
// will take: the order's number, O (offer) or F (invoice), and a count.
func (db *DB) NextDocumentNumber(ctx context.Context, o *orders.Order, kind string) (string, error) {
	var n int
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM documents WHERE order_id = ? AND kind = ?`, o.ID, kind).Scan(&n); err != nil {
		return "", fmt.Errorf("count documents: %w", err)
	}
	letter := "O"
	if kind == orders.KindInvoice {
		letter = "F"
	}
	return fmt.Sprintf("%s/%s%d", o.Number, letter, n+1), nil
}

// IssueDocument stores an issued document with its files exactly as
// rendered. A new invoice supersedes the order's earlier ones and carries
// over what was paid on them. A number taken meanwhile is a conflict.
func (db *DB) IssueDocument(ctx context.Context, d *orders.Document, pdf, xlsx []byte) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := liveContact(ctx, tx, d.ContactID); err != nil {
			return err
		}
		if d.Kind == orders.KindInvoice {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(paid_minor), 0) FROM documents WHERE order_id = ? AND kind = 'invoice' AND superseded = 0`, d.OrderID).Scan(&d.Paid); err != nil {
				return fmt.Errorf("carry payments: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE documents SET superseded = 1 WHERE order_id = ? AND kind = 'invoice'`, d.OrderID); err != nil {
				return fmt.Errorf("supersede invoices: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO documents (id, number, kind, order_id, contact_id, lang, currency, gross_minor, paid_minor, issued_ms, due_ms, by_name, pdf, xlsx, pdf_sha256)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.Number, d.Kind, d.OrderID, d.ContactID, d.Lang, d.Currency, d.Gross, d.Paid,
			ms(d.IssuedAt), ms(d.DueAt), d.By, pdf, xlsx, d.PDFSHA256)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return contacts.Errorf(contacts.EConflict, "document number %s was just taken: issue it again", d.Number)
			}
			return fmt.Errorf("store document: %w", err)
		}
		now := db.Now()
		if err := audit(ctx, tx, now, "document.issue", d.ContactID, d.Kind+" "+d.Number); err != nil {
			return err
		}
		return refreshCardMoney(ctx, tx, d.ContactID, ms(now))
	})
	if err != nil {
		return fmt.Errorf("issue document: %w", err)
	}
	return nil
}

const documentCols = `id, number, kind, order_id, contact_id, lang, currency, gross_minor, paid_minor, issued_ms, due_ms, by_name, pdf_sha256`

func scanDocument(sc interface{ Scan(...any) error }) (*orders.Document, error) {
	d := &orders.Document{}
	var issued, due int64
	if err := sc.Scan(&d.ID, &d.Number, &d.Kind, &d.OrderID, &d.ContactID, &d.Lang, &d.Currency, &d.Gross, &d.Paid, &issued, &due, &d.By, &d.PDFSHA256); err != nil {
		return nil, err
	}
	d.IssuedAt, d.DueAt = fromMS(issued), fromMS(due)
	return d, nil
}

// DocumentsOf lists the documents of a contact (or, with orderID set, of
// one order), newest first.
func (db *DB) DocumentsOf(ctx context.Context, contactID, orderID string) ([]*orders.Document, error) {
	q, arg := `SELECT `+documentCols+` FROM documents WHERE contact_id = ? ORDER BY issued_ms DESC, number DESC LIMIT 500`, contactID
	if orderID != "" {
		q, arg = `SELECT `+documentCols+` FROM documents WHERE order_id = ? ORDER BY issued_ms DESC, number DESC LIMIT 500`, orderID
	}
	rows, err := db.reader(ctx).QueryContext(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	out := []*orders.Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Document returns a document's details (without its files).
func (db *DB) Document(ctx context.Context, id string) (*orders.Document, error) {
	d, err := scanDocument(db.reader(ctx).QueryRowContext(ctx, `SELECT `+documentCols+` FROM documents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contacts.Errorf(contacts.ENotFound, "document %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read document: %w", err)
	}
	return d, nil
}

// DocumentFile returns a document and one of its files ("pdf" or "xlsx")
// exactly as issued.
func (db *DB) DocumentFile(ctx context.Context, id, format string) (*orders.Document, []byte, error) {
	col := map[string]string{"pdf": "pdf", "xlsx": "xlsx"}[format]
	if col == "" {
		return nil, nil, contacts.Errorf(contacts.EInvalid, "format: pdf or xlsx")
	}
	var file []byte
	row := db.reader(ctx).QueryRowContext(ctx, `SELECT `+documentCols+`, `+col+` FROM documents WHERE id = ?`, id)
	d := &orders.Document{}
	var issued, due int64
	err := row.Scan(&d.ID, &d.Number, &d.Kind, &d.OrderID, &d.ContactID, &d.Lang, &d.Currency, &d.Gross, &d.Paid, &issued, &due, &d.By, &d.PDFSHA256, &file)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, contacts.Errorf(contacts.ENotFound, "document %s not found", id)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read document: %w", err)
	}
	d.IssuedAt, d.DueAt = fromMS(issued), fromMS(due)
	return d, file, nil
}

// RecordPayment records money received against an invoice. More than the
// invoice still owes, a payment on an offer or on a superseded invoice is
// refused and nothing changes.
func (db *DB) RecordPayment(ctx context.Context, p *orders.Payment) error {
	if p.Amount <= 0 {
		return contacts.Errorf(contacts.EInvalid, "amount: more than 0")
	}
	if len(p.Note) > 1000 {
		return contacts.Errorf(contacts.EInvalid, "note: at most 1000 bytes")
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var kind, contactID, number string
		var gross, paid int64
		var superseded bool
		err := tx.QueryRowContext(ctx, `SELECT kind, contact_id, number, gross_minor, paid_minor, superseded FROM documents WHERE id = ?`, p.DocumentID).
			Scan(&kind, &contactID, &number, &gross, &paid, &superseded)
		if errors.Is(err, sql.ErrNoRows) {
			return contacts.Errorf(contacts.ENotFound, "invoice %s not found", p.DocumentID)
		}
		if err != nil {
			return fmt.Errorf("read invoice: %w", err)
		}
		switch {
		case kind != orders.KindInvoice:
			return contacts.Errorf(contacts.EInvalid, "%s is an offer: payments go against an invoice", number)
		case superseded:
			return contacts.Errorf(contacts.EInvalid, "invoice %s was replaced by a newer one: pay that", number)
		case p.Amount > gross-paid:
			return contacts.Errorf(contacts.EInvalid, "amount: %d is more than the %d invoice %s still owes", p.Amount, max(gross-paid, 0), number)
		}
		now := db.Now()
		if p.At.IsZero() {
			p.At = now
		}
		p.ID = contacts.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO payments (id, document_id, amount_minor, at_ms, by_name, note) VALUES (?, ?, ?, ?, ?, ?)`,
			p.ID, p.DocumentID, p.Amount, ms(p.At), p.By, p.Note); err != nil {
			return fmt.Errorf("store payment: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET paid_minor = paid_minor + ? WHERE id = ?`, p.Amount, p.DocumentID); err != nil {
			return fmt.Errorf("store payment: %w", err)
		}
		if err := audit(ctx, tx, now, "payment.record", contactID, fmt.Sprintf("%s: %d", number, p.Amount)); err != nil {
			return err
		}
		return refreshCardMoney(ctx, tx, contactID, ms(now))
	})
	if err != nil {
		return fmt.Errorf("record payment: %w", err)
	}
	return nil
}

// PaymentsOf lists the payments against a contact's invoices, newest first.
func (db *DB) PaymentsOf(ctx context.Context, contactID string) ([]*orders.Payment, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT p.id, p.document_id, p.amount_minor, p.at_ms, p.by_name, p.note FROM payments p
		JOIN documents d ON d.id = p.document_id WHERE d.contact_id = ? ORDER BY p.at_ms DESC LIMIT 500`, contactID)
	if err != nil {
		return nil, fmt.Errorf("list payments: %w", err)
	}
	defer rows.Close()
	out := []*orders.Payment{}
	for rows.Next() {
		p := &orders.Payment{}
		var at int64
		if err := rows.Scan(&p.ID, &p.DocumentID, &p.Amount, &at, &p.By, &p.Note); err != nil {
			return nil, fmt.Errorf("list payments: %w", err)
		}
		p.At = fromMS(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// refreshMoney rewrites a contact's contact_money rows from its orders and
// invoices, inside the write's transaction, so the card reads one row.
func refreshMoney(ctx context.Context, tx *sql.Tx, contactID string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_money WHERE contact_id = ?`, contactID); err != nil {
		return fmt.Errorf("refresh money: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO contact_money (contact_id, currency, open_orders, debt_minor, oldest_due_ms)
		SELECT ?, currency, SUM(open), SUM(debt), COALESCE(MIN(due), 0) FROM (
			SELECT currency, 1 - closed AS open, 0 AS debt, NULL AS due FROM orders WHERE contact_id = ?
			UNION ALL
			SELECT currency, 0, gross_minor - paid_minor, due_ms FROM documents
				WHERE contact_id = ? AND kind = 'invoice' AND superseded = 0 AND paid_minor < gross_minor)
		GROUP BY currency HAVING SUM(open) > 0 OR SUM(debt) > 0`, contactID, contactID, contactID)
	if err != nil {
		return fmt.Errorf("refresh money: %w", err)
	}
	return nil
}

// refreshCardMoney rewrites a contact's money rows like refreshMoney and,
// when they changed (the card's debt and open-orders fields read them),
// touches the contact in the same transaction: its rev moves past the
// directory cursor and a card.updated event is stored for the phones.
func refreshCardMoney(ctx context.Context, tx *sql.Tx, contactID string, atMS int64) error {
	before, err := moneyState(ctx, tx, contactID)
	if err != nil {
		return err
	}
	if err := refreshMoney(ctx, tx, contactID); err != nil {
		return err
	}
	after, err := moneyState(ctx, tx, contactID)
	if err != nil {
		return err
	}
	if before == after {
		return nil
	}
	return touchContact(ctx, tx, contactID, atMS)
}

// TouchOverdueCards stores card.updated for every live client owing money
// on an invoice due before dueBefore, and moves each past the directory
// cursor: at the office's midnight their "N days overdue" text changed
// without any write. Up to batch clients are touched per background
// transaction, which commits early when a foreground writer (a call) is
// waiting, so that writer waits for one client, not a batch. It returns
// how many clients were touched.
func (db *DB) TouchOverdueCards(ctx context.Context, dueBefore time.Time, batch int) (int, error) {
	if batch <= 0 {
		batch = 200
	}
	n, after := 0, ""
	for {
		var listed, touched int
		err := db.inBackgroundTx(ctx, func(tx *sql.Tx) error {
			ids, err := overdueClients(ctx, tx, ms(dueBefore), after, batch)
			if err != nil {
				return err
			}
			listed = len(ids)
			now := ms(db.Now())
			for _, id := range ids {
				if touched > 0 && db.writeWanted() {
					break // the rest in the next transaction
				}
				if err := touchContact(ctx, tx, id, now); err != nil {
					return err
				}
				touched++
				after = id
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("touch overdue cards: %w", err)
		}
		n += touched
		if listed < batch && touched == listed {
			return n, nil
		}
	}
}

// overdueClients is up to limit live clients after the id `after` who owe
// money on an invoice due before dueMS, by id.
func overdueClients(ctx context.Context, tx *sql.Tx, dueMS int64, after string, limit int) ([]string, error) {
	return ids[string](ctx, tx, `SELECT DISTINCT m.contact_id FROM contact_money m JOIN contacts c ON c.id = m.contact_id AND c.deleted = 0
		WHERE m.contact_id > ? AND m.debt_minor > 0 AND m.oldest_due_ms > 0 AND m.oldest_due_ms < ?
		ORDER BY m.contact_id LIMIT ?`, after, dueMS, limit)
}

// moneyState is a contact's contact_money rows as one comparable string.
func moneyState(ctx context.Context, tx *sql.Tx, contactID string) (string, error) {
	var s string
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(group_concat(row, ';'), '') FROM (
		SELECT currency || ':' || open_orders || ':' || debt_minor || ':' || oldest_due_ms AS row
		FROM contact_money WHERE contact_id = ? ORDER BY currency)`, contactID).Scan(&s)
	if err != nil {
		return "", fmt.Errorf("read money summary: %w", err)
	}
	return s, nil
}

// MoneySummary is what a contact has open and owes per currency: the card's
// debt and open-orders fields read it (one indexed row per currency).
func (db *DB) MoneySummary(ctx context.Context, contactID string) ([]orders.Summary, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT currency, open_orders, debt_minor, oldest_due_ms FROM contact_money WHERE contact_id = ?`, contactID)
	if err != nil {
		return nil, fmt.Errorf("read money summary: %w", err)
	}
	defer rows.Close()
	var out []orders.Summary
	for rows.Next() {
		var s orders.Summary
		var due int64
		if err := rows.Scan(&s.Currency, &s.OpenOrders, &s.Debt, &due); err != nil {
			return nil, fmt.Errorf("read money summary: %w", err)
		}
		s.OldestDue = fromMS(due)
		out = append(out, s)
	}
	return out, rows.Err()
}

// ForecastInput reads what the forecast needs for one currency: open
// orders, orders closed since `since`, unpaid invoices, and calls per staff
// member since `since`.
func (db *DB) ForecastInput(ctx context.Context, currency string, since time.Time) (orders.ForecastInput, error) {
	in := orders.ForecastInput{Currency: currency, Calls: map[string]int{}}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT stage, handler, net_minor, cost_minor, expected, created_ms FROM orders WHERE closed = 0 AND currency = ?`, currency)
	if err != nil {
		return in, fmt.Errorf("forecast: open orders: %w", err)
	}
	for rows.Next() {
		var o orders.OpenOrder
		var expected string
		var created int64
		if err := rows.Scan(&o.Stage, &o.Handler, &o.Net, &o.Cost, &expected, &created); err != nil {
			rows.Close()
			return in, fmt.Errorf("forecast: open orders: %w", err)
		}
		if t, err := time.Parse(time.DateOnly, expected); err == nil {
			o.Close = t
		} else {
			o.Close = fromMS(created).AddDate(0, 1, 0)
		}
		in.Open = append(in.Open, o)
	}
	rows.Close()
	rows, err = db.reader(ctx).QueryContext(ctx, `SELECT o.handler, o.won, o.net_minor, o.cost_minor, o.created_ms, o.closed_ms,
			CASE WHEN o.won = 1 THEN COALESCE((SELECT MAX(p.at_ms) FROM documents d JOIN payments p ON p.document_id = d.id
				WHERE d.order_id = o.id AND d.kind = 'invoice' AND d.superseded = 0 AND d.paid_minor >= d.gross_minor), 0) ELSE 0 END
		FROM orders o WHERE o.closed = 1 AND o.currency = ? AND o.closed_ms >= ?`, currency, ms(since))
	if err != nil {
		return in, fmt.Errorf("forecast: closed orders: %w", err)
	}
	for rows.Next() {
		var o orders.ClosedOrder
		var created, closed, paid int64
		if err := rows.Scan(&o.Handler, &o.Won, &o.Net, &o.Cost, &created, &closed, &paid); err != nil {
			rows.Close()
			return in, fmt.Errorf("forecast: closed orders: %w", err)
		}
		o.Created, o.Closed, o.PaidAt = fromMS(created), fromMS(closed), fromMS(paid)
		in.Closed = append(in.Closed, o)
	}
	rows.Close()
	rows, err = db.reader(ctx).QueryContext(ctx, `SELECT gross_minor - paid_minor, due_ms FROM documents
		WHERE kind = 'invoice' AND superseded = 0 AND paid_minor < gross_minor AND currency = ?`, currency)
	if err != nil {
		return in, fmt.Errorf("forecast: unpaid invoices: %w", err)
	}
	for rows.Next() {
		var u orders.Unpaid
		var due int64
		if err := rows.Scan(&u.Owed, &due); err != nil {
			rows.Close()
			return in, fmt.Errorf("forecast: unpaid invoices: %w", err)
		}
		u.Due = fromMS(due)
		in.Unpaid = append(in.Unpaid, u)
	}
	rows.Close()
	rows, err = db.reader(ctx).QueryContext(ctx, `SELECT by_name, COUNT(*) FROM calls WHERE started_ms >= ? GROUP BY by_name`, ms(since))
	if err != nil {
		return in, fmt.Errorf("forecast: calls: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return in, fmt.Errorf("forecast: calls: %w", err)
		}
		in.Calls[name] = n
	}
	return in, rows.Err()
}

// moveMoney moves orders and documents from one contact to another in a
// merge (back nil: all of them) or its undo (back: the ones the merge
// moved), and rebuilds both contacts' money rows. No card.updated here:
// the merge and its undo save the contacts in the same transaction
// (saveContact: a new rev and card.updated each; the gone one a tombstone).
func moveMoney(ctx context.Context, tx *sql.Tx, from, to string, back *movedRows) error {
	for _, table := range []string{"orders", "documents"} {
		q, args := `UPDATE `+table+` SET contact_id = ? WHERE contact_id = ?`, []any{to, from}
		if back != nil {
			list := back.Orders
			if table == "documents" {
				list = back.Documents
			}
			js, _ := jsonString(list)
			q, args = q+` AND id IN (SELECT value FROM json_each(?))`, append(args, js)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("move %s: %w", table, err)
		}
	}
	if err := refreshMoney(ctx, tx, from); err != nil {
		return err
	}
	return refreshMoney(ctx, tx, to)
}
