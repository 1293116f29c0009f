package answer

import (
	"context"

	"github.com/storybot/storybot/knowledge"
)

// withChapters gives a's citations the chapters of their passages: from
// the passages retrieved, or from the store for a quote re-attributed to a
// passage that was not (a chapter it cannot read stays unknown).
func (e *Engine) withChapters(ctx context.Context, a Answer, retrieved []knowledge.Passage) Answer {
	for i, c := range a.Citations {
		found := false
		for _, p := range retrieved {
			if p.ID == c.PassageID {
				a.Citations[i].Chapter, found = p.Chapter, true
				break
			}
		}
		if !found {
			if p, err := e.store.Passage(ctx, c.PassageID); err == nil {
				a.Citations[i].Chapter = p.Chapter
			}
		}
	}
	return a
}
