package knowledge

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite" // the index the tokenizer port is checked against
)

// TestStemsMatchFTS5 checks that tokenize yields, token for token, the terms
// the FTS5 index stores for the same text, so statistics read from the index
// line up with the terms the re-ranker computes.
func TestStemsMatchFTS5(t *testing.T) {
	texts := []string{
		string(DefaultStory),
		"Café naïve façade Ærøskøbing résumé coöperate ﬁnancial Ⅻ ½ 東京 œuvre Straße İstanbul",
		// Numbers, marks, private use, scripts and code points newer than SQLite's Unicode tables.
		"x² H₂O ① ½ Ⅷ ⅷ 〇 ٣ cafe\u0301 a\u0332b \u0301lead ि\u0903 क\u093f \u20dd \ue000 \U000f0001 東京タワー 한국어 ελληνικά Άλφα ПРИЁМ й ᲐᲑ 𐐀 it🥰 \u0378 ς",
		"caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping tanned falling hissing fizzed failing filing happy sky relational conditional rational valenci hesitanci digitizer conformabli radicalli differentli vileli analogousli vietnamization predication operator feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable defensible irritant replacement adjustment dependent adoption homologou communism activate angulariti homologous effective bowdlerize probate rate cease controll roll generalizations oscillators yyy says syzygy eyed flying",
	}
	// A whole novel, when the data sets are beside the project (as in CI).
	if b, err := os.ReadFile(filepath.Join("..", "..", "shared", "datasets", "gutenberg", "pg120.txt")); err == nil {
		texts = append(texts, string(b))
	}
	want := fts5Terms(t, "porter unicode61 remove_diacritics 2", texts)
	for i, text := range texts {
		got := tokenize(text)
		if len(got) != len(want[i]) {
			t.Errorf("text %d: %d tokens, FTS5 has %d", i, len(got), len(want[i]))
		}
		bad := 0
		for j := 0; j < len(got) && j < len(want[i]) && bad < 20; j++ {
			if got[j].term != want[i][j] {
				t.Errorf("text %d token %d %q: got term %q, FTS5 has %q", i, j, text[got[j].start:got[j].end], got[j].term, want[i][j])
				bad++
			}
		}
	}
}

// fts5Terms returns the terms an FTS5 index with the given tokenizer
// stores for each text, in order.
func fts5Terms(t *testing.T, tokenizer string, texts []string) [][]string {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	for _, q := range []string{
		`CREATE VIRTUAL TABLE t USING fts5(text, tokenize = '` + tokenizer + `')`,
		`CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for i, text := range texts {
		if _, err := db.ExecContext(ctx, `INSERT INTO t (rowid, text) VALUES (?, ?)`, i+1, text); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT doc, offset, term FROM v ORDER BY doc, offset`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	terms := make([][]string, len(texts))
	for rows.Next() {
		var doc, off int
		var term string
		if err := rows.Scan(&doc, &off, &term); err != nil {
			t.Fatal(err)
		}
		for len(terms[doc-1]) <= off {
			terms[doc-1] = append(terms[doc-1], "")
		}
		terms[doc-1][off] = term
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return terms
}

// sqliteVersion is the version of the SQLite the tests run against.
func sqliteVersion(t *testing.T) string {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow(`SELECT sqlite_version()`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
