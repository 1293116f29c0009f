package answer

import (
	"strings"
	"testing"
)

func TestReadQuestion(t *testing.T) {
	tests := []struct {
		q    string
		want answerType
	}{
		{"When did Ramos plead guilty?", typeTime},
		{"In what year did the bridge first open?", typeTime},
		{"What date was the deal signed?", typeTime},
		{"What time did the train leave?", typeTime},
		{"How long was Ramos sentenced to?", typeDuration},
		{"How many charges does Cameron Ortis face?", typeNumber},
		{"How much cash did Ramos agree to forfeit?", typeNumber},
		{"What percentage of patients recovered?", typeNumber},
		{"How old was Kintaro?", typeNumber},
		{"Who is the director of the FBI?", typePerson},
		{"Whose delight was it to play tricks?", typePerson},
		{"Which company was pressured over Bitlocker?", typePerson},
		{"Where was Ramos indicted?", typePlace},
		{"Which country passed the law?", typePlace},
		{"Why couldn't Ramos install the backdoor himself?", typeReason},
		{"How come the bridge closed?", typeReason},
		{"How did the FBI try to get email addresses?", typeManner},
		{"What did the FBI ask Phantom Secure's CEO to do?", typeAny},
		{"What kind of phones did Phantom Secure sell?", typeAny},
		{"Tell me about the bridge.", typeAny},
	}
	for _, tt := range tests {
		if got := readQuestion(readWords(nil, tt.q)).want; got != tt.want {
			t.Errorf("readQuestion(%q) = %s, want %s", tt.q, got, tt.want)
		}
	}
}

func TestExpressions(t *testing.T) {
	tests := []struct {
		name     string
		question string
		sentence string
		want     []string // the words expressions finds, strongest first when they differ
	}{
		{"month and year", "When did Ramos plead guilty?",
			"Ramos pleaded guilty in October 2018 to running a criminal enterprise.", []string{"October", "2018"}},
		{"modal may is no month", "When did it rain?",
			"It may rain, and in May 2019 it did.", []string{"May", "2019"}},
		{"money is no year", "When was it bought?",
			"It was bought for $2019 in cash.", nil},
		{"a duration", "How long was Ramos sentenced to?",
			"Ramos landed nine years in prison in May 2019.", []string{"years"}},
		{"a count of a unit is only a sign", "How long did they walk?",
			"They walked for a whole day.", []string{"day"}},
		{"the counted noun makes a number sure", "How many charges does he face?",
			"He has been arrested and faces seven charges, and 2 appeals.", []string{"seven", "2"}},
		{"a reference mark is no number", "How many cases were there?",
			"Cases rose [7] in the spring.", nil},
		{"a percentage", "What percentage of patients recovered?",
			"In all, 40% of patients recovered and 12 died.", []string{"40", "12"}},
		{"money", "How much cash did Ramos forfeit?",
			"He agreed to forfeit $118 million in cash.", []string{"118", "million"}},
		{"names not in the question", "Who is the director of the FBI?",
			"FBI Director Christopher Wray told an audience.", []string{"Christopher", "Wray"}},
		{"a headline names nobody", "Who tried to get the firm to build it?",
			"FBI Tried To Get Encrypted Phone Firm To Build Backdoor", nil},
		{"a name in a short sentence", "Who spoke?",
			"FBI Director Christopher Wray spoke.", []string{"FBI", "Director", "Christopher", "Wray"}},
		{"a capitalised place after a preposition", "Where was Ramos indicted?",
			"Prosecutors indicted Ramos in the Southern District of California.", []string{"in"}},
		{"a reason", "Why did the shops lose money?",
			"Takings fell by a third, because customers stopped coming.", []string{"because"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qws := readWords(nil, tt.question)
			asked := make(map[string]float64)
			for _, w := range qws {
				if w.term != "" {
					asked[w.term] = 1
				}
			}
			ws := readWords(nil, tt.sentence)
			var got []string
			for _, e := range expressions(readQuestion(qws), ws, tt.sentence, asked, nil) {
				got = append(got, tt.sentence[ws[e.at].start:ws[e.at].end])
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("expressions = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExpressionStrength(t *testing.T) {
	q := "How many charges does he face?"
	s := "He faces seven charges and 2 appeals."
	qws := readWords(nil, q)
	asked := map[string]float64{"charg": 1, "face": 1}
	ws := readWords(nil, s)
	es := expressions(readQuestion(qws), ws, s, asked, nil)
	if len(es) != 2 || es[0].strength != 1 || es[1].strength >= 1 {
		t.Errorf("expressions = %+v, want the counted %q sure and the other number not", es, "seven charges")
	}
}

func TestReadWords(t *testing.T) {
	got := readWords(nil, "Ramos’ $118 million, 22,000 cars and 3.5 km — wasn't it?")
	var words, terms []string
	for _, w := range got {
		words = append(words, w.lower)
		terms = append(terms, w.term)
	}
	if want := "ramos 118 million 22,000 cars and 3.5 km wasn t it"; strings.Join(words, " ") != want {
		t.Errorf("words = %q, want %q", strings.Join(words, " "), want)
	}
	if !got[0].upper || got[1].upper || !got[1].digits {
		t.Errorf("upper/digits wrong: %+v", got[:2])
	}
	if terms[5] != "" || terms[4] != "car" {
		t.Errorf("terms = %q: want stop words without a term and cars → car", terms)
	}
}

func TestTermOfJoinsIrregularForms(t *testing.T) {
	for _, g := range [][]string{{"gave", "give", "given", "gives"}, {"ran", "run", "running"}, {"children", "child"}, {"sentenced", "sentence"}} {
		want := termOf(g[0])
		for _, w := range g[1:] {
			if got := termOf(w); got != want || got == "" {
				t.Errorf("termOf(%q) = %q, termOf(%q) = %q; want equal and not empty", g[0], want, w, got)
			}
		}
	}
	for _, w := range []string{"the", "told", "tell", "gone", "went"} {
		if got := termOf(w); got != "" {
			t.Errorf("termOf(%q) = %q, want no term for a stop word or a form of one", w, got)
		}
	}
}
