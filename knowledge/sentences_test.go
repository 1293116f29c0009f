package knowledge_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

// sentenceTexts returns the sentences Sentences finds in text.
func sentenceTexts(text string) []string {
	var out []string
	for _, s := range knowledge.Sentences(text) {
		out = append(out, text[s[0]:s[1]])
	}
	return out
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", nil},
		{"only space", " \n\t\n ", nil},
		{"one without stop", "no full stop here", []string{"no full stop here"}},
		{"two", "The sun rose. The birds sang.", []string{"The sun rose.", "The birds sang."}},
		{"surrounding space trimmed", "  The sun rose.   The birds sang.  \n", []string{"The sun rose.", "The birds sang."}},
		{"question and exclamation", "Who is there? Open up! Now.", []string{"Who is there?", "Open up!", "Now."}},
		{"mixed terminators", "Really?! Yes.", []string{"Really?!", "Yes."}},
		{"titles", "Mr. Smith met Mrs. Jones and Dr. Watson at St. Paul's.", []string{"Mr. Smith met Mrs. Jones and Dr. Watson at St. Paul's."}},
		{"professor and captain", "Prof. Lee and Capt. Ahab spoke. They left.", []string{"Prof. Lee and Capt. Ahab spoke.", "They left."}},
		{"U.S. before a name", "a U.S. Attorney's Office press release said so.", []string{"a U.S. Attorney's Office press release said so."}},
		{"U.S. ending a sentence", "He moved to the U.S. The move was hard.", []string{"He moved to the U.S.", "The move was hard."}},
		{"U.K. mid sentence", "The U.K. Parliament voted. It passed.", []string{"The U.K. Parliament voted.", "It passed."}},
		{"e.g. and i.e.", "Some fruit, e.g. apples, i.e. the red ones. Fine.", []string{"Some fruit, e.g. apples, i.e. the red ones.", "Fine."}},
		{"e.g. before a capital", "Use a name, e.g. Alice. Then stop.", []string{"Use a name, e.g. Alice.", "Then stop."}},
		{"etc. then capital", "Apples, pears, etc. Then we left.", []string{"Apples, pears, etc.", "Then we left."}},
		{"etc. then lower case", "apples, pears, etc. and more.", []string{"apples, pears, etc. and more."}},
		{"initials", "J. R. R. Tolkien wrote it. He was slow.", []string{"J. R. R. Tolkien wrote it.", "He was slow."}},
		{"initial ending a sentence", "It was Plan B. The plan failed.", []string{"It was Plan B.", "The plan failed."}},
		{"decimal money", "He paid $1.5 million. It was 3.25 per cent.", []string{"He paid $1.5 million.", "It was 3.25 per cent."}},
		{"number abbreviation", "See No. 5 and p. 12 for details. Done.", []string{"See No. 5 and p. 12 for details.", "Done."}},
		{"no as a word", "The answer was no. Nobody asked again.", []string{"The answer was no.", "Nobody asked again."}},
		{"dotted name", "Visit example.com today. Thanks.", []string{"Visit example.com today.", "Thanks."}},
		{"ellipsis dots then capital", "I thought... Maybe not.", []string{"I thought...", "Maybe not."}},
		{"ellipsis dots then lower case", "I thought... maybe not.", []string{"I thought... maybe not."}},
		{"ellipsis character", "Wait… Then it came.", []string{"Wait…", "Then it came."}},
		{"leading ellipsis", "… The FBI still gained. It ended.", []string{"… The FBI still gained.", "It ended."}},
		{"straight quotes", `He said "Stop." Then he left.`, []string{`He said "Stop."`, "Then he left."}},
		{"curly quotes", "He said “Stop.” Then he left.", []string{"He said “Stop.”", "Then he left."}},
		{"curly single quotes", "She said ‘No way!’ She meant it.", []string{"She said ‘No way!’", "She meant it."}},
		{"quote continues with lower case", "“Help!” he cried. Nobody came.", []string{"“Help!” he cried.", "Nobody came."}},
		{"question in quote continues", `"Is it late?" asked Tom. It was.`, []string{`"Is it late?" asked Tom.`, "It was."}},
		{"bracket after stop", "It rained. (It always does.) We stayed in.", []string{"It rained.", "(It always does.)", "We stayed in."}},
		{"next sentence opens with a quote", "He left. “Goodbye,” she said.", []string{"He left.", "“Goodbye,” she said."}},
		{"next sentence starts with a digit", "It ended in 1990. 1991 was calm.", []string{"It ended in 1990.", "1991 was calm."}},
		{"paragraph break ends a sentence", "A heading\n\nThe text starts here.", []string{"A heading", "The text starts here."}},
		{"paragraph break after an abbreviation", "Ask Mr.\n\nSmith knows.", []string{"Ask Mr.", "Smith knows."}},
		{"blank line with spaces", "First part\n  \nSecond part", []string{"First part", "Second part"}},
		{"single line break is space", "The sun\nrose. The birds\nsang.", []string{"The sun\nrose.", "The birds\nsang."}},
		{"sentence ends at a line break", "The sun rose.\nThe birds sang.", []string{"The sun rose.", "The birds sang."}},
		{"line break before lower case", "He said no.\nand left.", []string{"He said no.\nand left."}},
		{"title before a line break", "Ask Mr.\nSmith. He knows.", []string{"Ask Mr.\nSmith.", "He knows."}},
		{"double space after a full stop", "The sun rose.  The birds\n  sang.", []string{"The sun rose.", "The birds\n  sang."}},
		{"colon does not end", "He said: the end is near. Yes.", []string{"He said: the end is near.", "Yes."}},
		{"lone punctuation", "?! Hello.", []string{"?! Hello."}},
		{"non-ASCII letters", "Ça va. Élodie est là. Ñandú corre.", []string{"Ça va.", "Élodie est là.", "Ñandú corre."}},
		{"lower-case non-ASCII continues", "Il dit oui. été chaud.", []string{"Il dit oui. été chaud."}},
		{"CRLF blank line", "One.\r\n\r\nTwo", []string{"One.", "Two"}},
		{"quotation stays in its sentence", "The source said, “That’s all I want to say. He did not.” When pressed, he left.",
			[]string{"The source said, “That’s all I want to say. He did not.”", "When pressed, he left."}},
		{"straight quotation stays in its sentence", `He told them "Go home. Now." Then he left.`,
			[]string{`He told them "Go home. Now."`, "Then he left."}},
		{"quotation left open ends at the paragraph", "He said, “Go home. Now.\n\nThen he left.",
			[]string{"He said, “Go home.", "Now.", "Then he left."}},
		{"quotation opening a sentence", "“Go home. Now,” he said. They went.", []string{"“Go home.", "Now,” he said.", "They went."}},
		{"two quotations in one sentence", "“Jim,” he said, “you saw him? I did.” Jim nodded.",
			[]string{"“Jim,” he said, “you saw him? I did.”", "Jim nodded."}},
		{"ideographic full stops", "今日は晴れです。明日は雨でしょう！本当？", []string{"今日は晴れです。", "明日は雨でしょう！", "本当？"}},
		{"ideographic stop before a bracket", "他说：「好。」然后走了。", []string{"他说：「好。」", "然后走了。"}},
		{"trailing stop", "End.", []string{"End."}},
		{"only a stop", ".", []string{"."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sentenceTexts(tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Sentences(%q):\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestSentencesDefaultStory checks the sentences a reader sees in the
// default story around its abbreviations and quotes.
func TestSentencesDefaultStory(t *testing.T) {
	p, err := knowledge.Parse(knowledge.DefaultStory, knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	if err != nil {
		t.Fatal(err)
	}
	got := sentenceTexts(p.Doc.Text)
	for _, want := range []string{
		"Ramos pleaded guilty in October 2018 to running a criminal enterprise that facilitated drug trafficking, according to Motherboard, with a U.S. Attorney’s Office press release stating he also agreed to forfeit $118 million in cash and tens of millions of dollars in other assets “ranging from bank accounts worldwide, to houses, to a Lamborghini, to cryptocurrency accounts, to gold coins.”",
		"U.S. authorities have repeatedly made it clear that they do not consider the matter settled.",
		"… The FBI still gained valuable information on the Phantom network.",
		"Ramos “respected the privacy of clients whoever it was,” the source who knew him personally told Motherboard.",
		"A third source told Motherboard “He never gave law enforcement a backdoor into Phantom Secure. He did not do that.”",
		"When pressed on whether the FBI still asked for access, the source, who worked directly on the case, said, “Basically that’s all I want to say. He did not give law enforcement a backdoor into Phantom Secure.”",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("sentence missing:\n%s", want)
		}
	}
	checkSentenceSpans(t, p.Doc.Text)
}

// asciiSpace is the white space Sentences trims.
const asciiSpace = " \t\n\r\f\v"

// checkSentenceSpans checks what holds for any text: spans in order, inside
// the text, trimmed, not empty, and covering every non-space byte.
func checkSentenceSpans(t *testing.T, text string) {
	t.Helper()
	prev := 0
	for _, s := range knowledge.Sentences(text) {
		if s[0] < prev || s[0] >= s[1] || s[1] > len(text) {
			t.Fatalf("bad span %v after %d in %d bytes", s, prev, len(text))
		}
		if gap := text[prev:s[0]]; strings.Trim(gap, asciiSpace) != "" {
			t.Fatalf("text %q between sentences is in no span", gap)
		}
		if sent := text[s[0]:s[1]]; strings.Trim(sent, asciiSpace) != sent || !utf8.ValidString(sent) {
			t.Fatalf("span %v is %q: not trimmed or not whole runes", s, sent)
		}
		prev = s[1]
	}
	if rest := text[prev:]; strings.Trim(rest, asciiSpace) != "" {
		t.Fatalf("text %q after the last sentence is in no span", rest)
	}
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{"", "Mr. Smith. Hi!", "“Help!” he cried… Then.", "U.S. $1.5 e.g. J. R.\n\nx", "...", "a.\u00a0B", "?”’) A",
		"a “b. C.” D", `x "y. Z" w`, "好。」”", "a “b\n\n”. C"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return
		}
		checkSentenceSpans(t, text)
	})
}

func BenchmarkSentences(b *testing.B) {
	p, err := knowledge.Parse(knowledge.DefaultStory, knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(p.Doc.Text)))
	for b.Loop() {
		knowledge.Sentences(p.Doc.Text)
	}
}
