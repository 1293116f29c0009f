package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	sqlite3 "modernc.org/sqlite/lib"
)

// BackupInfo describes the copy Backup made.
type BackupInfo struct {
	Schema    int // the copy's schema version
	Documents int
	Passages  int
	Bytes     int64
}

// BackupOptions say how Backup may write its copy.
type BackupOptions struct {
	// Replace lets the copy take the place of an existing file, which is
	// refused while that file is open (its -wal or -shm file is beside it).
	Replace bool
	// Check, when not nil, vets the finished copy before it takes its name;
	// its error stops the backup.
	Check func(BackupInfo) error
}

// SchemaVersion is the schema version this storybot writes: an index with a
// higher one was written by a newer storybot.
func SchemaVersion() int {
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	return len(names)
}

// Backup writes a consistent copy of the index at src to dst with SQLite's
// VACUUM INTO, while other processes go on reading and writing src, which
// Backup neither migrates nor changes. VACUUM INTO reads every row, so a
// damaged src fails it. The copy is written beside dst under a temporary
// name, opened as an index (its schema read, its documents and passages
// counted), synced, and only then given dst's name, so dst is never a
// partial copy. An existing dst is an error wrapping fs.ErrExist unless
// opts.Replace is set; a missing src wraps fs.ErrNotExist.
func Backup(ctx context.Context, src, dst string, opts BackupOptions) (BackupInfo, error) {
	srcInfo, err := os.Stat(src)
	if errors.Is(err, fs.ErrNotExist) {
		return BackupInfo{}, fmt.Errorf("no index at %s: %w", src, fs.ErrNotExist)
	}
	if err != nil {
		return BackupInfo{}, err
	}
	if !srcInfo.Mode().IsRegular() {
		return BackupInfo{}, fmt.Errorf("%s is not an index file", src)
	}
	if err := checkTarget(dst, srcInfo, opts.Replace); err != nil {
		return BackupInfo{}, err
	}

	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("write the copy: %w", err)
	}
	tmp.Close() // VACUUM INTO writes into an empty file
	installed := false
	defer func() {
		if !installed {
			os.Remove(tmp.Name())
		}
	}()

	if err := vacuumInto(ctx, src, tmp.Name()); err != nil {
		return BackupInfo{}, err
	}
	info, err := inspect(ctx, tmp.Name())
	if err != nil {
		return BackupInfo{}, fmt.Errorf("check the copy: %w", err)
	}
	if opts.Check != nil {
		if err := opts.Check(info); err != nil {
			return BackupInfo{}, err
		}
	}
	if err := syncFile(tmp.Name()); err != nil {
		return BackupInfo{}, fmt.Errorf("write the copy: %w", err)
	}
	if err := install(tmp.Name(), dst, opts.Replace); err != nil {
		return BackupInfo{}, err
	}
	installed = true
	syncDir(filepath.Dir(dst))
	return info, nil
}

// checkTarget says whether a copy of src may be written to dst.
func checkTarget(dst string, src os.FileInfo, replace bool) error {
	fi, err := os.Stat(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case os.SameFile(fi, src):
		return fmt.Errorf("%s is the index being copied", dst)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s exists and is not a file", dst)
	case !replace:
		return fmt.Errorf("%s: %w", dst, fs.ErrExist)
	}
	return checkClosed(dst)
}

// checkClosed refuses to replace an index that is open: SQLite keeps its
// -wal and -shm files beside it while it is, and removes them on a clean
// close.
func checkClosed(path string) error {
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Lstat(path + suffix); err == nil {
			return fmt.Errorf("%s is in use (%s exists): stop storybot first; if it is stopped, %s was not closed cleanly: open it once (e.g. storybot doctor) so SQLite recovers it, then try again",
				path, filepath.Base(path+suffix), filepath.Base(path))
		}
	}
	return nil
}

// vacuumInto copies the database at src into the empty file dst. src is
// opened for writing (SQLite then removes the -wal and -shm files it made
// when it closes) but nothing is written to it.
func vacuumInto(ctx context.Context, src, dst string) error {
	db, err := openFile(src, url.Values{"mode": {"rw"}, "_pragma": {fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds())}})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		if sqliteCode(err) == sqlite3.SQLITE_NOTADB {
			return fmt.Errorf("%s is not a storybot index (not an SQLite database)", src)
		}
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return nil
}

// inspect reads the schema version of the index at path, which nothing else
// has open, and counts what it holds. (PRAGMA quick_check would add
// little: it would read back the pages SQLite has just written, from the
// page cache, and it doubles the time a backup takes.)
func inspect(ctx context.Context, path string) (BackupInfo, error) {
	db, err := openFile(path, url.Values{"mode": {"ro"}, "immutable": {"1"}})
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	var info BackupInfo
	if info.Schema, err = userVersion(ctx, db); err != nil {
		return BackupInfo{}, err
	}
	err = db.QueryRowContext(ctx, countSQL).Scan(&info.Documents, &info.Passages)
	if info.Schema == 0 || err != nil {
		return BackupInfo{}, errors.New("it is not a storybot index (no documents or passages tables)")
	}
	fi, err := os.Stat(path)
	if err != nil {
		return BackupInfo{}, err
	}
	info.Bytes = fi.Size()
	return info, nil
}

// openFile opens the SQLite file at path with the URI parameters q.
func openFile(path string, q url.Values) (*sql.DB, error) {
	dsn, err := fileURI(path, q)
	if err != nil {
		return nil, err
	}
	return sql.Open("sqlite", dsn)
}

// install gives the finished copy tmp the name dst: in one rename when it may
// replace dst, else as a hard link, which fails if dst appeared meanwhile.
func install(tmp, dst string, replace bool) error {
	if replace {
		if err := checkClosed(dst); err != nil {
			return err
		}
		return os.Rename(tmp, dst)
	}
	err := os.Link(tmp, dst)
	switch {
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s: %w", dst, fs.ErrExist)
	case err != nil:
		// No hard links on this file system: check, then rename.
		if _, err := os.Lstat(dst); err == nil {
			return fmt.Errorf("%s: %w", dst, fs.ErrExist)
		}
		return os.Rename(tmp, dst)
	}
	os.Remove(tmp) // dst is the copy now; a leftover name is harmless
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable where the system allows it; it is
// best effort (Windows cannot open a folder for it).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
