package knowledge_test

import (
	"testing"

	"github.com/storybot/storybot/knowledge"
)

func TestBaseForm(t *testing.T) {
	tests := []struct {
		w, want string
		ok      bool
	}{
		{"went", "go", true},
		{"given", "give", true},
		{"children", "child", true},
		{"give", "give", false}, // a base form is not an irregular form of itself
		{"walked", "walked", false},
	}
	for _, tt := range tests {
		if got, ok := knowledge.BaseForm(tt.w); got != tt.want || ok != tt.ok {
			t.Errorf("BaseForm(%q) = %q, %v; want %q, %v", tt.w, got, ok, tt.want, tt.ok)
		}
	}
}
