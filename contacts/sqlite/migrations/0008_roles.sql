-- Roles of the office web view's accounts, and what sign-in protection
-- needs.
--
-- Every account that exists before this migration becomes an admin: before
-- roles every account could do everything, and an install must not find
-- itself with no admin. New accounts are staff unless said otherwise (the
-- very first account of a new install is an admin: see AddUser).
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'staff' CHECK (role IN ('admin', 'staff'));
UPDATE users SET role = 'admin';

-- Where an audited action came from (a web client's address); '' for
-- phones, the sync and the command line.
ALTER TABLE audit_log ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- The device cookie a sign-in attempt carried (a hash of its id, '' for
-- none): failures with a browser's own device cookie slow down only that
-- browser, never the account everywhere.
ALTER TABLE login_attempts ADD COLUMN device TEXT NOT NULL DEFAULT '';
CREATE INDEX login_attempts_device ON login_attempts(device, at_ms) WHERE device <> '';
