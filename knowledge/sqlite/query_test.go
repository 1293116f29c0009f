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
			if _, err := st.Search(ctx, knowledge.Everything, q, 5); err != nil {
				t.Errorf("Search(%.60q) error: %v", q, err)
			}
		})
	}
}

func TestSearchEmptyQuery(t *testing.T) {
	st := openStore(t)
	for _, q := range []string{"", "   ", "?!", "(((", `""`, "***", "\u200f"} {
		if _, err := st.Search(context.Background(), knowledge.Everything, q, 5); !errors.Is(err, knowledge.ErrEmptyQuery) {
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
		ps, err := st.Search(context.Background(), knowledge.Everything, q, 3)
		if err != nil && !errors.Is(err, knowledge.ErrEmptyQuery) {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if len(ps) > 3 {
			t.Fatalf("Search(%q, 3) returned %d passages", q, len(ps))
		}
	})
}

// TestSearchFindsEveryWordCharacter searches for words the index holds
// whole although they are not letters and digits alone: a superscript and
// a Roman numeral, in either case.
func TestSearchFindsEveryWordCharacter(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	mustIngest(t, st,
		mustParse(t, "lighthouse.txt", lighthouse),
		mustParse(t, "algebra.txt", "Mira wrote x² on the board and asked the class to expand it."),
		mustParse(t, "chapters.txt", "The map was hidden in Chapter Ⅷ of the old book."))
	for _, tt := range []struct{ q, doc, holds string }{
		{"x²", "algebra", "x²"},
		{"Ⅷ", "chapters", "Ⅷ"},
		{"ⅷ", "chapters", "Ⅷ"},
	} {
		ps, err := st.Search(ctx, knowledge.Everything, tt.q, 3)
		if err != nil {
			t.Errorf("Search(%q): %v", tt.q, err)
			continue
		}
		if len(ps) == 0 || ps[0].Doc != tt.doc || !strings.Contains(ps[0].Text, tt.holds) {
			t.Errorf("Search(%q) = %v, want first the %s passage holding %q", tt.q, ps, tt.doc, tt.holds)
		}
	}
}
