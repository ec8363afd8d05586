-- Device health, kept where `ringcard devices list` (another process) sees it.
ALTER TABLE devices ADD COLUMN connected INTEGER NOT NULL DEFAULT 0;     -- a websocket is open now
ALTER TABLE devices ADD COLUMN channel TEXT NOT NULL DEFAULT '';         -- websocket, fcm, or '' (none yet)
ALTER TABLE devices ADD COLUMN last_error TEXT NOT NULL DEFAULT '';      -- last delivery error
ALTER TABLE devices ADD COLUMN last_error_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN silent_ms INTEGER NOT NULL DEFAULT 0;     -- when it was flagged silent (0: not flagged)

-- Calls in progress, by contact ("on a call with ..." on other phones'
-- cards) and for the whole office (the live board).
CREATE INDEX calls_open ON calls(contact_id, outcome, started_ms);
CREATE INDEX calls_open_all ON calls(outcome, started_ms);
