package fairytaleqa

import (
	"github.com/storybot/storybot/knowledge"
	"context"
	"testing"
)

func TestDevStats(t *testing.T) {
	for _, sp := range []string{"train", "val", "test"} {
		stories, err := Load("../../../shared/datasets/fairytaleqa/" + sp)
		if err != nil {
			t.Fatal(err)
		}
		sec := 0
		for _, s := range stories {
			sec += len(s.Sections)
		}
		res, err := Evaluate(context.Background(), stories, Options{Depth: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: stories %d sections %d passages %d unplaced %d", sp, len(stories), sec, res.Passages, res.Unplaced)
	}
}

func TestDevUnplaced(t *testing.T) {
	for _, sp := range []string{"train", "val"} {
		stories, _ := Load("../../../shared/datasets/fairytaleqa/" + sp)
		for _, s := range stories {
			p, err := knowledge.Parse([]byte(s.Text()), knowledge.ParseOptions{Name: s.Name + ".txt"})
			if err != nil {
				t.Fatal(err)
			}
			for i, sp := range sectionSpans(p.Doc.Text, s.Sections) {
				if sp[1] <= sp[0] {
					t.Logf("%s section %d: %.150q dropped=%q title=%q", s.Name, i+1, s.Sections[i], p.Doc.Dropped, p.Doc.Title)
				}
			}
		}
	}
}
