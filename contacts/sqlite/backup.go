package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/internal/fsperm"
)

// BackupInfo describes a backup file that passed verification.
type BackupInfo struct {
	Path          string
	Size          int64
	SchemaVersion int
	Contacts      int
}

// Backup writes a consistent copy of the live database to dest with
// VACUUM INTO. It runs on its own connection inside one read transaction,
// so phones and the office keep reading and writing while it runs (WAL).
// The copy is written next to dest, verified, then renamed into place:
// dest either does not exist or is a verified backup.
func (db *DB) Backup(ctx context.Context, dest string) (BackupInfo, error) {
	if _, err := os.Stat(dest); err == nil {
		return BackupInfo{}, contacts.Errorf(contacts.EConflict, "backup %s already exists", dest)
	}
	if err := fsperm.MkdirAll(db.Log, filepath.Dir(dest)); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	tmp := dest + ".partial"
	_ = os.Remove(tmp)
	conn, err := sql.Open("sqlite", dsn(db.path, "_pragma=busy_timeout(10000)"))
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: open: %w", err)
	}
	defer conn.Close()
	if err := vacuumIntoPrivate(ctx, conn, tmp); err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	info, err := VerifyBackup(ctx, tmp)
	if err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("backup: the copy failed verification: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return BackupInfo{}, err
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("backup: rename: %w", err)
	}
	info.Path = dest
	return info, nil
}

// vacuumIntoPrivate writes a consistent copy of conn's database to path,
// readable by the owner only (0600: it holds all client data). The file is
// created empty with that mode first (VACUUM INTO accepts an empty file),
// so the copy is never readable by others, whatever the umask.
func vacuumIntoPrivate(ctx context.Context, conn *sql.DB, path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("vacuum into %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("vacuum into %s: %w", path, err)
	}
	return nil
}

func dsn(path, pragmas string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}

// VerifyBackup checks that path is a whole, uncorrupted ringcard database
// this binary can open: the SQLite header, the file length the header
// promises, PRAGMA integrity_check and the schema version. Its errors are
// invalid_request domain errors that say what is wrong in plain words.
func VerifyBackup(ctx context.Context, path string) (BackupInfo, error) {
	info := BackupInfo{Path: path}
	if err := checkHeader(path, &info); err != nil {
		return info, err
	}
	conn, err := sql.Open("sqlite", dsn(path, "mode=ro&_pragma=query_only(1)&_pragma=busy_timeout(5000)"))
	if err != nil {
		return info, fmt.Errorf("verify %s: open: %w", path, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check(5)`)
	if err != nil {
		return info, contacts.Errorf(contacts.EInvalid, "%s is corrupt: %v", path, err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return info, contacts.Errorf(contacts.EInvalid, "%s is corrupt: %v", path, err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return info, contacts.Errorf(contacts.EInvalid, "%s is corrupt: %v", path, err)
	}
	rows.Close()
	if len(problems) > 0 {
		return info, contacts.Errorf(contacts.EInvalid, "%s is corrupt: %s", path, strings.Join(problems, "; "))
	}
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&info.SchemaVersion); err != nil {
		return info, contacts.Errorf(contacts.EInvalid, "%s is not a ringcard database (no schema version)", path)
	}
	if info.SchemaVersion > SchemaVersion() {
		return info, contacts.Errorf(contacts.EInvalid, "%s has schema version %d but this ringcard knows only up to %d: restore it with a newer ringcard", path, info.SchemaVersion, SchemaVersion())
	}
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM contacts WHERE deleted = 0`).Scan(&info.Contacts); err != nil {
		return info, contacts.Errorf(contacts.EInvalid, "%s is not a ringcard database (no contacts table)", path)
	}
	return info, nil
}

// checkHeader reads the 100-byte SQLite header: a file that is not SQLite
// or is shorter than its page count says (a truncated copy) is refused
// before SQLite ever opens it.
func checkHeader(path string, info *BackupInfo) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return contacts.Errorf(contacts.ENotFound, "%s does not exist", path)
		}
		return fmt.Errorf("verify %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("verify %s: %w", path, err)
	}
	info.Size = st.Size()
	if st.Size() == 0 {
		return contacts.Errorf(contacts.EInvalid, "%s is empty", path)
	}
	hdr := make([]byte, 100)
	if _, err := io.ReadFull(f, hdr); err != nil {
		return contacts.Errorf(contacts.EInvalid, "%s is truncated: only %d bytes, not even a database header", path, st.Size())
	}
	if !bytes.Equal(hdr[:16], []byte("SQLite format 3\x00")) {
		return contacts.Errorf(contacts.EInvalid, "%s is not a SQLite database", path)
	}
	pageSize := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(hdr[28:32]))
	changeCounter := binary.BigEndian.Uint32(hdr[24:28])
	validFor := binary.BigEndian.Uint32(hdr[92:96])
	if pages > 0 && changeCounter == validFor {
		if want := pageSize * pages; st.Size() < want {
			return contacts.Errorf(contacts.EInvalid, "%s is truncated: %d bytes of the %d its header promises", path, st.Size(), want)
		}
	}
	if st.Size()%pageSize != 0 {
		return contacts.Errorf(contacts.EInvalid, "%s is truncated: %d bytes is not a whole number of %d-byte pages", path, st.Size(), pageSize)
	}
	return nil
}

// Restore replaces the database file at dbPath with the backup at src. It
// verifies src first and changes nothing when src is corrupt, truncated,
// not a ringcard database or from a newer schema. The current database is
// kept aside (a consistent copy, named <db>.before-restore-<time>, mode
// 0600), whose path it returns. It is refused while a server holds the
// database's lock (LockServe), and holds that lock itself while it works.
func Restore(ctx context.Context, src, dbPath string, now time.Time) (aside string, info BackupInfo, err error) {
	unlock, err := LockServe(dbPath) // held throughout: no server starts on the file mid-restore
	if err != nil {
		return "", info, fmt.Errorf("restore refused: %w", err)
	}
	defer unlock()
	info, err = VerifyBackup(ctx, src)
	if err != nil {
		return "", info, fmt.Errorf("restore refused: %w", err)
	}
	if _, err := os.Stat(dbPath); err == nil {
		aside = dbPath + ".before-restore-" + now.Format("20060102-150405")
		conn, err := sql.Open("sqlite", dsn(dbPath, "_pragma=busy_timeout(10000)"))
		if err != nil {
			return "", info, fmt.Errorf("restore: open current database: %w", err)
		}
		err = vacuumIntoPrivate(ctx, conn, aside)
		conn.Close()
		if err != nil {
			_ = os.Remove(aside)
			return "", info, fmt.Errorf("restore: keep the current database aside: %w", err)
		}
	}
	tmp := dbPath + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		_ = os.Remove(tmp)
		return aside, info, fmt.Errorf("restore: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return aside, info, fmt.Errorf("restore: remove %s: %w", dbPath+suffix, err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return aside, info, fmt.Errorf("restore: %w", err)
	}
	info.Path = dbPath
	return aside, info, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("copy to %s: %w", dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy to %s: %w", dst, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("copy to %s: %w", dst, err)
	}
	return out.Close()
}
