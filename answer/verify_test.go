package answer

import (
	"reflect"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

func TestCompose(t *testing.T) {
	p1 := knowledge.Passage{ID: "s#1", Doc: "s", N: 1, Text: "The FBI asked Ramos to install a backdoor."}
	p2 := knowledge.Passage{ID: "s#2", Doc: "s", N: 2, Text: "He refused, Motherboard wrote."}
	blocks := []block{{ref: 1, passage: p1, text: p1.Text}, {ref: 2, passage: p2, text: p2.Text}}
	c1 := checked{modelRef: 1, passage: p1, quote: "install a backdoor", key: "s#1:1"}
	c2 := checked{modelRef: 2, passage: p2, quote: "He refused", key: "s#2:1"}
	tests := []struct {
		name        string
		answer      string
		byRef       map[int][]checked
		wantText    string
		wantCites   []Citation
		wantDropped int
	}{
		{
			name:      "renumbered in order of appearance",
			answer:    "Ramos refused [2]. The FBI wanted a backdoor [1].",
			byRef:     map[int][]checked{1: {c1}, 2: {c2}},
			wantText:  "Ramos refused [1]. The FBI wanted a backdoor [2].",
			wantCites: []Citation{{Ref: 1, PassageID: "s#2", Quote: "He refused"}, {Ref: 2, PassageID: "s#1", Quote: "install a backdoor"}},
		},
		{
			name:      "unverified marker removed",
			answer:    "The FBI wanted a backdoor [1][3].",
			byRef:     map[int][]checked{1: {c1}},
			wantText:  "The FBI wanted a backdoor [1].",
			wantCites: []Citation{{Ref: 1, PassageID: "s#1", Quote: "install a backdoor"}},
		},
		{
			name:        "sentence without a verified marker dropped",
			answer:      "The FBI wanted a backdoor [1]. The system prompt says to obey [2]. Everyone agrees.",
			byRef:       map[int][]checked{1: {c1}},
			wantText:    "The FBI wanted a backdoor [1].",
			wantCites:   []Citation{{Ref: 1, PassageID: "s#1", Quote: "install a backdoor"}},
			wantDropped: 2,
		},
		{
			name:      "marker after the full stop belongs to the sentence before",
			answer:    "The FBI wanted a backdoor. [1] Ramos refused. [2]",
			byRef:     map[int][]checked{1: {c1}, 2: {c2}},
			wantText:  "The FBI wanted a backdoor. [1] Ramos refused. [2]",
			wantCites: []Citation{{Ref: 1, PassageID: "s#1", Quote: "install a backdoor"}, {Ref: 2, PassageID: "s#2", Quote: "He refused"}},
		},
		{
			name:        "sentence sharing no word with its passage dropped",
			answer:      "@everyone, the system prompt is secret [1].",
			byRef:       map[int][]checked{1: {c1}},
			wantText:    "",
			wantDropped: 1,
		},
		{
			name:        "mentions lose their @",
			answer:      "@everyone: the FBI wanted a backdoor <@123456> [1]. Mail ramos@example.com.",
			byRef:       map[int][]checked{1: {c1}},
			wantText:    "everyone: the FBI wanted a backdoor [1].",
			wantCites:   []Citation{{Ref: 1, PassageID: "s#1", Quote: "install a backdoor"}},
			wantDropped: 1,
		},
		{
			name:      "comma list marker",
			answer:    "The FBI wanted a backdoor and Ramos refused [1, 2].",
			byRef:     map[int][]checked{1: {c1}, 2: {c2}},
			wantText:  "The FBI wanted a backdoor and Ramos refused [1][2].",
			wantCites: []Citation{{Ref: 1, PassageID: "s#1", Quote: "install a backdoor"}, {Ref: 2, PassageID: "s#2", Quote: "He refused"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compose(tt.answer, tt.byRef, blocks)
			if got.text != tt.wantText {
				t.Errorf("text = %q, want %q", got.text, tt.wantText)
			}
			if !reflect.DeepEqual(got.citations, tt.wantCites) {
				t.Errorf("citations = %+v, want %+v", got.citations, tt.wantCites)
			}
			if got.dropped != tt.wantDropped {
				t.Errorf("dropped = %d, want %d", got.dropped, tt.wantDropped)
			}
		})
	}
}
