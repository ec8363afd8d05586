package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/ringcard/ringcard/orders"
)

// ExportOrders reads every order with its moves, every document with its
// files and every payment.
func (db *DB) ExportOrders(ctx context.Context) (*orders.Archive, error) {
	a := &orders.Archive{Orders: []orders.ArchivedOrder{}, Documents: []orders.ArchivedDocument{}, Payments: []orders.Payment{}}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id FROM orders ORDER BY created_ms, id`)
	if err != nil {
		return nil, fmt.Errorf("export orders: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("export orders: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		o, err := orderByID(ctx, db.reader(ctx), id)
		if err != nil {
			return nil, err
		}
		moves, err := db.OrderMoves(ctx, id)
		if err != nil {
			return nil, err
		}
		a.Orders = append(a.Orders, orders.ArchivedOrder{Order: *o, Moves: moves})
	}
	rows, err = db.reader(ctx).QueryContext(ctx, `SELECT `+documentCols+`, superseded, pdf, xlsx FROM documents ORDER BY issued_ms, number`)
	if err != nil {
		return nil, fmt.Errorf("export documents: %w", err)
	}
	for rows.Next() {
		var d orders.ArchivedDocument
		var issued, due int64
		if err := rows.Scan(&d.ID, &d.Number, &d.Kind, &d.OrderID, &d.ContactID, &d.Lang, &d.Currency, &d.Gross, &d.Paid, &issued, &due, &d.By,
			&d.PDFSHA256, &d.Superseded, &d.PDF, &d.XLSX); err != nil {
			rows.Close()
			return nil, fmt.Errorf("export documents: %w", err)
		}
		d.IssuedAt, d.DueAt = fromMS(issued), fromMS(due)
		a.Documents = append(a.Documents, d)
	}
	rows.Close()
	rows, err = db.reader(ctx).QueryContext(ctx, `SELECT id, document_id, amount_minor, at_ms, by_name, note FROM payments ORDER BY at_ms, id`)
	if err != nil {
		return nil, fmt.Errorf("export payments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p orders.Payment
		var at int64
		if err := rows.Scan(&p.ID, &p.DocumentID, &p.Amount, &at, &p.By, &p.Note); err != nil {
			return nil, fmt.Errorf("export payments: %w", err)
		}
		p.At = fromMS(at)
		a.Payments = append(a.Payments, p)
	}
	return a, rows.Err()
}

// ImportOrders stores an archive's orders, documents and payments as they
// were (ids, numbers, files), skipping any id already present, in one
// transaction; it advances the year counters past the imported numbers and
// rebuilds each client's money row (a changed row stores card.updated for
// the client, as an order written here does). Orders whose contact is
// missing are refused: import the contacts first.
func (db *DB) ImportOrders(ctx context.Context, a *orders.Archive, p Pipeline) (int, error) {
	n := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		touched := map[string]bool{}
		for i := range a.Orders {
			o := &a.Orders[i].Order
			if err := o.Validate(); err != nil {
				return fmt.Errorf("order %s: %w", o.Number, err)
			}
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders WHERE id = ?`, o.ID).Scan(&exists); err != nil {
				return fmt.Errorf("import order: %w", err)
			}
			if exists > 0 {
				continue
			}
			if err := liveContact(ctx, tx, o.ContactID); err != nil {
				return fmt.Errorf("order %s: %w", o.Number, err)
			}
			if err := saveOrder(ctx, tx, o, p, true); err != nil {
				return err
			}
			for _, m := range a.Orders[i].Moves {
				if _, err := tx.ExecContext(ctx, `INSERT INTO order_stage_changes (order_id, from_stage, to_stage, by_name, at_ms) VALUES (?, ?, ?, ?, ?)`,
					o.ID, m.From, m.To, m.By, ms(m.At)); err != nil {
					return fmt.Errorf("import order moves: %w", err)
				}
			}
			if parts := strings.Split(o.Number, "-"); len(parts) >= 3 {
				year, _ := strconv.Atoi(parts[len(parts)-2])
				num, _ := strconv.Atoi(parts[len(parts)-1])
				if year > 0 && num > 0 {
					if _, err := tx.ExecContext(ctx, `INSERT INTO order_counters (year, last) VALUES (?, ?)
						ON CONFLICT (year) DO UPDATE SET last = MAX(last, excluded.last)`, year, num); err != nil {
						return fmt.Errorf("import order counters: %w", err)
					}
				}
			}
			touched[o.ContactID] = true
			n++
		}
		for _, d := range a.Documents {
			res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO documents (id, number, kind, order_id, contact_id, lang, currency, gross_minor, paid_minor, issued_ms, due_ms, by_name, pdf, xlsx, pdf_sha256, superseded)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.Number, d.Kind, d.OrderID, d.ContactID, d.Lang, d.Currency, d.Gross, d.Paid,
				ms(d.IssuedAt), ms(d.DueAt), d.By, d.PDF, d.XLSX, d.PDFSHA256, d.Superseded)
			if err != nil {
				return fmt.Errorf("import document %s: %w", d.Number, err)
			}
			if k, _ := res.RowsAffected(); k > 0 {
				touched[d.ContactID] = true
			}
		}
		for _, pm := range a.Payments {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO payments (id, document_id, amount_minor, at_ms, by_name, note) VALUES (?, ?, ?, ?, ?, ?)`,
				pm.ID, pm.DocumentID, pm.Amount, ms(pm.At), pm.By, pm.Note); err != nil {
				return fmt.Errorf("import payment: %w", err)
			}
		}
		now := ms(db.Now())
		for id := range touched {
			if err := refreshCardMoney(ctx, tx, id, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("import orders: %w", err)
	}
	return n, nil
}
