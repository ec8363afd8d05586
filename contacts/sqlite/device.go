package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ringcard/ringcard/contacts"
)

// HashSecret is how pairing codes and tokens are stored: never in clear.
func HashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// AddPairCode stores a one-time pairing code (its hash) for a phone that will
// be carried by `name`.
func (db *DB) AddPairCode(ctx context.Context, code, name string, expires time.Time) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// Forget codes that expired a day ago: they can only be rejected.
		if _, err := tx.ExecContext(ctx, `DELETE FROM pair_codes WHERE expires_ms < ?`, ms(db.Now().Add(-24*time.Hour))); err != nil {
			return fmt.Errorf("forget old codes: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO pair_codes (code_hash, name, created_ms, expires_ms) VALUES (?, ?, ?, ?)`,
			HashSecret(code), name, ms(db.Now()), ms(expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("add pairing code: %w", err)
	}
	return nil
}

// Pair uses a pairing code once and stores the new device with the hash of
// its token. A wrong, expired or used code is unauthorized. The device is
// named after the code's name unless the code had none.
//
// SIM policies chosen with the code (SetPairCodeSIMs) are applied to the
// SIMs the phone reports; those for slots it did not report stay pending
// on the device until it does (UpdateDevice).
func (db *DB) Pair(ctx context.Context, code, tokenHash string, d *contacts.Device) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var name, policies string
		var expires, used int64
		err := tx.QueryRowContext(ctx, `SELECT name, expires_ms, used_ms, sim_policies FROM pair_codes WHERE code_hash = ?`, HashSecret(code)).Scan(&name, &expires, &used, &policies)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return contacts.Errorf(contacts.EUnauthorized, "pairing code is wrong")
		case err != nil:
			return fmt.Errorf("read code: %w", err)
		case used != 0:
			return contacts.Errorf(contacts.EUnauthorized, "pairing code was already used")
		case expires < ms(db.Now()):
			return contacts.Errorf(contacts.EUnauthorized, "pairing code has expired")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pair_codes SET used_ms = ? WHERE code_hash = ?`, ms(db.Now()), HashSecret(code)); err != nil {
			return fmt.Errorf("use code: %w", err)
		}
		sims, pendingJSON, err := applyPendingPolicies(d.SIMs, policies)
		if err != nil {
			return err
		}
		d.Name = name
		if d.Name == "" {
			d.Name = d.DeviceName
		}
		var gid int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)`).Scan(&gid); err != nil {
			return fmt.Errorf("read event position: %w", err)
		}
		d.ID = contacts.NewID()
		d.CreatedAt = db.Now()
		_, err = tx.ExecContext(ctx, `INSERT INTO devices (id, name, device_name, platform, app_version, sims, fcm_token, token_hash, created_ms, last_seen_ms, base_gid, base_seq, pending_sim_policies)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`, d.ID, d.Name, d.DeviceName, d.Platform, d.AppVersion, sims, d.FCMToken, tokenHash, ms(d.CreatedAt), ms(d.CreatedAt), gid, pendingJSON)
		if err != nil {
			return fmt.Errorf("insert device: %w", err)
		}
		return audit(ctx, tx, d.CreatedAt, "device.pair", "", d.Name+" ("+d.DeviceName+")")
	})
	if err != nil {
		return fmt.Errorf("pair: %w", err)
	}
	return nil
}

// SetPairCodeSIMs records the SIM policies chosen for the phone that will
// pair with code (slot -> work, private or ignore): applied at pairing to
// the SIMs it reports, and later to the slots it reports then.
func (db *DB) SetPairCodeSIMs(ctx context.Context, code string, policies map[int]string) error {
	for slot, p := range policies {
		if slot < 1 || slot > 8 || p == "" || !contacts.ValidSIMPolicy(p) {
			return contacts.Errorf(contacts.EInvalid, "sim %d=%s: a slot from 1 to 8 and work, private or ignore", slot, p)
		}
	}
	raw, err := encodePolicies(policies)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE pair_codes SET sim_policies = ? WHERE code_hash = ? AND used_ms = 0`, raw, HashSecret(code))
		if err != nil {
			return fmt.Errorf("store SIM policies of a pairing code: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return contacts.Errorf(contacts.ENotFound, "pairing code not found or already used")
		}
		return nil
	})
}

// PendingSIMPolicies returns the policies chosen at pairing for slots the
// device has not reported yet.
func (db *DB) PendingSIMPolicies(ctx context.Context, deviceID string) (map[int]string, error) {
	var raw string
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT pending_sim_policies FROM devices WHERE id = ?`, deviceID).Scan(&raw); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, contacts.Errorf(contacts.ENotFound, "device %s not found", deviceID)
		}
		return nil, fmt.Errorf("read pending SIM policies: %w", err)
	}
	return decodePolicies(raw)
}

