package answer

import (
	"fmt"

	"github.com/storybot/storybot/knowledge"
)

// Tuning is one setting of the extractive answerer, for the external
// TestTuneExtractive (which reads the evaluation sets through
// internal/eval, a package that imports this one).
type Tuning struct {
	Name string
	p    extractParams
}

// DefaultTuning is the tuning the engine answers with.
func DefaultTuning() Tuning { return Tuning{Name: "default", p: defaultExtract()} }

// String is the tuning's parameters.
func (t Tuning) String() string { return fmt.Sprintf("%+v", t.p) }

// Reads is how many of the top passages the tuning reads.
func (t Tuning) Reads() int { return t.p.reads() }

// Passages is how many top passages its sentences come from.
func (t Tuning) Passages() int { return t.p.passages }

// Extract answers question from the retrieved passages, best first;
// lacking are its words the story lacks that have related words.
func (t Tuning) Extract(question string, passages []knowledge.Passage, lacking []string) []Citation {
	return extractFollowUp(question, nil, lacking, passages, t.p)
}

// BestOnly is t answering with its best sentence alone.
func (t Tuning) BestOnly() Tuning {
	t.p.sentences, t.p.sureSentences = 1, 1
	return t
}

// AnswerType names the kind of answer a question asks for: time,
// duration, number, person, place, reason, manner or any.
func AnswerType(question string) string { return readQuestion(readWords(nil, question)).want.String() }

// Variants are t with one parameter changed each: the sweep around it.
func (t Tuning) Variants() []Tuning {
	var out []Tuning
	add := func(name string, f func(p *extractParams)) {
		p := t.p
		f(&p)
		out = append(out, Tuning{name, p})
	}
	for _, x := range []int{3, 5} {
		add(fmt.Sprintf("sentences=%d", x), func(p *extractParams) { p.sentences = x })
	}
	for _, x := range []int{0, 80, 120} {
		add(fmt.Sprintf("words=%d", x), func(p *extractParams) { p.words = x })
	}
	for _, x := range []int{3, 5} {
		add(fmt.Sprintf("typedPassages=%d", x), func(p *extractParams) { p.typedPassages = x })
	}
	add("passages=5", func(p *extractParams) { p.passages = 5 })
	for _, x := range []float64{0, 0.5} {
		add(fmt.Sprintf("rankBonus=%.2f", x), func(p *extractParams) { p.rankBonus = x })
	}
	for _, x := range []float64{0, 0.3} {
		add(fmt.Sprintf("lengthPenalty=%.2f", x), func(p *extractParams) { p.lengthPenalty = x })
	}
	for _, x := range []float64{0.2, 0.5} {
		add(fmt.Sprintf("minShare=%.2f", x), func(p *extractParams) { p.minShare = x })
	}
	add("next=0", func(p *extractParams) { p.next = 0 })
	for _, x := range []float64{0, 0.5, 2} {
		add(fmt.Sprintf("typeBonus=%.2f", x), func(p *extractParams) { p.typeBonus = x })
	}
	for _, x := range []int{4, 16} {
		add(fmt.Sprintf("near=%d", x), func(p *extractParams) { p.near = x })
	}
	for _, x := range []float64{0.25, 1} {
		add(fmt.Sprintf("farShare=%.2f", x), func(p *extractParams) { p.farShare = x })
	}
	for _, x := range []int{0, 3, 5} {
		add(fmt.Sprintf("minWords=%d", x), func(p *extractParams) { p.minWords = x })
	}
	add("sureSentences=3", func(p *extractParams) { p.sureSentences = 3 })
	add("sureNext=1", func(p *extractParams) { p.sureNext = 1 })
	for _, x := range []float64{0, 0.1, 0.25, 0.5, 1} {
		add(fmt.Sprintf("related=%.2f", x), func(p *extractParams) { p.related = x })
	}
	return out
}

// SupportTuning is one setting of the support check, for the external
// TestTuneClaims.
type SupportTuning struct {
	Name string
	p    supportParams
}

// DefaultSupportTuning is the setting the engine checks with.
func DefaultSupportTuning() SupportTuning { return SupportTuning{Name: "default", p: defaultSupport()} }

// String is the setting's parameters.
func (t SupportTuning) String() string { return fmt.Sprintf("%+v", t.p) }

// Check is CheckClaim with this setting.
func (t SupportTuning) Check(question, sentence string, quotes []string, passages string) string {
	return t.p.check(t.p.readClaim(sentence), t.p.readEvidence(quotes, nil), t.p.asking(question, passages))
}

// Variants are t with one parameter changed each.
func (t SupportTuning) Variants() []SupportTuning {
	var out []SupportTuning
	add := func(name string, f func(p *supportParams)) {
		p := t.p
		f(&p)
		out = append(out, SupportTuning{name, p})
	}
	for _, x := range []float64{0.34, 0.5, 0.6, 0.67} {
		add(fmt.Sprintf("coverage=%.2f", x), func(p *supportParams) { p.coverage = x })
	}
	for _, x := range []float64{0, 0.25, 0.5} {
		add(fmt.Sprintf("clause=%.2f", x), func(p *supportParams) { p.clause = x })
	}
	for _, x := range []int{1, 2, 4} {
		add(fmt.Sprintf("quoteTerms=%d", x), func(p *supportParams) { p.quoteTerms = x })
	}
	for _, x := range []int{2, 3, 6} {
		add(fmt.Sprintf("negScope=%d", x), func(p *supportParams) { p.negScope = x })
	}
	for _, x := range []float64{0, 0.4, 0.6, 0.67, 1} {
		add(fmt.Sprintf("fresh=%.2f", x), func(p *supportParams) { p.fresh = x })
	}
	return out
}

