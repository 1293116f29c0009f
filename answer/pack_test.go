package answer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// passageStore serves passages by id; it never searches.
type passageStore []knowledge.Passage

var _ Store = passageStore(nil)

func (s passageStore) Search(ctx context.Context, _ knowledge.Scope, q string, k int) ([]knowledge.Passage, error) {
	return nil, nil
}

func (s passageStore) SearchWeighted(ctx context.Context, _ knowledge.Scope, texts []knowledge.Weighted, k int) ([]knowledge.Passage, error) {
	return nil, nil
}

func (s passageStore) SearchRelated(ctx context.Context, _ knowledge.Scope, texts []knowledge.Weighted, _ []string, k int) ([]knowledge.Passage, error) {
	return nil, nil
}

// Lacking finds every word: the store never searches.
func (s passageStore) Lacking(context.Context, knowledge.Scope, []string) ([]string, error) {
	return nil, nil
}

// Respelt respells nothing.
func (s passageStore) Respelt(_ context.Context, _ knowledge.Scope, text string) (string, [][2]string, error) {
	return text, nil, nil
}

func (s passageStore) Passage(ctx context.Context, _ knowledge.Scope, id string) (knowledge.Passage, error) {
	for _, p := range s {
		if p.ID == id {
			return p, nil
		}
	}
	return knowledge.Passage{}, fmt.Errorf("passage %q: %w", id, knowledge.ErrNotFound)
}

func (s passageStore) Passages(ctx context.Context, _ knowledge.Scope, doc string) ([]knowledge.Passage, error) {
	return s, nil
}

func passages(texts ...string) passageStore {
	var ps passageStore
	for i, t := range texts {
		ps = append(ps, knowledge.Passage{ID: knowledge.PassageID("d", i+1), Doc: "d", N: i + 1, Text: t})
	}
	return ps
}

func TestPack(t *testing.T) {
	st := passages(
		"The FBI raided the office. The agents took every phone they found, including",
		"the ones in the safe. Then they left.",
		"Ramos refused: he said",
		"that he lacked the expertise. Nobody believed him.",
		strings.Repeat("A long sentence about nothing in particular. ", 100),
	)
	ctx := context.Background()
	tests := []struct {
		name      string
		budget    int
		retrieved []int // passage numbers, best first
		want      []string
	}{
		{
			name:      "cut mid-sentence gets the next sentence",
			budget:    1800,
			retrieved: []int{1},
			want:      []string{"The FBI raided the office. The agents took every phone they found, including the ones in the safe."},
		},
		{
			name:      "starting mid-sentence gets the sentence before",
			budget:    1800,
			retrieved: []int{4},
			want:      []string{"Ramos refused: he said that he lacked the expertise. Nobody believed him."},
		},
		{
			name:      "a retrieved neighbour is not repeated",
			budget:    1800,
			retrieved: []int{1, 2},
			want:      []string{st[0].Text, st[1].Text},
		},
		{
			name:      "passages past the budget are left out, shorter ones still fit",
			budget:    40,
			retrieved: []int{3, 5, 2},
			want:      []string{"Ramos refused: he said that he lacked the expertise.", "The agents took every phone they found, including the ones in the safe. Then they left."},
		},
		{
			name:      "the best passage alone over the budget is cut at a sentence",
			budget:    30,
			retrieved: []int{5},
			want:      []string{"A long sentence about nothing in particular. A long sentence about nothing in particular."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(Options{Store: st, ContextTokens: tt.budget})
			var in []knowledge.Passage
			for _, n := range tt.retrieved {
				in = append(in, st[n-1])
			}
			blocks := e.pack(ctx, in)
			var got []string
			total := 0
			for i, b := range blocks {
				if b.ref != i+1 {
					t.Errorf("block %d has ref %d", i, b.ref)
				}
				got = append(got, b.text)
				total += EstimateTokens(b.text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("blocks:\n%q\nwant:\n%q", got, tt.want)
			}
			if total > tt.budget {
				t.Errorf("blocks take %d tokens, over the budget of %d", total, tt.budget)
			}
		})
	}
}