// decodePolicies reads {"1":"work",...}; "" is none.
func decodePolicies(raw string) (map[int]string, error) {
	out := map[int]string{}
	if raw == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, fmt.Errorf("decode SIM policies: %w", err)
	}
	return out, nil
}

func encodePolicies(p map[int]string) (string, error) {
	if p == nil {
		p = map[int]string{}
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("encode SIM policies: %w", err)
	}
	return string(b), nil
}

const deviceColumns = `id, name, device_name, platform, app_version, sims, fcm_token, created_ms, last_seen_ms, revoked_ms`

func scanDevice(s scanner) (*contacts.Device, error) {
	var d contacts.Device
	var sims string
	var created, seen, revoked int64
	if err := s.Scan(&d.ID, &d.Name, &d.DeviceName, &d.Platform, &d.AppVersion, &sims, &d.FCMToken, &created, &seen, &revoked); err != nil {
		return nil, err
	}
	simList, err := decodedSIMs.decode(sims)
	if err != nil {
		return nil, err
	}
	d.SIMs = *simList
	d.CreatedAt, d.LastSeen, d.RevokedAt = fromMS(created), fromMS(seen), fromMS(revoked)
	return &d, nil
}

// DeviceByToken returns the active device whose token hashes to tokenHash.
func (db *DB) DeviceByToken(ctx context.Context, tokenHash string) (*contacts.Device, error) {
	return deviceByToken(db.reader(ctx).QueryRowContext(ctx, deviceByTokenQuery, tokenHash))
}

// DeviceByTokenToWrite is DeviceByToken for a request that writes next (a
// call, a note): it reads on the write connection, whose cache this
// process's commits keep (ReadSnapshot says why), waiting for it as a
// foreground writer does. A revoke committed by another process is seen
// at once, as by a reader.
func (db *DB) DeviceByTokenToWrite(ctx context.Context, tokenHash string) (*contacts.Device, error) {
	if inSnapshot(ctx) {
		return db.DeviceByToken(ctx, tokenHash)
	}
	db.waiting.Add(1)
	row := db.write.QueryRowContext(ctx, deviceByTokenQuery, tokenHash)
	db.foregroundServed()
	return deviceByToken(row)
}

const deviceByTokenQuery = `SELECT ` + deviceColumns + ` FROM devices WHERE token_hash = ? AND revoked_ms = 0`

func deviceByToken(row *sql.Row) (*contacts.Device, error) {
	d, err := scanDevice(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contacts.Errorf(contacts.EUnauthorized, "token is not valid or the device was revoked")
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate device: %w", err)
	}
	return d, nil
}

// Device returns a device by ID, revoked or not.
func (db *DB) Device(ctx context.Context, id string) (*contacts.Device, error) {
	d, err := scanDevice(db.reader(ctx).QueryRowContext(ctx, `SELECT `+deviceColumns+` FROM devices WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contacts.Errorf(contacts.ENotFound, "device %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get device: %w", err)
	}
	return d, nil
}

// Devices lists every device, newest first; revoked ones too.
func (db *DB) Devices(ctx context.Context) ([]*contacts.Device, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+deviceColumns+` FROM devices ORDER BY created_ms DESC`)
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	defer rows.Close()
	var out []*contacts.Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("list devices: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// UpdateDevice saves a device's FCM token, SIMs and app version. SIM
// policies chosen at pairing for slots the phone reports now are applied.
func (db *DB) UpdateDevice(ctx context.Context, d *contacts.Device) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var policies string
		if err := tx.QueryRowContext(ctx, `SELECT pending_sim_policies FROM devices WHERE id = ?`, d.ID).Scan(&policies); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read pending SIM policies: %w", err)
		}
		sims, pendingJSON, err := applyPendingPolicies(d.SIMs, policies)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE devices SET fcm_token = ?, sims = ?, app_version = ?, pending_sim_policies = ? WHERE id = ? AND revoked_ms = 0`, d.FCMToken, sims, d.AppVersion, pendingJSON, d.ID)
		if err != nil {
			return fmt.Errorf("update device: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return contacts.Errorf(contacts.ENotFound, "device %s not found", d.ID)
		}
		return nil
	})
}

