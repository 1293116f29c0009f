package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// files lists the names in dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestBackupOfAnOpenIndexAnswers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "index.db")
	st, err := sqlite.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The ingest is in the -wal file until a checkpoint: the copy must hold it.
	mustIngest(t, st, mustParse(t, "lighthouse.txt", lighthouse))

	out := t.TempDir()
	dst := filepath.Join(out, "backup.db")
	info, err := sqlite.Backup(ctx, src, dst, sqlite.BackupOptions{})
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if info.Documents != 1 || info.Passages == 0 || info.Schema != sqlite.SchemaVersion() || info.Bytes == 0 {
		t.Errorf("info = %+v, want 1 document, its passages, schema %d and a size", info, sqlite.SchemaVersion())
	}
	if got := files(t, out); !slices.Equal(got, []string{"backup.db"}) {
		t.Errorf("backup folder holds %q, want only backup.db", got)
	}

	restored, err := sqlite.Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	ps, err := restored.Search(ctx, knowledge.Everything, "who melted the silver for the lens?", 1)
	if err != nil || len(ps) == 0 || !strings.Contains(ps[0].Text, "grandmother's silver") {
		t.Errorf("search the copy: %v, %+v; want the passage about the silver", err, ps)
	}
}

func TestBackupRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "index.db")
	st, err := sqlite.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	mustIngest(t, st, mustParse(t, "lighthouse.txt", lighthouse))
	st.Close()

	existing := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(existing, []byte("an older backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	notDB := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database at all ", 50)), 0o600); err != nil {
		t.Fatal(err)
	}
	otherDB := filepath.Join(t.TempDir(), "other.db")
	if err := setUserVersion(otherDB, 0); err != nil { // an empty SQLite database
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		src, dst string
		opts     sqlite.BackupOptions
		is       error
		want     string
	}{
		{"existing file", src, existing, sqlite.BackupOptions{}, fs.ErrExist, "old.db"},
		{"missing index", filepath.Join(dir, "missing.db"), filepath.Join(t.TempDir(), "b.db"), sqlite.BackupOptions{}, fs.ErrNotExist, "no index at"},
		{"onto itself", src, src, sqlite.BackupOptions{Replace: true}, nil, "is the index being copied"},
		{"not a database", notDB, filepath.Join(t.TempDir(), "b.db"), sqlite.BackupOptions{}, nil, "not a storybot index (not an SQLite database)"},
		{"not a storybot index", otherDB, filepath.Join(t.TempDir(), "b.db"), sqlite.BackupOptions{}, nil, "not a storybot index (no documents or passages tables)"},
		{"check refuses", src, filepath.Join(t.TempDir(), "b.db"), sqlite.BackupOptions{Check: func(i sqlite.BackupInfo) error {
			return fmt.Errorf("refused %d documents", i.Documents)
		}}, nil, "refused 1 documents"},
		{"no such folder", src, filepath.Join(t.TempDir(), "no", "b.db"), sqlite.BackupOptions{}, fs.ErrNotExist, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.dst)
			_, err := sqlite.Backup(ctx, tt.src, tt.dst, tt.opts)
			if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one saying %q (is %v)", err, tt.want, tt.is)
			}
			if after, _ := os.ReadFile(tt.dst); string(after) != string(before) {
				t.Errorf("%s changed", tt.dst)
			}
			if d := filepath.Dir(tt.dst); d != dir {
				if got, _ := os.ReadDir(d); len(got) > 0 && !slices.Contains([]string{existing, notDB, otherDB}, filepath.Join(d, got[0].Name())) {
					t.Errorf("left %s behind", got[0].Name())
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("Backup created the missing index")
	}
	if got := files(t, dir); !slices.Equal(got, []string{"index.db"}) {
		t.Errorf("the index's folder holds %q, want only index.db", got)
	}
}

func TestBackupReplace(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "backup.db")
	live := filepath.Join(dir, "index.db")

	st, err := sqlite.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	mustIngest(t, st, mustParse(t, "lighthouse.txt", lighthouse))
	st.Close()
	idx, err := sqlite.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}

	// While the index is open, it is not replaced.
	_, err = sqlite.Backup(ctx, src, live, sqlite.BackupOptions{Replace: true})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("replace an open index: %v, want it refused as in use", err)
	}
	docs, err := idx.Documents(ctx, knowledge.Everything)
	if err != nil || len(docs) != 1 || docs[0].Slug != "phantom-secure" {
		t.Fatalf("the open index after a refused replace: %+v, %v", docs, err)
	}
	idx.Close()

	info, err := sqlite.Backup(ctx, src, live, sqlite.BackupOptions{Replace: true})
	if err != nil {
		t.Fatalf("replace a closed index: %v", err)
	}
	if info.Documents != 1 {
		t.Errorf("info = %+v", info)
	}
	idx, err = sqlite.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	docs, err = idx.Documents(ctx, knowledge.Everything)
	if err != nil || len(docs) != 1 || docs[0].Slug != "lighthouse" {
		t.Errorf("the index after the replace holds %+v, %v; want the lighthouse only", docs, err)
	}
}

// TestBackupIsConsistentUnderWrites backs up while another goroutine ingests
// documents one transaction at a time: every copy must hold whole documents,
// a prefix of those ingested, with all their passages.
func TestBackupIsConsistentUnderWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "index.db")
	st, err := sqlite.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	const n = 100
	var docs []knowledge.Parsed
	passagesUpTo := []int{0} // passagesUpTo[k]: passages in the first k documents
	for i := range n {
		p := mustParse(t, fmt.Sprintf("keeper-%02d.txt", i), strings.ReplaceAll(lighthouse, "Mara", fmt.Sprintf("Mara%02d", i)))
		docs = append(docs, p)
		passagesUpTo = append(passagesUpTo, passagesUpTo[i]+len(p.Passages))
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, p := range docs {
			if _, err := st.Ingest(ctx, []knowledge.Parsed{p}, nil); err != nil {
				t.Errorf("Ingest: %v", err)
				return
			}
		}
	}()
	out := t.TempDir()
	for i := 0; ; i++ {
		info, err := sqlite.Backup(ctx, src, filepath.Join(out, fmt.Sprintf("b%d.db", i)), sqlite.BackupOptions{})
		if err != nil {
			t.Fatalf("Backup #%d: %v", i, err)
		}
		if info.Documents > n || info.Passages != passagesUpTo[info.Documents] {
			t.Fatalf("copy #%d holds %d documents and %d passages; want whole documents (%d passages)", i, info.Documents, info.Passages, passagesUpTo[min(info.Documents, n)])
		}
		if info.Documents == n {
			break
		}
	}
	wg.Wait()
}
