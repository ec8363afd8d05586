-- An account's credential generation: it goes up when the account's
-- password is set, its role changes or it is disabled. A browser's device
-- cookie (server/web/throttle.go) is signed with the generation it was
-- given under, so a new password leaves no browser able to skip the
-- sign-in delays on the strength of having known the old one.
ALTER TABLE users ADD COLUMN cred_gen INTEGER NOT NULL DEFAULT 0;

-- Retention (sqlite.PruneLogs): sign-in attempts and the audit log's
-- refused sign-ins are deleted oldest first after signin_retention, the
-- rest of the audit log after audit_retention. These indexes find the
-- oldest rows without reading the others; the second holds only refused
-- sign-ins, so no other audit write pays for it.
CREATE INDEX login_attempts_at ON login_attempts(at_ms);
CREATE INDEX audit_log_refused_signins ON audit_log(at_ms)
    WHERE action IN ('signin.bad_password', 'signin.unknown_user', 'signin.disabled', 'signin.throttled', 'signin.locked');
