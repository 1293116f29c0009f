package answer_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/internal/fakeopenai"
	"github.com/storybot/storybot/knowledge"
)

// fakeStore is a hand-written Store over one document: search counts the
// query's words in each passage.
type fakeStore struct {
	doc      string
	text     string
	passages []knowledge.Passage
}

var _ answer.Store = (*fakeStore)(nil)

// newFakeStore makes a document from paragraphs joined by blank lines.
func newFakeStore(slug string, paragraphs ...string) *fakeStore {
	s := &fakeStore{doc: slug}
	for i, p := range paragraphs {
		if i > 0 {
			s.text += "\n\n"
		}
		start := len(s.text)
		s.text += p
		s.passages = append(s.passages, knowledge.Passage{
			ID: knowledge.PassageID(slug, i+1), Doc: slug, N: i + 1, Text: p, Start: start, End: len(s.text),
		})
	}
	return s
}

func (s *fakeStore) Search(ctx context.Context, sc knowledge.Scope, q string, k int) ([]knowledge.Passage, error) {
	return s.SearchWeighted(ctx, sc, []knowledge.Weighted{{Text: q, Weight: 1}}, k)
}

// Lacking finds every word: the fake searches words alone, not their
// related words.
func (s *fakeStore) Lacking(context.Context, knowledge.Scope, []string) ([]string, error) {
	return nil, nil
}

// Respelt respells nothing.
func (s *fakeStore) Respelt(_ context.Context, _ knowledge.Scope, text string) (string, [][2]string, error) {
	return text, nil, nil
}

// SearchRelated is SearchWeighted: the fake searches words alone.
func (s *fakeStore) SearchRelated(ctx context.Context, sc knowledge.Scope, texts []knowledge.Weighted, _ []string, k int) ([]knowledge.Passage, error) {
	return s.SearchWeighted(ctx, sc, texts, k)
}

// SearchWeighted scores each passage by the summed weights of the words
// it holds (the heaviest weight of each word), the first text's words
// counting 1.
func (s *fakeStore) SearchWeighted(ctx context.Context, _ knowledge.Scope, texts []knowledge.Weighted, k int) ([]knowledge.Passage, error) {
	query, err := knowledge.BuildQuery(texts[0].Text)
	if err != nil {
		return nil, err
	}
	weight := map[string]float64{}
	for _, t := range query.Terms {
		weight[t] = 1
	}
	for _, x := range texts[1:] {
		for _, w := range knowledge.Words(x.Text) {
			if !knowledge.IsStopWord(w) && x.Weight > weight[w] {
				weight[w] = x.Weight
			}
		}
	}
	type hit struct {
		p     knowledge.Passage
		score float64
	}
	var hits []hit
	for _, p := range s.passages {
		words := make(map[string]bool)
		for _, w := range knowledge.Words(p.Text) {
			words[w] = true
		}
		n := 0.0
		for t, w := range weight {
			if words[t] {
				n += w
			}
		}
		if n > 0 {
			hits = append(hits, hit{p, n})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	var out []knowledge.Passage
	for i, h := range hits {
		if i == k {
			break
		}
		h.p.Score = h.score
		out = append(out, h.p)
	}
	return out, nil
}

func (s *fakeStore) Passage(ctx context.Context, _ knowledge.Scope, id string) (knowledge.Passage, error) {
	for _, p := range s.passages {
		if p.ID == id {
			return p, nil
		}
	}
	return knowledge.Passage{}, fmt.Errorf("passage %q: %w", id, knowledge.ErrNotFound)
}

func (s *fakeStore) Passages(ctx context.Context, _ knowledge.Scope, doc string) ([]knowledge.Passage, error) {
	if doc != s.doc {
		return nil, fmt.Errorf("passages of %q: %w", doc, knowledge.ErrNotFound)
	}
	return s.passages, nil
}

// story is a short document in the style of the default story, with curly
// quotes and apostrophes.
func story() *fakeStore {
	return newFakeStore("phantom",
		"The FBI tried to get the CEO of encrypted phone company Phantom Secure, Vincent Ramos, to install a backdoor in his service so that the agency could spy on Sinaloa Cartel members, Motherboard reported on Thursday.",
		"Ramos pleaded guilty in October 2018 to running a criminal enterprise that facilitated drug trafficking, and he agreed to forfeit $118 million in cash.",
		"A source told Motherboard that the FBI offered him a deal: “the opportunity to do significantly less time if he identified users or built in/gave backdoor access.”",
		"He refused, Motherboard wrote. A third source said: “He never gave law enforcement a backdoor into Phantom Secure. He wasn’t going to do that.”",
		"The prosecution argued that unlike Apple and Google, Ramos’ encryption was intentionally designed to enable organised crime.",
	)
}

var blockRe = regexp.MustCompile(`(?m)^\[(\d+)\] (.*)$`)

// refOf returns the label of the block in the request's prompt that
// contains phrase, or 0.
func refOf(r fakeopenai.Request, phrase string) int {
	for _, m := range blockRe.FindAllStringSubmatch(r.Content("user"), -1) {
		if strings.Contains(m[2], phrase) {
			var n int
			fmt.Sscan(m[1], &n)
			return n
		}
	}
	return 0
}

// answerJSON is a reply in the protocol's shape whose one citation quotes
// quote from the block that contains locate; "[n]" in text becomes that
// block's marker.
func answerJSON(r fakeopenai.Request, text, locate, quote string) string {
	ref := refOf(r, locate)
	return fmt.Sprintf(`{"found": true, "answer": %q, "citations": [{"ref": %d, "quote": %q}]}`,
		strings.ReplaceAll(text, "[n]", fmt.Sprintf("[%d]", ref)), ref, quote)
}
