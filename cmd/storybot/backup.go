package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/storybot/storybot/knowledge/sqlite"
)

// runBackup writes a consistent copy of the index to a file while storybot
// may be serving from it.
func runBackup(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "backup", "backup [--db PATH] [--force] FILE\n\n"+
		"Writes a consistent copy of the index to FILE with SQLite's VACUUM INTO, while\n"+
		"storybot goes on serving from it. In the container:\n"+
		"  docker compose run --rm storybot backup /data/backup.db\n"+
		"FILE must not exist, unless --force is given. The index is copied as it is: not\n"+
		"migrated, whichever storybot wrote it. 'storybot restore FILE' puts a backup back.")
	db := dbFlag(fs)
	force := fs.Bool("force", false, "replace FILE if it exists")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	file, err := oneFile(fs.Args(), "backup")
	if err != nil {
		return err
	}
	cfg, err := loadConfig(e, *db)
	if err != nil {
		return err
	}
	info, err := sqlite.Backup(ctx, cfg.DB, file, sqlite.BackupOptions{Replace: *force})
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists; give --force to replace it, or choose another name", file)
	}
	if err != nil {
		return fmt.Errorf("back up %s: %w", cfg.DB, err)
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s: %s\n", cfg.DB, file, describeBackup(info))
	return nil
}

// runRestore replaces the index with a copy of a backup.
func runRestore(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "restore", "restore [--db PATH] BACKUP\n\n"+
		"Replaces the index with a copy of BACKUP, a file 'storybot backup' wrote, checked\n"+
		"before it takes the index's place. Stop storybot first: an index that is open is\n"+
		"not replaced. BACKUP itself is left as it is. In the container:\n"+
		"  docker compose stop storybot\n"+
		"  docker compose run --rm storybot restore /data/backup.db\n"+
		"  docker compose start storybot")
	db := dbFlag(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	file, err := oneFile(fs.Args(), "restore")
	if err != nil {
		return err
	}
	cfg, err := loadConfig(e, *db)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(cfg.DB), 0o755); err != nil {
		return fmt.Errorf("restore %s: %w", cfg.DB, err)
	}
	info, err := sqlite.Backup(ctx, file, cfg.DB, sqlite.BackupOptions{Replace: true, Check: knownSchema})
	if err != nil {
		return fmt.Errorf("restore %s from %s: %w", cfg.DB, file, err)
	}
	fmt.Fprintf(e.stdout, "restored %s from %s: %s\n", cfg.DB, file, describeBackup(info))
	return nil
}

// knownSchema refuses a backup this storybot could not open. An older
// schema is fine: it is migrated when the index is next opened.
func knownSchema(info sqlite.BackupInfo) error {
	if info.Schema > sqlite.SchemaVersion() {
		return fmt.Errorf("it was written by a newer storybot (schema %d, this one knows %d); restore it with that version", info.Schema, sqlite.SchemaVersion())
	}
	return nil
}

// oneFile is the one file argument of backup and restore.
func oneFile(args []string, cmd string) (string, error) {
	if len(args) != 1 || args[0] == "" {
		return "", usagef("%s takes one file, e.g. storybot %s /data/backup.db", cmd, cmd)
	}
	return args[0], nil
}

// describeBackup says what a copy holds: "2 documents, 40 passages, 1.2 MB".
func describeBackup(info sqlite.BackupInfo) string {
	size := fmt.Sprintf("%.1f MB", float64(info.Bytes)/1e6)
	if info.Bytes < 1e6 {
		size = fmt.Sprintf("%d kB", (info.Bytes+999)/1000)
	}
	return fmt.Sprintf("%s, %s, %s", countNoun(info.Documents, "document"), countNoun(info.Passages, "passage"), size)
}
