package sqlite_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// whileWriting ingests docs into writer and calls during from inside the
// write transaction, when its first passages are written and its lock is
// held, and returns once the ingest is done.
func whileWriting(t *testing.T, writer *sqlite.Store, docs []knowledge.Parsed, during func()) {
	t.Helper()
	called := false
	_, err := writer.Ingest(context.Background(), docs, func(done, total int) {
		if !called {
			called = true
			during()
		}
	})
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	if !called {
		t.Fatal("Ingest reported no progress")
	}
}

func manyStories(t *testing.T, n int) []knowledge.Parsed {
	docs := make([]knowledge.Parsed, n)
	for i := range docs {
		docs[i] = story(t, filepath.Join("/corpus", "part"+string(rune('a'+i%26))+".txt"), storyText("tower"), knowledge.ParseOptions{})
		docs[i].Doc.Origin += string(rune('0' + i/26))
	}
	return docs
}

// While one process writes, another opens the index, searches it, lists it
// and answers from it: opening takes no write lock and readers never wait.
// The reader sees the new documents as soon as they are committed.
func TestReadersNeverWaitForAWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	writer, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	if err := writer.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	// No waiting for locks at all: a reader (or an Open) that needed the
	// writer's lock fails at once, rather than after 10 s.
	defer sqlite.SetBusyTimeout(0)()
	reader, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	whileWriting(t, writer, manyStories(t, 30), func() {
		// A deadline to fail by: an Open that wanted the lock would wait
		// for it as long as its context allows.
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		third, err := sqlite.Open(ctx, path) // a new process: storybot ask, or serve starting
		if err != nil {
			t.Fatalf("Open while another process ingests: %v", err)
		}
		defer third.Close()
		if err := third.EnsureDefault(ctx); err != nil {
			t.Errorf("EnsureDefault while another process ingests: %v", err)
		}
		for _, st := range []*sqlite.Store{reader, third} {
			ps, err := st.Search(ctx, knowledge.Everything, "Ramos backdoor", 5)
			if err != nil || len(ps) == 0 {
				t.Errorf("Search while another process ingests: %d passages, %v", len(ps), err)
			}
			if got := ids(t, st, knowledge.Everything); !slices.Equal(got, []string{"phantom-secure"}) {
				t.Errorf("documents while the ingest is not committed: %q", got)
			}
		}
	})
	if got := ids(t, reader, knowledge.Everything); len(got) != 31 {
		t.Errorf("after the other process committed, the reader lists %d documents, want 31", len(got))
	}
	if ps, err := reader.Search(ctx, knowledge.Everything, "tower village", 3); err != nil || len(ps) != 3 {
		t.Errorf("after the commit, search finds %d passages of the new documents, %v", len(ps), err)
	}
}

// A second writer waits its turn, past the busy timeout, instead of
// failing; it says it is waiting.
func TestWritersWaitTheirTurn(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	defer sqlite.SetBusyTimeout(20 * time.Millisecond)() // one turn of waiting
	first, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	waited := make(chan struct{})
	second.Waiting = func() {
		select {
		case <-waited:
		default:
			close(waited)
		}
	}
	done := make(chan error, 1)
	whileWriting(t, first, manyStories(t, 3), func() {
		go func() {
			_, err := second.Ingest(ctx, []knowledge.Parsed{story(t, "/other/mill.txt", storyText("mill"), knowledge.ParseOptions{})}, nil)
			done <- err
		}()
		<-waited // the second writer has waited a whole turn and goes on waiting
	})
	if err := <-done; err != nil {
		t.Fatalf("the second writer: %v, want it to wait for the first and succeed", err)
	}
	if got := ids(t, first, knowledge.Everything); len(got) != 4 {
		t.Errorf("%d documents, want both ingests' 4", len(got))
	}
}

// A write that cannot get its turn before its context ends gives up with
// the index unchanged.
func TestWriterGivesUpWithItsContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.db")
	defer sqlite.SetBusyTimeout(20 * time.Millisecond)()
	first, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	ctx, cancel := context.WithCancel(context.Background())
	second.Waiting = cancel
	whileWriting(t, first, manyStories(t, 2), func() {
		if _, err := second.Ingest(ctx, manyStories(t, 1), nil); err == nil {
			t.Error("an ingest whose context ended while it waited succeeded")
		}
	})
	if got := ids(t, second, knowledge.Everything); len(got) != 2 {
		t.Errorf("%d documents, want the first ingest's 2", len(got))
	}
}
