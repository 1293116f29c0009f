package knowledge_test

import (
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

func TestBuildQueryDropsStopWords(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"question", "What did the FBI ask Ramos to do?", []string{"fbi", "ask", "ramos"}},
		{"only stop words", "who is he", []string{"who", "is", "he"}},
		{"punctuation splits", "MS-13's leader", []string{"ms", "13", "leader"}},
		{"repeats", "lens lens LENS", []string{"lens"}},
		{"diacritics kept for the tokenizer", "Café", []string{"café"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := knowledge.BuildQuery(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(q.Terms, " ") != strings.Join(tt.want, " ") {
				t.Errorf("BuildQuery(%q).Terms = %q, want %q", tt.in, q.Terms, tt.want)
			}
		})
	}
}
