package answer

import (
	"context"

	"github.com/storybot/storybot/knowledge"
)

// A question's word that the index lacks and ordinary English does not
// use is read as the story's word one edit away, when there is one (see
// knowledge.Misspellable): the question is searched and answered respelt,
// and the answer's notice says how it was read.

// respelt returns question with its misspelt words respelt, and each
// respelt as written with its respelling, or question itself.
func (s scoped) respelt(ctx context.Context, question string) (string, [][2]string, error) {
	words := knowledge.Misspellable(question)
	if len(words) == 0 {
		return question, nil, nil
	}
	fixes, err := s.st.Respell(ctx, s.sc, words)
	if err != nil || len(fixes) == 0 {
		return question, nil, err
	}
	respelt, pairs := knowledge.Respelled(question, fixes)
	return respelt, pairs, nil
}
