package timeline

import (
	"fmt"

	"github.com/storybot/storybot/knowledge"
)

// topicMatcher returns a test that a passage holds every word of topic,
// stop words aside, compared as the search index compares them (Porter
// stems, case and diacritics folded): "sentencing" finds "sentenced".
func topicMatcher(topic string) (func(text string) bool, error) {
	var want, all []string
	for _, w := range knowledge.Words(topic) {
		terms := knowledge.Terms(w)
		if len(terms) == 0 {
			continue
		}
		all = append(all, terms...)
		if !knowledge.IsStopWord(w) {
			want = append(want, terms...)
		}
	}
	if len(want) == 0 {
		want = all // a topic of stop words only is searched as it is
	}
	if len(want) == 0 {
		return nil, fmt.Errorf("%q: %w", topic, ErrEmptyTopic)
	}
	return func(text string) bool {
		have := make(map[string]bool)
		for _, t := range knowledge.Terms(text) {
			have[t] = true
		}
		for _, w := range want {
			if !have[w] {
				return false
			}
		}
		return true
	}, nil
}
