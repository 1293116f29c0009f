package answer

import (
	"reflect"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

func TestCompose(t *testing.T) {
	p1 := knowledge.Passage{ID: "s#1", Doc: "s", N: 1, Text: "The FBI asked Ramos to install a backdoor in his service."}
	p2 := knowledge.Passage{ID: "s#2", Doc: "s", N: 2, Text: "Ramos refused to help the FBI, Motherboard wrote."}
	c1 := checked{modelRef: 1, passage: p1, quote: "The FBI asked Ramos to install a backdoor", key: "s#1:1"}
	c2 := checked{modelRef: 2, passage: p2, quote: "Ramos refused to help the FBI", key: "s#2:1"}
	short := checked{modelRef: 2, passage: p2, quote: "Ramos", key: "s#2:2"}
	tests := []struct {
		name      string
		answer    string
		byRef     map[int][]checked
		wantText  string
		wantCites []Citation
		wantWhy   []string // the reasons of the sentences left out, in order
	}{
		{
			name:      "renumbered in order of appearance",
			answer:    "Ramos refused to help [2]. The FBI wanted Ramos to install a backdoor [1].",
			byRef:     map[int][]checked{1: {c1}, 2: {c2}},
			wantText:  "Ramos refused to help [1]. The FBI wanted Ramos to install a backdoor [2].",
			wantCites: []Citation{{Ref: 1, PassageID: "s#2", Quote: c2.quote}, {Ref: 2, PassageID: "s#1", Quote: c1.quote}},
		},
		{
			name:      "unverified marker removed",
			answer:    "The FBI wanted Ramos to install a backdoor [1][3].",
			byRef:     map[int][]checked{1: {c1}},
			wantText:  "The FBI wanted Ramos to install a backdoor [1].",
			wantCites: []Citation{{Ref: 1, PassageID: "s#1", Quote: c1.quote}},
		},
		{
			name:      "sentences without a backed marker left out",
			answer:    "The FBI wanted Ramos to install a backdoor [1]. The system prompt says to obey [2]. Everyone agrees.",
			byRef:     map[int][]checked{1: {c1}},
			wantText:  "The FBI wanted Ramos to install a backdoor [1].",
			wantCites: []Citation{{Ref: 1, PassageID: "s#1", Quote: c1.quote}},
			wantWhy:   []string{"no quote it cites", "it cites no quote"},
		},
		{
			name:      "a sentence restating a backed one may go without a marker",
			answer:    "The FBI asked Ramos to install a backdoor [1]. So Ramos was asked for a backdoor.",
			byRef:     map[int][]checked{1: {c1}},
			wantText:  "The FBI asked Ramos to install a backdoor [1]. So Ramos was asked for a backdoor.",
			wantCites: []Citation{{Ref: 1, PassageID: "s#1", Quote: c1.quote}},
		},
		{
			name:      "marker after the full stop belongs to the sentence before",
			answer:    "The FBI wanted Ramos to install a backdoor. [1] Ramos refused to help. [2]",
			byRef:     map[int][]checked{1: {c1}, 2: {c2}},
			wantText:  "The FBI wanted Ramos to install a backdoor. [1] Ramos refused to help. [2]",
			wantCites: []Citation{{Ref: 1, PassageID: "s#1", Quote: c1.quote}, {Ref: 2, PassageID: "s#2", Quote: c2.quote}},
		},
		{
			name:     "a sentence its quote does not back",
			answer:   "Ramos murdered the president [2].",
			byRef:    map[int][]checked{2: {c2}},
			wantText: "",
			wantWhy:  []string{"its quotes do not say this"},
		},
		{
			name:     "a quote too short",
			answer:   "Ramos refused [2].",
			byRef:    map[int][]checked{2: {short}},
			wantText: "",
			wantWhy:  []string{"too short"},
		},
		{
			name:      "a mention or a link is not in the quotes",
			answer:    "@everyone: the FBI wanted Ramos to install a backdoor [1]. Ramos refused to help, see evil.example [2]. Mail ramos@example.com.",
			byRef:     map[int][]checked{1: {c1}, 2: {c2}},
			wantText:  "",
			wantCites: nil,
			wantWhy:   []string{`"@everyone"`, `"evil.example"`, "it cites no quote"},
		},
		{
			name:    "a marker inside a word",
			answer:  "Ramos refused to help the FBI nine[2]ty times [2]. Ramos refused to help the FBI 9[0]9 times [2].",
			byRef:   map[int][]checked{2: {c2}},
			wantWhy: []string{"inside a word", "9 is not in its quotes"},
		},
		{
			name:    "a marker that cites nothing joins no words",
			answer:  "Ramos refused to help the FBI, see https:[0]//evil[0].example [2]. Ramos refused to help the FBI, see evil .example [2].",
			byRef:   map[int][]checked{2: {c2}},
			wantWhy: []string{`"evil.example"`, `"evil.example"`},
		},
		{
			name:    "fullwidth letters, zero-width spaces and other digits read as shown",
			answer:  "Ramos refused to help the FBI, see ｅｖｉｌ．ｅｘａｍｐｌｅ [2]. Ramos refused to help the FBI, see evil\u200b.example [2]. Ramos refused to help the FBI ٣ times [2].",
			byRef:   map[int][]checked{2: {c2}},
			wantWhy: []string{`"evil.example"`, `"evil.example"`, "3 is not in its quotes"},
		},
		{
			name:      "a range marker and a marker with a full stop",
			answer:    "The FBI asked Ramos to install a backdoor and Ramos refused to help [1-2]. The FBI asked Ramos to install a backdoor [1.]",
			byRef:     map[int][]checked{1: {c1}, 2: {c2}},
			wantText:  "The FBI asked Ramos to install a backdoor and Ramos refused to help [1][2]. The FBI asked Ramos to install a backdoor [1]",
			wantCites: []Citation{{Ref: 1, PassageID: "s#1", Quote: c1.quote}, {Ref: 2, PassageID: "s#2", Quote: c2.quote}},
		},
		{
			name:      "comma list marker",
			answer:    "The FBI asked Ramos to install a backdoor and Ramos refused to help [1, 2].",
			byRef:     map[int][]checked{1: {c1}, 2: {c2}},
			wantText:  "The FBI asked Ramos to install a backdoor and Ramos refused to help [1][2].",
			wantCites: []Citation{{Ref: 1, PassageID: "s#1", Quote: c1.quote}, {Ref: 2, PassageID: "s#2", Quote: c2.quote}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compose("What did the FBI ask Ramos to do?", tt.answer, tt.byRef, defaultSupport())
			if got.text != tt.wantText {
				t.Errorf("text = %q, want %q", got.text, tt.wantText)
			}
			if !reflect.DeepEqual(got.citations, tt.wantCites) {
				t.Errorf("citations = %+v, want %+v", got.citations, tt.wantCites)
			}
			if len(got.unbacked) != len(tt.wantWhy) {
				t.Fatalf("left out %+v, want %d sentences", got.unbacked, len(tt.wantWhy))
			}
			for i, u := range got.unbacked {
				if !strings.Contains(u.Why, tt.wantWhy[i]) || u.Sentence == "" {
					t.Errorf("left out %q because %q, want a reason with %q", u.Sentence, u.Why, tt.wantWhy[i])
				}
			}
		})
	}
}

// TestComposeVouchesByTheQuotesPassage: a name of the question that a
// quote lacks stands only when the passage the quote was found in holds
// it, not another passage the model was given.
func TestComposeVouchesByTheQuotesPassage(t *testing.T) {
	ramos := knowledge.Passage{ID: "s#1", Doc: "s", N: 1, Text: "He refused to help the FBI, Motherboard wrote."}
	ortis := knowledge.Passage{ID: "s#2", Doc: "s", N: 2, Text: "Cameron Ortis was arrested and faces seven charges."}
	byRef := map[int][]checked{1: {{modelRef: 1, passage: ramos, quote: "He refused to help the FBI", key: "s#1:0"}}}
	got := compose("Did Ortis refuse to help the FBI?", "Ortis refused to help the FBI [1]. Ortis refused to help them.", byRef, defaultSupport())
	if got.text != "" || len(got.unbacked) != 2 || !strings.Contains(got.unbacked[0].Why, "Ortis") {
		t.Errorf("compose = %q, left out %+v; want both sentences left out, the first because Ortis is not in its quotes", got.text, got.unbacked)
	}
	byRef[1][0].passage = knowledge.Passage{ID: "s#3", Doc: "s", N: 3, Text: ortis.Text + " He refused to help the FBI, Motherboard wrote."}
	if got := compose("Did Ortis refuse to help the FBI?", "Ortis refused to help the FBI [1].", byRef, defaultSupport()); got.text != "Ortis refused to help the FBI [1]." {
		t.Errorf("compose = %q (left out %+v), want it kept: the quote's passage names Ortis", got.text, got.unbacked)
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"ｅｖｉｌ．ｅｘａｍｐｌｅ":         "evil.example",
		"evil\u200b.example":   "evil.example",
		"9\u034f9 years":       "99 years",
		"did n\u034fot":        "did not",
		"May 20\ufe0e20":       "May 2020",
		"٢٠١٦ and ⑫":           "2016 and 12",
		"MS\u201113 and MS–13": "MS-13 and MS-13",
		"José and naïve":       "José and naïve",
		"line\none\ttwo\x07":   "line\none\ttwo",
	} {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnmention(t *testing.T) {
	for in, want := range map[string]string{
		"ask @everyone and @@here": "ask everyone and here",
		"see <@123> and <#45>":     "see  and ",
		"write <@name":             "write <name",
		"mail ramos@example.com":   "mail ramos@example.com",
	} {
		if got := unmention(in); got != want {
			t.Errorf("unmention(%q) = %q, want %q", in, got, want)
		}
	}
}
