package knowledge_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"phantom-secure", "phantom-secure"},
		{"Phantom Secure", "phantom-secure"},
		{"  The Old  Mill!! ", "the-old-mill"},
		{"Café Zoë", "cafe-zoe"},
		{"Don't Panic", "dont-panic"},
		{"snake_case.name", "snake-case-name"},
		{"--a--b--", "a-b"},
		{"物語", "物語"},
		{"別", "別"},
		{"東京 物語", "東京-物語"},
		{"がっこう", "がっこう"}, // the voicing mark stays
		{"Δράμα", "δράμα"},
		{"हिन्दी कहानी", "हिन्दी-कहानी"}, // vowel signs and virama stay
		{"Straße", "straße"},
		{"ﬁnal Ⅻ x²", "final-xii-x2"},
		{"🔥", ""},
		{"🔥 fire 🔥", "fire"},
		{"a\u200fb", "a-b"}, // a right-to-left mark is no letter
		{"", ""},
		{"Chapter 12: The End", "chapter-12-the-end"},
		{strings.Repeat("abcdefghij", 10), strings.Repeat("abcdefghij", 6) + "abcd"},
		{strings.Repeat("物語", 40), strings.Repeat("物語", 32)},
	}
	for _, tt := range tests {
		got := knowledge.Slugify(tt.in)
		if got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if utf8.RuneCountInString(got) > knowledge.MaxIDLen {
			t.Errorf("Slugify(%q) is %d characters long", tt.in, utf8.RuneCountInString(got))
		}
		if got != "" && knowledge.CheckID(got) != nil {
			t.Errorf("Slugify(%q) = %q, which CheckID refuses: %v", tt.in, got, knowledge.CheckID(got))
		}
	}
}

func TestCheckID(t *testing.T) {
	for _, id := range []string{"article", "article-2", "物語", "a1"} {
		if err := knowledge.CheckID(id); err != nil {
			t.Errorf("CheckID(%q) = %v, want nil", id, err)
		}
	}
	for id, hint := range map[string]string{"My Story": "my-story", "a#1": "a-1", "": "empty", "-a": "(e.g. a)", "🔥": "(e.g. story)",
		strings.Repeat("a", 65): "at most 64"} {
		err := knowledge.CheckID(id)
		if err == nil || !strings.Contains(err.Error(), hint) {
			t.Errorf("CheckID(%q) = %v, want an error mentioning %q", id, err, hint)
		}
	}
}

func TestNumberedID(t *testing.T) {
	if got := knowledge.NumberedID("article", 2); got != "article-2" {
		t.Errorf("NumberedID(article, 2) = %q", got)
	}
	long := strings.Repeat("ab-", 30)[:knowledge.MaxIDLen]
	got := knowledge.NumberedID(long, 12)
	if utf8.RuneCountInString(got) > knowledge.MaxIDLen || !strings.HasSuffix(got, "-12") || strings.Contains(got, "--") {
		t.Errorf("NumberedID(%q, 12) = %q: want at most %d characters ending -12", long, got, knowledge.MaxIDLen)
	}
}

func TestParseIDs(t *testing.T) {
	text := []byte("A quiet story.\n\nIt has two paragraphs and a few words in each of them.")
	tests := []struct {
		name string
		opt  knowledge.ParseOptions
		want string
	}{
		{"from the file name", knowledge.ParseOptions{Name: "dir/物語.txt"}, "物語"},
		{"emoji name: from the title", knowledge.ParseOptions{Name: "🔥.txt", Title: "The Fire"}, "the-fire"},
		{"nothing usable", knowledge.ParseOptions{Name: "🔥.txt", Title: "🔥"}, knowledge.FallbackID},
		{"named", knowledge.ParseOptions{Name: "article.txt", ID: "my-article"}, "my-article"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := knowledge.Parse(text, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if p.Doc.Slug != tt.want || p.Doc.Named != (tt.opt.ID != "") {
				t.Errorf("id %q (named %v), want %q", p.Doc.Slug, p.Doc.Named, tt.want)
			}
			if p.Passages[0].ID != tt.want+"#1" {
				t.Errorf("first passage %q, want %s#1", p.Passages[0].ID, tt.want)
			}
		})
	}
}
