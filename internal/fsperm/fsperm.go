// Package fsperm keeps ringcard's data files private to the user it runs
// as: the database with its WAL and SHM, backups, the serve lock, token and
// key files are 0600 and the directories ringcard makes for them 0700. They
// hold every client, the password hashes and the Google token, so no other
// local user may read them whatever the umask or an earlier version left.
package fsperm

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// File and Dir are the modes of a private file and directory.
const (
	File fs.FileMode = 0o600
	Dir  fs.FileMode = 0o700
)

// Tighten makes path private when it exists with any permission for the
// group or others: a file becomes 0600 and a directory 0700, and a warning
// with the path and the old mode is logged. A missing path is not an
// error: it will be created private.
func Tighten(log *slog.Logger, path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check mode of %s: %w", path, err)
	}
	old := st.Mode().Perm()
	if old&0o077 == 0 {
		return nil
	}
	want := File
	if st.IsDir() {
		want = Dir
	}
	if err := os.Chmod(path, want); err != nil {
		return fmt.Errorf("make %s private (mode %04o): %w", path, old, err)
	}
	if log == nil {
		log = slog.Default()
	}
	log.Warn("file was readable by other users: made private", "path", path, "old_mode", fmt.Sprintf("%04o", old), "mode", fmt.Sprintf("%04o", want))
	return nil
}

// MkdirAll makes dir and its missing parents 0700; an existing dir is
// tightened (Tighten).
func MkdirAll(log *slog.Logger, dir string) error {
	if err := os.MkdirAll(dir, Dir); err != nil {
		return fmt.Errorf("make directory %s: %w", dir, err)
	}
	return Tighten(log, dir)
}

// Create makes path as an empty 0600 file if it does not exist, or
// tightens it if it does: what SQLite then opens (it gives a database's WAL
// and SHM the database file's mode).
func Create(log *slog.Logger, path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, File)
	if errors.Is(err, fs.ErrExist) {
		return Tighten(log, path)
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return os.Chmod(path, File) // whatever the umask
}

// WriteAtomic writes path through a new file beside it (created 0600, so
// never readable by others while being written, and never one found
// there), synced, given mode and renamed over path once complete: a
// reader, or a process killed mid-write, never meets half a file.
func WriteAtomic(path string, mode fs.FileMode, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	err = write(f)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteFile is WriteAtomic for data already in memory.
func WriteFile(path string, data []byte, mode fs.FileMode) error {
	return WriteAtomic(path, mode, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}
