package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	msqlite "modernc.org/sqlite"
)

// cachingDriverName is modernc's SQLite driver with a per-connection cache of
// prepared statements. modernc parses and plans every query again on each
// call (about a third of the card path's time); with the cache, the hot
// queries are prepared once per connection. Statements are finalized when
// their connection closes, or when the cache is full.
const cachingDriverName = "sqlite-ringcard"

func init() {
	sql.Register(cachingDriverName, cachingDriver{base: &msqlite.Driver{}})
}

// maxCachedStmts bounds the cache: queries built from filters have many
// texts.
const maxCachedStmts = 256

type cachingDriver struct{ base driver.Driver }

func (d cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.base.Open(name)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: c, stmts: map[string]*cachedStmt{}}, nil
}

type cachingConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	driver.Stmt
	busy bool // rows of it are open: it cannot be run again or finalized now
}

// Close keeps the statement for reuse; the connection finalizes it.
func (s *cachedStmt) Close() error { return nil }

func (s *cachedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *cachedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, stmt: s}, nil
}

// cachedRows frees its statement for reuse when closed.
type cachedRows struct {
	driver.Rows
	stmt *cachedStmt
}

func (r *cachedRows) Close() error {
	r.stmt.busy = false
	return r.Rows.Close()
}

// uncachedStmt is a statement prepared for one use, while the cached one
// of the same text has open rows; it is finalized when closed.
type uncachedStmt struct{ driver.Stmt }

func (s uncachedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s uncachedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s, ok := c.stmts[query]
	if ok && !s.busy {
		return s, nil
	}
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if ok { // the same query nested inside its own open rows
		return uncachedStmt{st}, nil
	}
	if len(c.stmts) >= maxCachedStmts {
		c.flush()
	}
	s = &cachedStmt{Stmt: st}
	c.stmts[query] = s
	return s, nil
}

// ExecContext runs scripts of several statements (migrations) directly and
// everything else through the cache.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if multiStatement(query) {
		return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	}
	s, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if u, ok := s.(uncachedStmt); ok {
		defer u.Close()
	}
	return s.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if u, ok := s.(uncachedStmt); ok {
		rows, err := u.QueryContext(ctx, args)
		if err != nil {
			u.Close()
			return nil, err
		}
		return &closingRows{Rows: rows, stmt: u}, nil
	}
	return s.(driver.StmtQueryContext).QueryContext(ctx, args)
}

// closingRows finalizes a one-use statement with its rows.
type closingRows struct {
	driver.Rows
	stmt uncachedStmt
}

func (r *closingRows) Close() error {
	err := r.Rows.Close()
	if cerr := r.stmt.Close(); err == nil {
		err = cerr
	}
	return err
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// flush finalizes the cached statements that have no open rows.
func (c *cachingConn) flush() {
	for q, s := range c.stmts {
		if s.busy {
			continue
		}
		_ = s.Stmt.Close()
		delete(c.stmts, q)
	}
}

func (c *cachingConn) Close() error {
	for q, s := range c.stmts {
		_ = s.Stmt.Close()
		delete(c.stmts, q)
	}
	if err := c.Conn.Close(); err != nil {
		return fmt.Errorf("close connection: %w", err)
	}
	return nil
}

// multiStatement reports whether query has more than one statement (a ';'
// followed by more SQL). Quoted semicolons make it err on the safe side:
// such a query just skips the cache.
func multiStatement(query string) bool {
	i := strings.IndexByte(query, ';')
	return i >= 0 && strings.TrimSpace(query[i+1:]) != ""
}
