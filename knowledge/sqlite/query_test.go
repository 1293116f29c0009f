package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

func setUserVersion(path string, v int) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", v))
	return err
}

// hostileQueries are things users type that must never reach FTS5 or SQL as syntax.
var hostileQueries = []string{
	`"unbalanced quote`,
	`Ramos"`,
	`((backdoor`,
	`backdoor)`,
	`NEAR(fbi ramos, 2)`,
	`fbi NEAR ramos`,
	`back*`,
	`^fbi`,
	`text:fbi`,
	`{text}: ramos`,
	`- ramos`,
	`fbi AND OR NOT ramos`,
	`AND`,
	`'; DROP TABLE passages; --`,
	`" OR 1=1 --`,
	`🔐 backdoor 🚔`,
	"\u202eRamos\u202c",
	"\u200f\u05e8\u05de\u05d5\u05e1 FBI",
	"caf\u00e9 na\u00efve",
	"nul\x00byte",
	"invalid \xff\xfe utf8",
	strings.Repeat("backdoor (", 2000),
	strings.Repeat("x", 20000),
	strings.Repeat("Ramos FBI ", 2000),
}

func TestSearchHostileQueries(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if err := st.EnsureDefault(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range hostileQueries {
		name := q
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			if _, err := st.Search(ctx, q, 5); err != nil {
				t.Errorf("Search(%.60q) error: %v", q, err)
			}
		})
	}
}

func TestSearchEmptyQuery(t *testing.T) {
	st := openStore(t)
	for _, q := range []string{"", "   ", "?!", "(((", `""`, "***", "\u200f"} {
		if _, err := st.Search(context.Background(), q, 5); !errors.Is(err, knowledge.ErrEmptyQuery) {
			t.Errorf("Search(%q) error = %v, want ErrEmptyQuery", q, err)
		}
	}
}

func FuzzSearch(f *testing.F) {
	for _, q := range hostileQueries {
		f.Add(q)
	}
	st := openStore(f)
	if err := st.EnsureDefault(context.Background()); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		ps, err := st.Search(context.Background(), q, 3)
		if err != nil && !errors.Is(err, knowledge.ErrEmptyQuery) {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if len(ps) > 3 {
			t.Fatalf("Search(%q, 3) returned %d passages", q, len(ps))
		}
	})
}
