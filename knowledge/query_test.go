package knowledge_test

import (
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/quick"
	"unicode"

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

// wordPieces are the characters where a query word and an index term could
// part: digits and numbers of every kind, combining marks, private use,
// CJK, cased letters old and new, emoji, code points unassigned in
// SQLite's Unicode tables or in all of them, and invalid UTF-8.
var wordPieces = []string{
	"a", "Z", "0", "7", " ", "-", "'", `"`, ".", "_", "\t", "\u00a0", "\u200b",
	"²", "³", "¹", "½", "①", "٣", "〇", "Ⅷ", "ⅷ", "Ⅻ", "𝐀", "Ⓐ", "ﬁ",
	"\u0301", "\u0308", "\u0327", "\u0332", "\u0345", "\u0903", "\u0e31", "\u20dd", "\u093f",
	"\ue000", "\U000f0000", "\U00100000", "\U0010fffd",
	"東", "京", "カ", "한", "é", "É", "ø", "Ø", "ß", "ẞ", "İ", "ı", "ς", "Σ", "ά", "Ά", "й", "Й", "ё",
	"\u1c90", "\u10d0", "\U00010400", "\U0001e900", "\u13a0", "\uab70",
	"🥰", "😀", "\u058d", "\u0378", "\U000e0001", "\ufffd", "\xff", "\xe2\x82", "\xc3",
}

// randomText strings pieces and, now and then, any code point together.
func randomText(r *rand.Rand) string {
	var b strings.Builder
	for range r.Intn(12) {
		if r.Intn(8) == 0 {
			b.WriteRune(r.Int31n(unicode.MaxRune + 1))
			continue
		}
		b.WriteString(wordPieces[r.Intn(len(wordPieces))])
	}
	return b.String()
}

// wordsAreTerms reports whether each of the query words of s is one index
// term and, together, they are the index terms of s.
func wordsAreTerms(s string) bool {
	var got []string
	for _, w := range knowledge.Words(s) {
		terms := knowledge.Terms(w)
		if len(terms) != 1 {
			return false
		}
		got = append(got, terms[0])
	}
	return slices.Equal(got, knowledge.Terms(s))
}

// TestWordsAreIndexTerms checks that, for any text, the query words,
// tokenized, are the index terms: what Search looks for is what the index
// holds. Every code point is tried after a letter and on its own, then
// random strings.
func TestWordsAreIndexTerms(t *testing.T) {
	t.Parallel()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		c := string(r)
		if s := "a" + c + "Z" + c + " " + c; !wordsAreTerms(s) {
			t.Fatalf("%U: words %q, terms of %q are %q", r, knowledge.Words(s), s, knowledge.Terms(s))
		}
	}
	err := quick.Check(wordsAreTerms, &quick.Config{
		MaxCount: 20000,
		Values: func(v []reflect.Value, r *rand.Rand) {
			v[0] = reflect.ValueOf(randomText(r))
		},
	})
	if ce, ok := err.(*quick.CheckError); ok {
		s := ce.In[0].(string)
		t.Fatalf("words %q, terms of %q are %q", knowledge.Words(s), s, knowledge.Terms(s))
	} else if err != nil {
		t.Fatal(err)
	}
}

func TestWordsKeepEveryWordCharacter(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"x² + y³ = z", []string{"x²", "y³", "z"}},
		{"Chapter Ⅷ, ① and ½", []string{"chapter", "ⅷ", "①", "and", "½"}},
		{"東京タワー", []string{"東京タワー"}},
		{"Café CAFÉ cafe\u0301", []string{"café", "café", "cafe\u0301"}},
		{"\u0301mark first", []string{"mark", "first"}},
		{"it🥰 now", []string{"it🥰", "now"}},
		{"wasn't", []string{"wasn", "t"}},
	}
	for _, tt := range tests {
		if got := knowledge.Words(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
