package eval

import (
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/storybot/storybot/knowledge"
)

// The unanswerable set, after SQuAD 2.0's: questions that share their
// words with a story but ask for something it does not hold. Each is one
// of the story's own questions changed as SQuAD 2.0's writers changed
// theirs, and kept only when the story lacks what the change brings in:
//
//   - a year, month or day of the week moved to one the story lacks;
//   - a number moved to one the story lacks;
//   - a name replaced with a name of another story (the story asked
//     besides, as for the off-topic set) that this one lacks;
//   - the question's rarest word (other than a name) replaced with a word
//     of the other story this one lacks;
//   - a negation added or removed ("Why did…" to "Why didn't…").
//
// The last is the weakest: the story may well say why something did not
// happen. It is reported apart.

// Kinds of unanswerable question.
const (
	KindDateChanged   = "date changed"
	KindNumberChanged = "number changed"
	KindNameSwapped   = "name from another story"
	KindWordSwapped   = "word from another story"
	KindNegated       = "negation flipped"
)

// unanswerableKinds lists the kinds in report order.
var unanswerableKinds = []string{KindDateChanged, KindNumberChanged, KindNameSwapped, KindWordSwapped, KindNegated}

// Unanswerable returns each story with, in place of its questions, the
// unanswerable questions made from them (Question.Kind says how). Story i
// takes names and words from story (i + n/2) mod n.
func Unanswerable(stories []Story) []Story {
	out := make([]Story, len(stories))
	for i, s := range stories {
		other := stories[offTopic(i, len(stories))].Text
		if len(stories) < 2 {
			other = ""
		}
		u := Story{Name: s.Name, Text: s.Text}
		have := termSet(s.Text)
		words := storyWords(other, have)
		names := storyNames(other)
		add := func(kind, text string, ok bool) {
			if ok && text != "" {
				u.Questions = append(u.Questions, Question{Text: text, Kind: kind})
			}
		}
		for _, q := range s.Questions {
			t, ok := swapDate(q.Text, s.Text)
			add(KindDateChanged, t, ok)
			t, ok = swapNumber(q.Text, s.Text)
			add(KindNumberChanged, t, ok)
			t, ok = swapName(q.Text, s.Text, names)
			add(KindNameSwapped, t, ok && other != "")
			t, ok = swapWord(q.Text, have, words)
			add(KindWordSwapped, t, ok)
			add(KindNegated, negateQuestion(q.Text), true)
		}
		out[i] = u
	}
	return out
}

// storyWords are the lower-case words of text of four letters or more
// whose terms are rare in ordinary English (in under 2% of background
// passages) and not in have, most frequent first (ties in alphabetical
// order).
func storyWords(text string, have map[string]bool) []string {
	count := make(map[string]int)
	for _, w := range wordRe.FindAllString(text, -1) {
		if t, ok := plainTerm(w); ok && !have[t] && knowledge.CommonShare(t) < 0.02 {
			count[w]++
		}
	}
	words := make([]string, 0, len(count))
	for w := range count {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if count[words[i]] != count[words[j]] {
			return count[words[i]] > count[words[j]]
		}
		return words[i] < words[j]
	})
	return words
}

func hasDigitRune(w string) bool { return strings.IndexFunc(w, unicode.IsDigit) >= 0 }

// plainTerm is the one index term of w, a lower-case word of four letters
// or more, not a stop word, without digits, that storyWords and swapWord
// may swap; ok is false for any other word.
func plainTerm(w string) (string, bool) {
	if len(w) < 4 || w != strings.ToLower(w) || knowledge.IsStopWord(w) || hasDigitRune(w) {
		return "", false
	}
	ts := knowledge.Terms(w)
	if len(ts) != 1 {
		return "", false
	}
	return ts[0], true
}

// swapWord replaces the question's rarest lower-case word that the story
// holds (have: its terms) with the first of words, each a word of another
// story that this one lacks.
func swapWord(question string, have map[string]bool, words []string) (string, bool) {
	if len(words) == 0 {
		return "", false
	}
	best, share := []int(nil), 1.0
	for _, loc := range wordRe.FindAllStringIndex(question, -1) {
		t, ok := plainTerm(question[loc[0]:loc[1]])
		if !ok || !have[t] {
			continue
		}
		if s := knowledge.CommonShare(t); s < share {
			best, share = loc, s
		}
	}
	if best == nil {
		return "", false
	}
	return question[:best[0]] + words[0] + question[best[1]:], true
}

var (
	// negatedAux is an auxiliary with its negation: "didn't", "was not".
	negatedAux = regexp.MustCompile(`(?i)\b(did|does|do|is|was|were|are|could|would|should|has|had|have)(n['’]t| not)\b`)
	// firstAux is the first auxiliary of a question.
	firstAux = regexp.MustCompile(`(?i)\b(did|does|do|is|was|were|are|could|would|should|has|had|have)\b`)
)

// negateQuestion removes the question's negation, or adds one to its
// first auxiliary ("Why did the fox run?" to "Why didn't the fox
// run?"), or returns "" when it has neither.
func negateQuestion(question string) string {
	if loc := negatedAux.FindStringSubmatchIndex(question); loc != nil {
		return question[:loc[3]] + question[loc[5]:]
	}
	if loc := firstAux.FindStringIndex(question); loc != nil {
		return question[:loc[1]] + "n't" + question[loc[1]:]
	}
	return ""
}

// UnanswerableReport counts, for each kind of unanswerable question, how
// many were asked and how many answered not_found.
type UnanswerableReport struct {
	N, NotFound map[string]int
}

func (r *UnanswerableReport) add(kind string, notFound bool) {
	if r.N == nil {
		r.N, r.NotFound = make(map[string]int), make(map[string]int)
	}
	r.N[kind]++
	if notFound {
		r.NotFound[kind]++
	}
}

// NotFoundRate is the share answered not_found of every kind but the
// negated questions.
func (r UnanswerableReport) NotFoundRate() float64 {
	n, nf := 0, 0
	for _, k := range unanswerableKinds {
		if k != KindNegated {
			n += r.N[k]
			nf += r.NotFound[k]
		}
	}
	return ratio(nf, n)
}
