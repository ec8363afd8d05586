-- Orders: a contact's items in one currency, moving through the pipeline.
-- Amounts are integers of the currency's smallest unit; quantities are
-- thousandths; rates hundredths of a percent (orders package).
CREATE TABLE orders (
    id           TEXT PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,       -- RC-2026-0001
    contact_id   TEXT NOT NULL,
    currency     TEXT NOT NULL,
    handler      TEXT NOT NULL,
    stage        TEXT NOT NULL,
    closed       INTEGER NOT NULL DEFAULT 0,  -- 1 in the pipeline's last or lost stage
    won          INTEGER NOT NULL DEFAULT 0,  -- 1 in the last stage
    net_minor    INTEGER NOT NULL,            -- totals, kept for the forecast
    gross_minor  INTEGER NOT NULL,
    cost_minor   INTEGER NOT NULL,
    data         TEXT NOT NULL,               -- orders.Order as JSON (lines included)
    expected     TEXT NOT NULL DEFAULT '',    -- YYYY-MM-DD
    created_ms   INTEGER NOT NULL,
    updated_ms   INTEGER NOT NULL,
    closed_ms    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_contact ON orders(contact_id, created_ms);
CREATE INDEX orders_open ON orders(currency, closed, closed_ms);

-- Every stage move of an order.
CREATE TABLE order_stage_changes (
    id         INTEGER PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders(id),
    from_stage TEXT NOT NULL,
    to_stage   TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    at_ms      INTEGER NOT NULL
);
CREATE INDEX order_stage_changes_order ON order_stage_changes(order_id, at_ms);

-- Per-year counters of order numbers, taken in the order's transaction.
CREATE TABLE order_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

-- Issued offers and invoices: the files as issued, never rebuilt.
CREATE TABLE documents (
    id          TEXT PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,               -- offer, invoice
    order_id    TEXT NOT NULL REFERENCES orders(id),
    contact_id  TEXT NOT NULL,
    lang        TEXT NOT NULL,
    currency    TEXT NOT NULL,
    gross_minor INTEGER NOT NULL,
    paid_minor  INTEGER NOT NULL DEFAULT 0,
    issued_ms   INTEGER NOT NULL,
    due_ms      INTEGER NOT NULL DEFAULT 0,
    by_name     TEXT NOT NULL,
    pdf         BLOB NOT NULL,
    xlsx        BLOB NOT NULL,
    pdf_sha256  TEXT NOT NULL,
    superseded  INTEGER NOT NULL DEFAULT 0   -- 1 once a newer invoice of the order replaces it
);
CREATE INDEX documents_contact ON documents(contact_id, issued_ms);
CREATE INDEX documents_order ON documents(order_id);

CREATE TABLE payments (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    at_ms        INTEGER NOT NULL,
    by_name      TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payments_document ON payments(document_id);

-- What each contact has open and owes, per currency: the one row the card
-- reads, rewritten in the same transaction as every order, invoice and
-- payment write.
CREATE TABLE contact_money (
    contact_id   TEXT NOT NULL,
    currency     TEXT NOT NULL,
    open_orders  INTEGER NOT NULL,
    debt_minor   INTEGER NOT NULL,
    oldest_due_ms INTEGER NOT NULL,
    PRIMARY KEY (contact_id, currency)
) WITHOUT ROWID;
