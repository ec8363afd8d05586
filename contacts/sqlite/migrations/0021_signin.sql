-- An account's credential generation: it goes up when the account's
-- password is set, its role changes or it is disabled. A browser's device
-- cookie (server/web/throttle.go) is signed with the generation it was
-- given under, so a new password leaves no browser able to skip the
-- sign-in delays on the strength of having known the old one.
ALTER TABLE users ADD COLUMN cred_gen INTEGER NOT NULL DEFAULT 0;
