-- Two lanes for the Google outbox: staff's single changes (bulk = 0) go out
-- before bulk jobs (imports, what a full sync found Google lacks: bulk = 1),
-- so a note taken during a long import reaches Google within a minute.
ALTER TABLE sync_outbox ADD COLUMN bulk INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sync_outbox_lane ON sync_outbox(bulk, id);
