package answer

import (
	"testing"
)

// TestRelatedWordsCountForLess: in the abstention's share of a question's
// words, a related word the passages hold counts for less than the word
// itself, and a common one ("time") for less than a rare one ("prison").
func TestRelatedWordsCountForLess(t *testing.T) {
	ap := defaultAbstain()
	share := func(lacking []string, sentence string) float64 {
		t.Helper()
		const q = "What was he sentenced to?"
		ws := readWords(nil, q)
		asked := withRelated(ap.asking(q, ws, sentenceOpens(q, ws)).words, lacking, ap.related)
		var m uint64
		for _, w := range readWords(nil, sentence) {
			m |= askedBits(asked, supportTerm(w.lower))
		}
		return heldShare(asked, m)
	}
	own := share(nil, "He was sentenced to nine years.")
	prison := share([]string{"sentenced"}, "He got nine years in prison.")
	time := share([]string{"sentenced"}, "He did time.")
	none := share(nil, "He got nine years in prison.")
	if own != 1 {
		t.Errorf("the word itself holds %.2f of the question, want 1", own)
	}
	if prison <= 0 || prison > ap.related || prison >= own {
		t.Errorf("a related word holds %.2f of the question, want above 0 and at most %.2f", prison, ap.related)
	}
	if time >= prison {
		t.Errorf(`"time" holds %.2f of the question, "prison" %.2f: want the common word to count for less`, time, prison)
	}
	if none != 0 {
		t.Errorf("with no lacking words a related word holds %.2f, want 0", none)
	}
}

// TestRelatedTermsLeaveTheQuestionsOwn: the extractive answerer counts a
// related word only where the question lacks it.
func TestRelatedTermsLeaveTheQuestionsOwn(t *testing.T) {
	asked := map[string]float64{termOf("prison"): 0}
	got := relatedTerms([]string{"sentenced"}, asked)
	if got[termOf("prison")] {
		t.Errorf("relatedTerms = %v: holds the question's own word prison", got)
	}
	if !got[termOf("conviction")] {
		t.Errorf("relatedTerms = %v: want conviction, a related word of sentenced", got)
	}
}
