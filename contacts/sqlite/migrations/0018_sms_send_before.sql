-- The latest moment the phone given an SMS may send it (sms.send's
-- send_before); 0 when none was set. A dispatched SMS past it with no word
-- from its phone is handed to another phone of its send. (Dispatched
-- messages are few and found through messages_due: no index of its own.)
ALTER TABLE messages ADD COLUMN send_before_ms INTEGER NOT NULL DEFAULT 0;
