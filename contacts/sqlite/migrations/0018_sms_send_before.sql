-- The latest moment the phone given an SMS may send it (sms.send's
-- send_before); 0 when none was set. A dispatched SMS past it with no word
-- from its phone is handed to another phone of its send.
ALTER TABLE messages ADD COLUMN send_before_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_send_before ON messages(send_before_ms) WHERE status = 'dispatched' AND send_before_ms > 0;