// AbstainTuning is one setting of the extractive answerer's abstention,
// for the external TestTuneAbstention.
type AbstainTuning struct {
	Name string
	p    abstainParams
}

// DefaultAbstainTuning is the setting the engine abstains with.
func DefaultAbstainTuning() AbstainTuning { return AbstainTuning{Name: "default", p: defaultAbstain()} }

// String is the setting's parameters.
func (t AbstainTuning) String() string { return fmt.Sprintf("%+v", t.p) }

// Unanswered returns why the passages do not answer question, or "".
func (t AbstainTuning) Unanswered(question string, passages []knowledge.Passage, lacking []string) string {
	why, _ := t.p.unanswered(question, passages, lacking)
	return why
}

// Score is how well the passages hold the question's words (0 to 1),
// or why they cannot answer it.
func (t AbstainTuning) Score(question string, passages []knowledge.Passage, lacking []string) (float64, string) {
	return t.p.judge(question, passages, lacking)
}

// Unsure is the score below which t shows the closest passages.
func (t AbstainTuning) Unsure() float64 { return t.p.unsure }

// Threshold is the score below which t abstains.
func (t AbstainTuning) Threshold() float64 { return t.p.threshold }

// Grid is t over a grid of the weights of the phrase share and the share
// of words together, and of the threshold.
func (t AbstainTuning) Grid() []AbstainTuning {
	var out []AbstainTuning
	for _, ph := range []float64{0, 0.3, 0.5} {
		for _, pr := range []float64{0, 0.5, 1} {
			for _, th := range []float64{0.26, 0.28, 0.3, 0.32, 0.34, 0.36, 0.4} {
				p := t.p
				p.phrase, p.pairs, p.threshold = ph, pr, th
				out = append(out, AbstainTuning{fmt.Sprintf("ph=%.1f,pr=%.1f,th=%.2f", ph, pr, th), p})
			}
		}
	}
	return out
}

// Variants are t with one parameter changed each.
func (t AbstainTuning) Variants() []AbstainTuning {
	var out []AbstainTuning
	add := func(name string, f func(p *abstainParams)) {
		p := t.p
		f(&p)
		out = append(out, AbstainTuning{name, p})
	}
	for _, x := range []int{3, 8} {
		add(fmt.Sprintf("passages=%d", x), func(p *abstainParams) { p.passages = x })
	}
	for _, x := range []float64{1, 3} {
		add(fmt.Sprintf("names=%.0f", x), func(p *abstainParams) { p.names = x })
	}
	add(fmt.Sprintf("facts=%v", !t.p.facts), func(p *abstainParams) { p.facts = !p.facts })
	add(fmt.Sprintf("numbers=%v", !t.p.numbers), func(p *abstainParams) { p.numbers = !p.numbers })
	add(fmt.Sprintf("needNames=%v", !t.p.needNames), func(p *abstainParams) { p.needNames = !p.needNames })
	for _, x := range []int{1, 3} {
		add(fmt.Sprintf("window=%d", x), func(p *abstainParams) { p.window = x })
	}
	for _, x := range []float64{0, 0.5} {
		add(fmt.Sprintf("phrase=%.1f", x), func(p *abstainParams) { p.phrase = x })
	}
	for _, x := range []float64{0, 1} {
		add(fmt.Sprintf("pairs=%.1f", x), func(p *abstainParams) { p.pairs = x })
	}
	for _, x := range []int{1, 3} {
		add(fmt.Sprintf("close=%d", x), func(p *abstainParams) { p.close = x })
	}
	for _, x := range []int{5, 20} {
		add(fmt.Sprintf("near=%d", x), func(p *abstainParams) { p.near = x })
	}
	for _, x := range []int{0, 4, 7} {
		add(fmt.Sprintf("fuzzy=%d", x), func(p *abstainParams) { p.fuzzy = x })
	}
	for _, x := range []float64{t.p.threshold - 0.03, t.p.threshold + 0.03} {
		add(fmt.Sprintf("threshold=%.2f", x), func(p *abstainParams) { p.threshold = x })
	}
	for _, x := range []float64{0, 0.25, 0.75, 1} {
		add(fmt.Sprintf("related=%.2f", x), func(p *abstainParams) { p.related = x })
	}
	return out
}

// RelatedGrid is t over a grid of the share a related word holds of the
// question's word it stands for and the threshold.
func (t AbstainTuning) RelatedGrid() []AbstainTuning {
	var out []AbstainTuning
	for _, r := range []float64{0, 0.25, 0.5, 0.75, 1} {
		for _, th := range []float64{0.24, 0.25, 0.26, 0.27} {
			p := t.p
			p.related, p.threshold = r, th
			out = append(out, AbstainTuning{fmt.Sprintf("related=%.2f,th=%.2f", r, th), p})
		}
	}
	return out
}

// CheckClaim returns why quotes do not back sentence, or "" when they do:
// the check the engine applies to every sentence of a model's answer (its
// markers removed), in answer to question. passages is the text the quotes
// were taken from, as the model was given it.
func CheckClaim(question, sentence string, quotes []string, passages string) string {
	sp := defaultSupport()
	return sp.check(sp.readClaim(sentence), sp.readEvidence(quotes, nil), sp.asking(question, passages))
}
