-- Calls whose end a phone never reported (it crashed, lost its network,
-- was switched off) are closed by the server: end_unreported says why
-- (next_call: a newer call on the same phone and SIM; open_limit: open
-- longer than calls.open_limit; phone_gone: the phone's socket went away
-- and it was not heard from again; phone_resume: the phone, back, said the
-- call is no longer open). outcome stays '' (the protocol's outcomes are
-- what the phone saw) and ended_ms is when the server closed it.
ALTER TABLE calls ADD COLUMN end_unreported TEXT NOT NULL DEFAULT '';

-- Calls left open before this version and older than its 4-hour window
-- were already shown as over; close them here, quietly (no event per
-- contact), rather than in the first sweep.
UPDATE calls SET ended_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), end_unreported = 'open_limit'
WHERE outcome = '' AND ended_ms = 0 AND started_ms < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 4 * 3600 * 1000;

-- Calls still open: few rows, read on every call (same phone and SIM) and
-- by the sweep of calls past the bound.
CREATE INDEX calls_unended_sim ON calls(device_id, sim_slot) WHERE outcome = '' AND ended_ms = 0;
CREATE INDEX calls_unended_started ON calls(started_ms) WHERE outcome = '' AND ended_ms = 0;

-- SIM policies chosen when the pairing code was made ({"1":"work",...}),
-- kept on the device as pending until the phone reports those slots.
ALTER TABLE pair_codes ADD COLUMN sim_policies TEXT NOT NULL DEFAULT '{}';
ALTER TABLE devices ADD COLUMN pending_sim_policies TEXT NOT NULL DEFAULT '{}';
