package dataio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/internal/fsperm"
	"github.com/ringcard/ringcard/orders"
)

// OrdersPath is where an export puts the orders, documents (their files as
// issued) and payments: a JSON file next to it, named after the file and
// its kind (clients.xlsx -> clients-xlsx-orders.json). An import finds it
// there.
func OrdersPath(path string) string {
	ext := filepath.Ext(path)
	kind := strings.ToLower(strings.TrimPrefix(ext, "."))
	if kind == "" {
		return path + "-orders.json"
	}
	return strings.TrimSuffix(path, ext) + "-" + kind + "-orders.json"
}

// exportOrders writes the orders file next to path when there are orders.
func exportOrders(ctx context.Context, db *sqlite.DB, path string, res *ExportResult) error {
	a, err := db.ExportOrders(ctx)
	if err != nil {
		return err
	}
	if len(a.Orders) == 0 && len(a.Documents) == 0 {
		return nil
	}
	op := OrdersPath(path)
	err = fsperm.WriteAtomic(op, fsperm.File, func(f *os.File) error { return json.NewEncoder(f).Encode(a) })
	if err != nil {
		return fmt.Errorf("export orders: %w", err)
	}
	res.Orders = len(a.Orders)
	res.Files = append(res.Files, op)
	return nil
}

// readSiblingOrders reads the orders file an export put next to path.
func readSiblingOrders(path string, src *Source) error {
	op := OrdersPath(path)
	data, err := os.ReadFile(op)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", op, err)
	}
	a := &orders.Archive{}
	if err := json.Unmarshal(data, a); err != nil {
		return fmt.Errorf("read %s: %w", op, err)
	}
	src.Orders = a
	return nil
}

// applyOrders stores the source's orders once its contacts are in.
func (p *Plan) applyOrders(ctx context.Context, db *sqlite.DB) error {
	if p.Source == nil || p.Source.Orders == nil {
		return nil
	}
	pl, err := db.Pipeline(ctx)
	if err != nil {
		return err
	}
	_, err = db.ImportOrders(ctx, p.Source.Orders, pl)
	return err
}
