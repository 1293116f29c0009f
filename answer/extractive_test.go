package answer

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// passagesOf makes retrieved passages, best first, of the given texts.
func passagesOf(texts ...string) []knowledge.Passage {
	ps := make([]knowledge.Passage, len(texts))
	for i, t := range texts {
		ps[i] = knowledge.Passage{ID: knowledge.PassageID("doc", i+1), Doc: "doc", N: i + 1, Text: t}
	}
	return ps
}

func quotes(cs []Citation) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Quote)
	}
	return out
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name     string
		question string
		passages []knowledge.Passage
		first    string // the quote that must come first
		most     int    // quotes at most
	}{
		{
			name:     "a duration beats a better passage's sentences",
			question: "How long was Ramos sentenced to?",
			passages: passagesOf(
				"Ramos ran Phantom Secure for years before his arrest. Prosecutors said Ramos sold phones to cartels.",
				"Ramos landed nine years in prison in May 2019. His lawyers said nothing.",
			),
			first: "Ramos landed nine years in prison in May 2019.",
			most:  2,
		},
		{
			name:     "a date from a passage below the top three",
			question: "When did the bridge reopen to traffic?",
			passages: passagesOf(
				"The bridge carried traffic across the harbour.",
				"Traffic on the bridge was heavy before the repairs.",
				"The bridge was closed to traffic for repairs.",
				"The bridge reopened on 14 March 2023.",
			),
			first: "The bridge reopened on 14 March 2023.",
			most:  2,
		},
		{
			name:     "a number next to what is counted",
			question: "How many charges does Ortis face?",
			passages: passagesOf("Ortis was arrested in 2019 after 3 raids. Ortis faces seven charges in court."),
			first:    "Ortis faces seven charges in court.",
			most:     2,
		},
		{
			name:     "a title that echoes the question does not lead",
			question: "Why was the bridge closed?",
			passages: passagesOf("Why the bridge was closed\n\nInspectors closed the bridge because they found corrosion in the cables."),
			first:    "Inspectors closed the bridge because they found corrosion in the cables.",
			most:     4,
		},
		{
			name:     "the sentence after the best follows it",
			question: "What did the fox do?",
			passages: passagesOf("The fox saw the grapes. It jumped and jumped but could not reach them. The crow laughed."),
			first:    "The fox saw the grapes.",
			most:     4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := extract(tt.question, tt.passages, defaultExtract())
			qs := quotes(got)
			if len(qs) == 0 || qs[0] != tt.first {
				t.Fatalf("quotes = %q, want %q first", qs, tt.first)
			}
			if len(qs) > tt.most {
				t.Errorf("%d quotes %q, want at most %d", len(qs), qs, tt.most)
			}
			for i, c := range got {
				if c.Ref != i+1 {
					t.Errorf("quote %d has ref %d", i, c.Ref)
				}
				if !strings.Contains(passageText(tt.passages, c.PassageID), c.Quote) {
					t.Errorf("quote %q is not in %s", c.Quote, c.PassageID)
				}
			}
		})
	}
}

func passageText(ps []knowledge.Passage, id string) string {
	for _, p := range ps {
		if p.ID == id {
			return p.Text
		}
	}
	return ""
}

func TestExtractNextSentence(t *testing.T) {
	got := quotes(extract("What did the fox do?", passagesOf("The fox saw the grapes. It jumped and jumped but could not reach them. The crow laughed."), defaultExtract()))
	if len(got) < 2 || got[1] != "It jumped and jumped but could not reach them." {
		t.Errorf("quotes = %q, want the sentence after the best second", got)
	}
}

// TestExtractNoFragments checks that headings and fragments of a few
// words are never offered, as the best sentence or after it.
func TestExtractNoFragments(t *testing.T) {
	ps := passagesOf(
		"The Captain’s Map\n\nThe captain hid the map under the floor of the inn. “Why?” I asked.",
		"The map\n\nNobody found the captain’s map for years.",
	)
	got := quotes(extract("What did the captain do with the map?", ps, defaultExtract()))
	if len(got) == 0 {
		t.Fatal("no quotes")
	}
	for _, q := range got {
		if q == "“Why?”" || q == "I asked." || q == "The Captain’s Map" || q == "The map" {
			t.Errorf("quotes = %q, offer the fragment or heading %q", got, q)
		}
	}
	if got[0] != "The captain hid the map under the floor of the inn." {
		t.Errorf("quotes = %q, want the sentence that answers first", got)
	}
}

func TestExtractWordBudget(t *testing.T) {
	long := strings.Repeat("word ", 45)
	ps := passagesOf("The king rode out. " + "The king had " + long + "horses. " + "The king had " + long + "dogs. " + "The king sang.")
	got := extract("What did the king do?", ps, defaultExtract())
	words := 0
	for _, c := range got[2:] {
		words += len(strings.Fields(c.Quote))
	}
	for _, c := range got[:min(2, len(got))] {
		words += len(strings.Fields(c.Quote))
	}
	if len(got) > 2 && words > defaultExtract().words {
		t.Errorf("%d quotes of %d words, want no more than %d words past two quotes", len(got), words, defaultExtract().words)
	}
}

// BenchmarkExtract times the extractive answerer alone on passages
// retrieved beforehand, on the default story and on a novel.
//
//	go test ./answer -run '^$' -bench BenchmarkExtract -benchmem
func BenchmarkExtract(b *testing.B) {
	ctx := context.Background()
	corpora := []struct {
		name      string
		open      func(st *sqlite.Store) error
		questions []string
	}{
		{"story", func(st *sqlite.Store) error { return st.EnsureDefault(ctx) }, []string{
			"What did the FBI ask Phantom Secure's CEO to do?", "How long was Ramos sentenced to?",
			"Who is the FBI Director?", "How much cash did Ramos agree to forfeit?", "When did Ramos plead guilty?",
		}},
		{"novel", func(st *sqlite.Store) error {
			raw, err := os.ReadFile("../../shared/datasets/gutenberg/pg1342.txt")
			if err != nil {
				b.Skipf("novel not available: %v", err)
			}
			p, err := knowledge.Parse(raw, knowledge.ParseOptions{Name: "pg1342.txt"})
			if err == nil {
				_, err = st.Ingest(ctx, []knowledge.Parsed{p}, nil)
			}
			return err
		}, []string{
			"Who does Elizabeth Bennet marry?", "Why did Elizabeth refuse Mr. Darcy's first proposal?",
			"How many daughters do the Bennets have?", "Where does Mr. Bingley take a house?",
		}},
	}
	for _, c := range corpora {
		b.Run(c.name, func(b *testing.B) {
			st, err := sqlite.Open(ctx, ":memory:")
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			if err := c.open(st); err != nil {
				b.Fatal(err)
			}
			pr := defaultExtract()
			var retrieved [][]knowledge.Passage
			for _, q := range c.questions {
				ps, err := st.Search(ctx, knowledge.Everything, q, pr.reads())
				if err != nil {
					b.Fatal(err)
				}
				retrieved = append(retrieved, ps)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				extract(c.questions[i%len(c.questions)], retrieved[i%len(c.questions)], pr)
			}
		})
	}
}