// FindDevice returns the device with the given ID or unique ID prefix (at
// least 4 characters): admins type IDs short.
func (db *DB) FindDevice(ctx context.Context, idOrPrefix string) (*contacts.Device, error) {
	return findDevice(ctx, db.reader(ctx), idOrPrefix)
}

func findDevice(ctx context.Context, q queryer, idOrPrefix string) (*contacts.Device, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+deviceColumns+` FROM devices WHERE id = ? OR (length(?) >= 4 AND substr(id, 1, length(?)) = ?) LIMIT 2`, idOrPrefix, idOrPrefix, idOrPrefix, idOrPrefix)
	if err != nil {
		return nil, fmt.Errorf("find device: %w", err)
	}
	defer rows.Close()
	var found []*contacts.Device
	for rows.Next() {
		x, err := scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("find device: %w", err)
		}
		found = append(found, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find device: %w", err)
	}
	switch {
	case len(found) == 0:
		return nil, contacts.Errorf(contacts.ENotFound, "device %s not found", idOrPrefix)
	case len(found) > 1 && found[0].ID != idOrPrefix:
		return nil, contacts.Errorf(contacts.EInvalid, "device id %s is ambiguous: give more of it", idOrPrefix)
	}
	return found[0], nil
}

// RevokeDevice revokes a device: its token stops working at once. IDs may
// be given as a unique prefix, as the CLI prints them short.
func (db *DB) RevokeDevice(ctx context.Context, idOrPrefix string) (*contacts.Device, error) {
	var d *contacts.Device
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if d, err = findDevice(ctx, tx, idOrPrefix); err != nil {
			return err
		}
		if d.Revoked() {
			return nil
		}
		d.RevokedAt = db.Now()
		if _, err = tx.ExecContext(ctx, `UPDATE devices SET revoked_ms = ?, fcm_token = '' WHERE id = ?`, ms(d.RevokedAt), d.ID); err != nil {
			return fmt.Errorf("revoke: %w", err)
		}
		return audit(ctx, tx, d.RevokedAt, "device.revoke", "", d.Name+" "+d.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("revoke device: %w", err)
	}
	return d, nil
}

// ClearFCMToken forgets a token FCM reported unregistered.
func (db *DB) ClearFCMToken(ctx context.Context, token string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE devices SET fcm_token = '' WHERE fcm_token = ?`, token)
		return err
	})
}

// Setting reads a JSON setting into v; it reports false when it is not set.
func (db *DB) Setting(ctx context.Context, key string, v any) (bool, error) {
	var s string
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read setting %s: %w", key, err)
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return false, fmt.Errorf("decode setting %s: %w", key, err)
	}
	return true, nil
}

// SetSetting stores v as JSON under key.
func (db *DB) SetSetting(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode setting %s: %w", key, err)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, string(b))
		if err != nil {
			return fmt.Errorf("save setting %s: %w", key, err)
		}
		return nil
	})
}

// applyPendingPolicies applies the SIM policies chosen at pairing and still
// pending (policies as stored) to the SIMs the phone reports, and returns
// the SIMs and what stays pending, both encoded for the devices row.
func applyPendingPolicies(sims []contacts.SIM, policies string) (simsJSON, pendingJSON string, err error) {
	pending, err := decodePolicies(policies)
	if err != nil {
		return "", "", err
	}
	if pendingJSON, err = encodePolicies(contacts.ApplySIMPolicies(sims, pending)); err != nil {
		return "", "", err
	}
	b, err := json.Marshal(sims)
	if err != nil {
		return "", "", fmt.Errorf("encode sims: %w", err)
	}
	return string(b), pendingJSON, nil
}
