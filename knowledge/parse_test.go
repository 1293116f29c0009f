package knowledge_test

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode"
	"unicode/utf8"

	"github.com/storybot/storybot/knowledge"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// datasets is where the shared evaluation data lives; tests that need it
// skip when it is missing.
const datasets = "../../shared/datasets"

func mustParseOpt(tb testing.TB, text string, opt knowledge.ParseOptions) knowledge.Parsed {
	tb.Helper()
	p, err := knowledge.Parse([]byte(text), opt)
	if err != nil {
		tb.Fatalf("Parse(%s): %v", opt.Name, err)
	}
	checkParsed(tb, []byte(text), p)
	return p
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		data string
		want error
	}{
		{"invalid UTF-8", "latin1.txt", "caf\xe9 au lait", knowledge.ErrNotText},
		{"NUL byte", "nul.txt", "hello\x00world", knowledge.ErrNotText},
		{"PNG", "image.txt", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", knowledge.ErrNotText},
		{"UTF-16", "utf16.txt", "\xff\xfeh\x00i\x00", knowledge.ErrNotText},
		{"control characters", "ctl.txt", strings.Repeat("a\x01\x02\x03", 20), knowledge.ErrNotText},
		{"empty", "empty.txt", "", knowledge.ErrEmptyDocument},
		{"white space", "blank.txt", " \n\t\r\n  \n", knowledge.ErrEmptyDocument},
		{"byte order mark only", "bom.txt", "\uFEFF\n", knowledge.ErrEmptyDocument},
		{"punctuation only", "stars.txt", "* * *\n\n---", knowledge.ErrEmptyDocument},
		{"HTML with only a script", "page.html", "<html><script>var a = 1;</script><style>p{}</style></html>", knowledge.ErrEmptyDocument},
		{"Markdown with only an image", "pic.md", "![a cat](cat.png)\n", knowledge.ErrEmptyDocument},
		{"Markdown front matter only", "fm.md", "---\ntitle: Nothing\n---\n", knowledge.ErrEmptyDocument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := knowledge.Parse([]byte(tt.data), knowledge.ParseOptions{Name: tt.file})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse: got %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.file+": ") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
	t.Run("bad date", func(t *testing.T) {
		_, err := knowledge.Parse([]byte("Some text."), knowledge.ParseOptions{Name: "d.txt", Date: "31/05/2019"})
		if err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
			t.Fatalf("Parse with a bad date: got %v, want an error naming YYYY-MM-DD", err)
		}
	})
}

// TestParseReader checks that ParseReader, which makes line endings LF as
// it reads, parses exactly as ParseString does, whatever the reads' sizes.
func TestParseReader(t *testing.T) {
	inputs := map[string]string{
		"crlf.txt":   "The Title\r\n\r\nIt rained.\r\nThe end came\r\n\r\nlater.\r\n",
		"cr.txt":     "The Title\r\rIt rained.\rIt stopped.\r",
		"bom.txt":    "\uFEFFThe Title\n\nWords here.\r\n",
		"mixed.md":   "---\r\ntitle: T\r\n---\r\n# Head\r\n\r\nText *here*.\n\rMore.\r\r\n",
		"page.html":  "<html><body>\r\n<p>One.</p>\r\n<p>Two\r\nthree.</p></body></html>",
		"empty.txt":  "\r\n\r\n",
		"latin1.txt": "caf\xe9\r\n",
	}
	inputs["story.txt"] = strings.ReplaceAll(string(knowledge.DefaultStory), "\n", "\r\n")
	for name, in := range inputs {
		for _, reads := range []struct {
			name string
			r    func() io.Reader
		}{
			{"whole", func() io.Reader { return strings.NewReader(in) }},
			{"a byte at a time", func() io.Reader { return iotest.OneByteReader(strings.NewReader(in)) }},
			{"half at a time", func() io.Reader { return iotest.HalfReader(strings.NewReader(in)) }},
		} {
			t.Run(name+"/"+reads.name, func(t *testing.T) {
				opt := knowledge.ParseOptions{Name: name}
				want, wantErr := knowledge.ParseString(in, opt)
				got, err := knowledge.ParseReader(reads.r(), len(in), opt)
				if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
					t.Errorf("ParseReader = %+v, %v\nwant %+v, %v", got.Doc, err, want.Doc, wantErr)
				}
			})
		}
	}
	_, err := knowledge.ParseReader(iotest.ErrReader(io.ErrUnexpectedEOF), 0, knowledge.ParseOptions{Name: "broken.txt"})
	if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.HasPrefix(err.Error(), "broken.txt: ") {
		t.Errorf("ParseReader of a failing reader: err = %v, want the read error, named", err)
	}
}

// TestParseText checks that plain text is kept as it is (checkParsed
// compares Document.Text with the input) and that its passages are the
// input's paragraphs, hard-wrapped lines and runs of spaces included.
func TestParseText(t *testing.T) {
	long := "It " + strings.Repeat("word ", 44) + "end."
	tests := []struct {
		name string
		text string
		want []string // the passages
	}{
		{"byte order mark dropped", "\uFEFFHello there.", []string{"Hello there."}},
		{"CRLF", "One line.\r\n\r\nTwo line.\r\n", []string{"One line.\n\nTwo line."}},
		{"old Mac CR", "One line.\r\rTwo line.", []string{"One line.\n\nTwo line."}},
		{"hard-wrapped lines kept", "The quick brown fox\njumps over the  lazy\ndog.  " + long + "\n\n" + long,
			[]string{"The quick brown fox\njumps over the  lazy\ndog.  " + long, long}},
		{"long lines are paragraphs", long + "\n" + long + "\n" + long, []string{long, long, long}},
		{"a line ending mid-sentence joins the next", long + "\n" + long + " and\nso " + long,
			[]string{long, long + " and\nso " + long}},
		{"spaces kept inside, trimmed outside", "  Too   many\tspaces\u00a0here.  \n\n\n\n   Next.  \n", []string{"Too   many\tspaces\u00a0here.  \n\n\n\n   Next."}},
		{"control characters kept", "The bell\a rang twice at noon, and the baker set out his loaves.", []string{"The bell\a rang twice at noon, and the baker set out his loaves."}},
		{"dashes across wrapped lines", "a well-\nknown fact, and then--\nsilence; and so—\nit ended.", []string{"a well-\nknown fact, and then--\nsilence; and so—\nit ended."}},
		{"list items", "Bring:\n- bread\n- cheese\n1. first\n2) second", []string{"Bring:\n- bread\n- cheese\n1. first\n2) second"}},
		{"repeated title in no passage", "The Title\n\nThe Title\n\nThe story begins.", []string{"The Title\n\nThe story begins."}},
		{"repeated sentence kept", "It rained.\n\nIt rained.\n\nThen it stopped.", []string{"It rained.\n\nIt rained.\n\nThen it stopped."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParseOpt(t, tt.text, knowledge.ParseOptions{Name: "t.txt"})
			var got []string
			for _, ps := range p.Passages {
				got = append(got, ps.Text)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("passages:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
	t.Run("repeated title", func(t *testing.T) {
		p := mustParseOpt(t, "The Title\n\nThe Title\n\nThe story begins.", knowledge.ParseOptions{Name: "t.txt"})
		if p.Doc.Title != "The Title" || p.Passages[0].Start != len("The Title\n\n") {
			t.Errorf("Title %q, first passage at %d; want the second copy to open it", p.Doc.Title, p.Passages[0].Start)
		}
	})
}

// TestParseHardWrapped checks that a hard-wrapped story with two spaces
// after its full stops, as Project Gutenberg ships them, is indexed as the
// same passages as the story with one line a paragraph, each of them (and
// so each quote taken from one) verbatim in the file.
func TestParseHardWrapped(t *testing.T) {
	story := string(knowledge.DefaultStory)
	title, body, _ := strings.Cut(story, "\n\n")
	var paras []string
	for para := range strings.SplitSeq(body, "\n\n") {
		paras = append(paras, wrap(strings.ReplaceAll(para, ". ", ".  "), 70))
	}
	wrapped := title + "\n\n" + strings.Join(paras, "\n\n")
	if !strings.Contains(wrapped, ".  ") || strings.Count(wrapped, "\n") < 2*strings.Count(story, "\n") {
		t.Fatal("the story did not get hard-wrapped and double-spaced")
	}

	want := mustParseOpt(t, story, knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	got := mustParseOpt(t, wrapped, knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	if got.Doc.Text != wrapped {
		t.Errorf("Text is not the file")
	}
	if len(got.Passages) != len(want.Passages) || !slices.Equal(got.Doc.Dropped, want.Doc.Dropped) {
		t.Fatalf("%d passages, dropped %q; want %d, %q", len(got.Passages), got.Doc.Dropped, len(want.Passages), want.Doc.Dropped)
	}
	if !slices.ContainsFunc(got.Passages, func(ps knowledge.Passage) bool {
		return strings.Contains(ps.Text, ".  ") && strings.Contains(strings.TrimSpace(strings.Split(ps.Text, "\n\n")[0]), "\n")
	}) {
		t.Errorf("no passage keeps a line break and a double space")
	}
	for i, ps := range got.Passages {
		if !strings.Contains(wrapped, ps.Text) {
			t.Errorf("%s is not in the file: %q", ps.ID, clipText(ps.Text))
		}
		if strings.Contains(ps.Text, "NBN") {
			t.Errorf("%s holds the advert: %q", ps.ID, clipText(ps.Text))
		}
		if g, w := strings.Fields(ps.Text), strings.Fields(want.Passages[i].Text); !slices.Equal(g, w) {
			t.Errorf("%s: words differ from the unwrapped story's:\n got %q\nwant %q", ps.ID, clipText(strings.Join(g, " ")), clipText(strings.Join(w, " ")))
		}
	}
}

// wrap breaks s into lines of at most width bytes at spaces, keeping the
// spaces inside a line as they are.
func wrap(s string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Split(s, " ") {
		switch {
		case i == 0:
		case w != "" && line+1+len(w) > width:
			b.WriteByte('\n')
			line = 0
			b.WriteString(w)
			line += len(w)
			continue
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}

func TestParseTitle(t *testing.T) {
	tests := []struct {
		name string
		file string
		text string
		opt  string // ParseOptions.Title
		want string
	}{
		{"plain first line", "a.txt", "The Old Mill\n\nIt stood by the river.", "", "The Old Mill"},
		{"plain question", "a.txt", "Who Took the Bell?\n\nNobody knew.", "", "Who Took the Bell?"},
		{"plain first line is a sentence", "the-old-mill.txt", "It stood by the river.\n\nIt was old.", "", "The old mill"},
		{"plain long exclamation is a sentence", "moppet.txt", "THIS is a Pussy called Miss Moppet, she thinks she has heard a mouse!\n\nShe has not.", "", "Moppet"},
		{"plain no blank line after", "my_story.txt", "The Old Mill\nIt stood by the river.", "", "My story"},
		{"plain single paragraph", "note.txt", "Just a title-like line", "", "Note"},
		{"option wins", "a.txt", "The Old Mill\n\nIt stood by the river.", "Given", "Given"},
		{"markdown front matter", "a.md", "---\ntitle: \"Front *Matter*\"\ndate: 2020-01-02\n---\n# Heading\n\nText here.", "", "Front *Matter*"},
		{"markdown heading", "a.md", "Intro line.\n\n# The **Real** Title #\n\nText here.", "", "The Real Title"},
		{"markdown setext heading", "a.md", "The Title\n=========\n\nText here.", "", "The Title"},
		{"markdown second-level only", "only-h2.md", "## Section\n\nText here.", "", "Only h2"},
		{"html title element", "a.html", "<title> Page &amp; Title </title><p>Text here.</p>", "", "Page & Title"},
		{"html h1 inside title", "a.html", "<title>The Story | Daily Site</title><h1>The Story</h1><p>Text.</p>", "", "The Story"},
		{"html h1 without title", "a.html", "<h1>Only <em>Heading</em></h1><p>Text.</p>", "", "Only Heading"},
		{"html nothing", "the_page.htm", "<p>Text.</p>", "", "The page"},
		{"no name", "", "It stood by the river.", "", "Untitled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParseOpt(t, tt.text, knowledge.ParseOptions{Name: tt.file, Title: tt.opt})
			if p.Doc.Title != tt.want {
				t.Errorf("Title = %q, want %q", p.Doc.Title, tt.want)
			}
		})
	}
}

func TestParseMarkdown(t *testing.T) {
	in := "---\ntitle: Walks\ndate: 2021-03-04T10:00:00Z\ntags: [a, b]\n---\n" +
		"# Walks\n\n" +
		"Some *emphasis*, __strong__ and ~~struck~~ words, a [link](https://x.org/a_(b) \"t\"), a [ref link][r], " +
		"an ![image](i.png) and `code_span` with snake_case and 2 * 3.\n" +
		"A soft-wrapped second line with an \\*escaped\\* star &amp; an entity.\n\n" +
		"> Quoted text\n> goes on.\n\n" +
		"- first item\n- [x] done item\n  continued\n1. numbered\n\n" +
		"```go\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n```\n\n" +
		"| a | b |\n|---|:-:|\n| 1 | 2 |\n\n" +
		"***\n\n" +
		"Sub heading\n-----------\n\n" +
		"<!-- a comment\nover lines -->\n" +
		"Visit <https://example.com> or <b>bold</b> text.\n\n" +
		"[r]: https://example.com/ref\n"
	want := "Walks\n\n" +
		"Some emphasis, strong and struck words, a link, a ref link, an and code_span with snake_case and 2 * 3. " +
		"A soft-wrapped second line with an *escaped* star & an entity.\n\n" +
		"Quoted text goes on.\n\n" +
		"first item\n\ndone item continued\n\nnumbered\n\n" +
		"func main() {\n\tfmt.Println(\"hi\")\n}\n\n" +
		"a | b\n\n1 | 2\n\n" +
		"Sub heading\n\n" +
		"Visit https://example.com or bold text."
	p := mustParseOpt(t, in, knowledge.ParseOptions{Name: "walks.md"})
	if p.Doc.Text != want {
		t.Errorf("Text:\n got %q\nwant %q", p.Doc.Text, want)
	}
	if p.Doc.Title != "Walks" || p.Doc.Date != "2021-03-04" {
		t.Errorf("Title, Date = %q, %q; want Walks, 2021-03-04", p.Doc.Title, p.Doc.Date)
	}
	p = mustParseOpt(t, in, knowledge.ParseOptions{Name: "walks.md", Date: "1999-12-31"})
	if p.Doc.Date != "1999-12-31" {
		t.Errorf("Date with an option = %q, want the option's 1999-12-31", p.Doc.Date)
	}
}

func TestParseHTML(t *testing.T) {
	in := `<!DOCTYPE html><html><head><title>Night Ferry – The Courier</title>
<style>body { color: red }</style><script>alert("x")</script></head>
<body>
<header><a href="/">The Courier</a> <nav><a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<header><h1>Night Ferry</h1><p class="byline">By A. Writer</p></header>
<p>The ferry left at&nbsp;nine &amp; crossed
   in <em>forty</em> minutes.<br>Nobody slept.</p>
<div>A div of text <span>with a span</span>.</div>
<ul><li>One</li><li>Two <a href="#">links</a></li></ul>
<pre>line one
  line two

line three</pre>
<table><tr><td>cell a</td><td>cell b</td></tr></table>
<img src="x.png" alt="a picture"><p hidden>Hidden text</p><noscript>Enable JS</noscript>
<footer><p>Filed under ferries.</p></footer>
</article></main>
<aside>Most read: something else</aside>
<form><label>Email</label><input name="e"><button>Go</button></form>
<footer>© The Courier</footer>
</body></html>`
	want := "Night Ferry\n\nBy A. Writer\n\nThe ferry left at nine & crossed in forty minutes.\n\nNobody slept.\n\n" +
		"A div of text with a span.\n\nOne\n\nTwo links\n\nline one\n  line two\n\nline three\n\ncell a cell b"
	p := mustParseOpt(t, in, knowledge.ParseOptions{Name: "ferry.html", KeepAll: true})
	if !strings.Contains(p.Doc.Text, "Most read") || !strings.Contains(p.Doc.Text, "Sport") {
		t.Errorf("KeepAll: page furniture missing from %q", p.Doc.Text)
	}
	p = mustParseOpt(t, in, knowledge.ParseOptions{Name: "ferry.html"})
	if p.Doc.Text != want {
		t.Errorf("Text:\n got %q\nwant %q", p.Doc.Text, want)
	}
	if p.Doc.Title != "Night Ferry" {
		t.Errorf("Title = %q, want Night Ferry", p.Doc.Title)
	}
	// What the article leaves out, in runs of consecutive blocks: the
	// readability algorithm takes the article's "Filed under" footer for
	// furniture too.
	wantDropped := []string{"The Courier · News Sport", "Filed under ferries. · Most read: something else · Email · © The Courier"}
	if !slices.Equal(p.Doc.Dropped, wantDropped) {
		t.Errorf("Dropped = %q, want %q", p.Doc.Dropped, wantDropped)
	}
}

func TestParseGutenberg(t *testing.T) {
	raw, err := os.ReadFile("testdata/gutenberg-mini.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := "THE LANTERN KEEPER\n\nCHAPTER I.\n\n" +
		"Old Hester kept the lantern on the marsh road for forty winters, and in all that time no traveller who followed its light was lost. She trimmed the wick at dusk, she filled the oil at midnight, and she slept only when the grey morning came up over the reeds.\n\n" +
		"The children of the village said she was a witch--and then, when they were older and had walked the road themselves on a black night, they said she was a saint.\n\n" +
		"CHAPTER II.\n\n" +
		"One winter the oil ran out. The carter who brought it from the town had broken his wheel in a ditch, and Hester had only one cupful left, which would not last until midnight. So she took the lantern down from its hook and walked out onto the road with it."
	// The same book with a byte order mark and CRLF line endings, as
	// Project Gutenberg ships it, reads the same.
	crlf := "\uFEFF" + strings.ReplaceAll(string(raw), "\n", "\r\n")
	for name, text := range map[string]string{"LF": string(raw), "BOM and CRLF": crlf} {
		t.Run(name, func(t *testing.T) {
			p := mustParseOpt(t, text, knowledge.ParseOptions{Name: "pg99999.txt"})
			if got := passageWords(p); got != want {
				t.Errorf("passages, spaces collapsed:\n got %q\nwant %q", got, want)
			}
			if p.Doc.Title != "The Lantern Keeper A Tale of the Marsh" {
				t.Errorf("Title = %q", p.Doc.Title)
			}
			wantDropped := []string{"Project Gutenberg header (16 lines)", "Project Gutenberg licence (6 lines)"}
			if !slices.Equal(p.Doc.Dropped, wantDropped) {
				t.Errorf("Dropped = %q, want %q", p.Doc.Dropped, wantDropped)
			}
			if got := passageHeads(p); !slices.Equal(got, []string{"THE LANTERN KEEPER", "CHAPTER II."}) {
				t.Errorf("passages start with %q; want chapter headings to open passages", got)
			}
		})
	}
	t.Run("KeepAll keeps the licence", func(t *testing.T) {
		p := mustParseOpt(t, string(raw), knowledge.ParseOptions{Name: "pg99999.txt", KeepAll: true})
		if text := indexed(p); !strings.Contains(text, "START: FULL LICENSE") || len(p.Doc.Dropped) != 0 || p.Doc.Title != "The Lantern Keeper A Tale of the Marsh" {
			t.Errorf("KeepAll: Dropped %q, Title %q, passages end %q", p.Doc.Dropped, p.Doc.Title, text[len(text)-40:])
		}
	})

	for _, book := range []struct{ file, title, first, last string }{
		{"pg1342.txt", "Pride and Prejudice", "[Illustration:", "CHISWICK PRESS:--CHARLES WHITTINGHAM AND CO. TOOKS COURT, CHANCERY LANE, LONDON."},
		{"pg120.txt", "Treasure Island", "TREASURE ISLAND", "“Pieces of eight! Pieces of eight!”"},
		{"pg1661.txt", "The Adventures of Sherlock Holmes", "The Adventures of Sherlock Holmes", "where I believe that she has met with considerable success."},
	} {
		t.Run(book.file, func(t *testing.T) {
			raw := readDataset(t, "gutenberg/"+book.file)
			p := mustParseOpt(t, string(raw), knowledge.ParseOptions{Name: book.file})
			if p.Doc.Title != book.title {
				t.Errorf("Title = %q, want %q", p.Doc.Title, book.title)
			}
			text := passageWords(p)
			if !strings.HasPrefix(text, book.first) || !strings.HasSuffix(text, book.last) {
				t.Errorf("passages run from %q to %q", text[:40], text[len(text)-80:])
			}
			if strings.Contains(strings.ToLower(text), "project gutenberg") {
				t.Errorf("Project Gutenberg header or licence left in the passages")
			}
			if len(p.Doc.Dropped) != 2 {
				t.Errorf("Dropped = %q, want the header and the licence only", p.Doc.Dropped)
			}
		})
	}
}

// indexed returns the passages' text, a blank line between passages: all
// that search sees of a document.
func indexed(p knowledge.Parsed) string {
	texts := make([]string, len(p.Passages))
	for i, ps := range p.Passages {
		texts[i] = ps.Text
	}
	return strings.Join(texts, "\n\n")
}

// passageWords returns the passages' text, one paragraph after another
// with a blank line between them, each paragraph's white space collapsed.
func passageWords(p knowledge.Parsed) string {
	var paras []string
	for _, ps := range p.Passages {
		for para := range strings.SplitSeq(ps.Text, "\n\n") {
			if f := strings.Fields(para); len(f) > 0 {
				paras = append(paras, strings.Join(f, " "))
			}
		}
	}
	return strings.Join(paras, "\n\n")
}

// passageHeads returns the first line of each passage.
func passageHeads(p knowledge.Parsed) []string {
	var heads []string
	for _, ps := range p.Passages {
		head, _, _ := strings.Cut(ps.Text, "\n")
		heads = append(heads, head)
	}
	return heads
}

func TestParseHash(t *testing.T) {
	text := []byte("The Old Mill\n\nIt stood by the river.")
	hash := func(opt knowledge.ParseOptions) string {
		t.Helper()
		p, err := knowledge.Parse(text, opt)
		if err != nil {
			t.Fatal(err)
		}
		return p.Doc.Hash
	}
	plain := hash(knowledge.ParseOptions{Name: "mill.txt"})
	if again := hash(knowledge.ParseOptions{Name: "other-name.txt"}); again != plain {
		t.Errorf("same bytes, same options: hash changed")
	}
	seen := map[string]string{plain: "default"}
	for name, opt := range map[string]knowledge.ParseOptions{
		"KeepAll":  {Name: "mill.txt", KeepAll: true},
		"Title":    {Name: "mill.txt", Title: "Mill"},
		"Date":     {Name: "mill.txt", Date: "2020-01-01"},
		"Markdown": {Name: "mill.md"},
	} {
		h := hash(opt)
		if prev, ok := seen[h]; ok {
			t.Errorf("options %s hash like %s; a re-ingest with them would look unchanged", name, prev)
		}
		seen[h] = name
	}
}

func TestParseDocumentFields(t *testing.T) {
	p := mustParseOpt(t, "The Old Mill\n\nIt stood by the river.", knowledge.ParseOptions{Name: "stories/The Old Mill.txt", Date: "2019-05-31"})
	d := p.Doc
	if d.Slug != "the-old-mill" || d.Source != "stories/The Old Mill.txt" || d.Date != "2019-05-31" || d.Title != "The Old Mill" {
		t.Errorf("Document = slug %q, source %q, date %q, title %q", d.Slug, d.Source, d.Date, d.Title)
	}
	if len(p.Passages) != 1 || p.Passages[0].ID != "the-old-mill#1" || p.Passages[0].Doc != "the-old-mill" {
		t.Errorf("Passages = %+v", p.Passages)
	}
}

func TestParseStable(t *testing.T) {
	a := mustParseOpt(t, string(knowledge.DefaultStory), knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	b := mustParseOpt(t, string(knowledge.DefaultStory), knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	if !slices.Equal(a.Passages, b.Passages) || a.Doc.Text != b.Doc.Text || a.Doc.Hash != b.Doc.Hash {
		t.Error("parsing the same input twice gave different results")
	}
}

// TestPassages checks how paragraphs become passages.
func TestPassages(t *testing.T) {
	sentence := func(n int) string { // a sentence of n words
		return "Word" + strings.Repeat(" word", n-2) + " end."
	}
	para := func(sentences ...int) string {
		var parts []string
		for _, n := range sentences {
			parts = append(parts, sentence(n))
		}
		return strings.Join(parts, " ")
	}
	tests := []struct {
		name  string
		text  string
		words []int // of each passage
	}{
		{"paragraphs of a good size", para(50) + "\n\n" + para(60), []int{50, 60}},
		{"long paragraph split evenly", para(30, 30, 30, 30, 30, 30, 30, 30, 30, 30), []int{150, 150}},
		{"very long paragraph", para(slices.Repeat([]int{25}, 20)...), []int{175, 150, 175}},
		{"one giant sentence is cut at words", para(450), []int{150, 150, 150}},
		{"a sentence over the bound is cut, the rest kept whole", para(30, 250, 30), []int{155, 155}},
		{"heading joins the next paragraph", para(50) + "\n\nA Heading\n\n" + para(50), []int{50, 52}},
		{"short paragraph joins the previous", para(50) + "\n\n" + para(10) + "\n\n" + para(50), []int{60, 50}},
		{"short paragraphs gather", strings.Repeat(para(8)+"\n\n", 10) + para(8), []int{88}},
		{"short first paragraph joins the next", para(10) + "\n\n" + para(50), []int{60}},
		{"lead-in with a colon joins the quote", para(50) + "\n\nHe wrote, in his last letter home, these words:\n\n" + para(50), []int{50, 59}},
		{"short paragraph after a full one", para(195) + "\n\n" + para(10) + "\n\n" + para(50), []int{195, 60}},
		{"short last paragraph joins the previous", para(195) + "\n\n" + para(10), []int{205}},
		{"tiny document", "Just this.", []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParseOpt(t, tt.text, knowledge.ParseOptions{Name: "p.txt"})
			var got []int
			for _, ps := range p.Passages {
				got = append(got, len(strings.Fields(ps.Text)))
			}
			if !slices.Equal(got, tt.words) {
				t.Errorf("passage sizes = %v, want %v", got, tt.words)
			}
		})
	}
}

// TestPassageBound checks that every passage is cut to the usual length
// whatever the text: a line without spaces, words without a full stop,
// text written without spaces, with or without its own full stops.
func TestPassageBound(t *testing.T) {
	tests := []struct {
		name, text string
	}{
		{"a 3 MB line without spaces", strings.Repeat("abcdefghij", 300_000)},
		{"100,000 words without a full stop", strings.Repeat("word ", 100_000)},
		{"a line of Chinese without punctuation", strings.Repeat("我们今天去公园散步看花", 20_000)},
		{"Japanese with its own full stops", strings.Repeat("今日は公園へ散歩に行きました。花がきれいでした！", 5_000)},
		{"combining marks are not split from their letter", strings.Repeat("e\u0301", 50_000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParseOpt(t, tt.text, knowledge.ParseOptions{Name: "bound.txt"})
			most := 0
			for _, ps := range p.Passages {
				most = max(most, len(ps.Text))
				if n := len(strings.Fields(ps.Text)); n > 250 || len(ps.Text) > 2000 {
					t.Fatalf("%s: %d words, %d bytes; want at most about 200 words and 2,000 bytes", ps.ID, n, len(ps.Text))
				}
				if r, _ := utf8.DecodeRuneInString(ps.Text); unicode.Is(unicode.Mn, r) {
					t.Fatalf("%s starts with a combining mark", ps.ID)
				}
			}
			t.Logf("%d bytes: %d passages, the longest %d bytes", len(tt.text), len(p.Passages), most)
		})
	}
}

// TestParseLargeText checks a plain text too large to be cleaned whole
// (its long paragraphs keep their span as written, past its ends): its
// boilerplate is still found (TestLazyBoilerplate compares the rule's
// verdicts at both ends with the text cleaned whole), and its passages
// are those the same paragraphs make in a small text.
func TestParseLargeText(t *testing.T) {
	cookie, _ := os.ReadFile(filepath.Join("testdata", "articles", "cookie-notice.txt"))
	ad, _ := os.ReadFile(filepath.Join("testdata", "articles", "headphones-ad.txt"))
	novel := strings.ReplaceAll(string(readDataset(t, "gutenberg/pg1342.txt")), "\r\n", "\n")
	// The book's text alone, without the Project Gutenberg header and licence.
	_, novel, _ = strings.Cut(novel, "*** START OF THE PROJECT GUTENBERG EBOOK PRIDE AND PREJUDICE ***\n")
	novel, _, _ = strings.Cut(novel, "*** END OF THE PROJECT GUTENBERG EBOOK")
	var body strings.Builder
	for body.Len() < 5<<20 {
		body.WriteString(novel)
		body.WriteString("\n\n")
	}
	text := string(cookie) + "\n\n" + body.String() + "\n\n" + string(ad)
	big := mustParseOpt(t, text, knowledge.ParseOptions{Name: "big.txt", KeepAll: false})
	for _, want := range []string{"This article contains affiliate links"} {
		if !slices.ContainsFunc(big.Doc.Dropped, func(d string) bool { return strings.HasPrefix(d, want) }) {
			t.Errorf("Dropped = %q, want a block starting %q", big.Doc.Dropped, want)
		}
	}
	small := mustParseOpt(t, novel, knowledge.ParseOptions{Name: "pg1342.txt"})
	first := func(p knowledge.Parsed, n int) []string {
		var out []string
		for _, ps := range p.Passages[:n] {
			out = append(out, strings.Join(strings.Fields(ps.Text), " "))
		}
		return out
	}
	// The first copy of the novel, after the cookie notice, is cut as the
	// novel alone is.
	at := slices.IndexFunc(big.Passages, func(ps knowledge.Passage) bool { return ps.Text == small.Passages[1].Text })
	if at < 0 {
		t.Fatal("the novel's second passage is not a passage of the large text")
	}
	if got, want := first(knowledge.Parsed{Passages: big.Passages[at:]}, 500), first(knowledge.Parsed{Passages: small.Passages[1:]}, 500); !slices.Equal(got, want) {
		t.Error("the large text's passages differ from the novel's")
	}
}

// TestPassageCorpora checks the passage invariants and sizes on real
// stories: the default story, this package's test articles, the Gutenberg
// novels and the FairytaleQA training stories.
func TestPassageCorpora(t *testing.T) {
	type doc struct{ name, text string }
	corpora := map[string][]doc{
		"default story": {{knowledge.DefaultStoryName, string(knowledge.DefaultStory)}},
	}
	files, _ := filepath.Glob("testdata/articles/*")
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		corpora["articles"] = append(corpora["articles"], doc{filepath.Base(f), string(raw)})
	}
	if _, err := os.Stat(datasets); err == nil {
		for _, f := range []string{"pg1342.txt", "pg120.txt", "pg1661.txt"} {
			corpora["gutenberg"] = append(corpora["gutenberg"], doc{f, string(readDataset(t, "gutenberg/"+f))})
		}
		for _, s := range fairytaleStories(t, "train") {
			corpora["fairytaleqa train"] = append(corpora["fairytaleqa train"], doc(s))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(corpora)) {
		t.Run(name, func(t *testing.T) {
			var sizes []int
			for _, d := range corpora[name] {
				p := mustParseOpt(t, d.text, knowledge.ParseOptions{Name: d.name})
				total := 0
				for _, ps := range p.Passages {
					n := len(strings.Fields(ps.Text))
					total += n
					sizes = append(sizes, n)
					if n > 280 {
						t.Errorf("%s: %d words, want at most about 200", ps.ID, n)
					}
				}
				for i, ps := range p.Passages {
					next := len(p.Doc.Text)
					if i+1 < len(p.Passages) {
						next = p.Passages[i+1].Start
					}
					// Nothing joins across dropped text (a title before a
					// dropped cookie notice stands alone), nor into the next
					// chapter.
					cut := strings.TrimSpace(p.Doc.Text[ps.End:next]) != "" ||
						i+1 < len(p.Passages) && p.Passages[i+1].Chapter != ps.Chapter
					if n := len(strings.Fields(ps.Text)); n < 40 && total >= 40 && !cut {
						t.Errorf("%s: %d words, want at least 40", ps.ID, n)
					}
				}
			}
			slices.Sort(sizes)
			t.Logf("%d documents, %d passages, words min %d, median %d, max %d",
				len(corpora[name]), len(sizes), sizes[0], sizes[len(sizes)/2], sizes[len(sizes)-1])
		})
	}
}

// TestDefaultStoryPassages compares the default story's passages with
// testdata/phantom-secure.passages.golden; -update rewrites it.
func TestDefaultStoryPassages(t *testing.T) {
	p := mustParseOpt(t, string(knowledge.DefaultStory), knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	var sb strings.Builder
	fmt.Fprintf(&sb, "# %s: %q, %d passages (id, words, first words)\n", p.Doc.Source, p.Doc.Title, len(p.Passages))
	for _, ps := range p.Passages {
		words := strings.Fields(ps.Text)
		fmt.Fprintf(&sb, "%s\t%d\t%s\n", ps.ID, len(words), strings.Join(words[:min(8, len(words))], " "))
	}
	for _, d := range p.Doc.Dropped {
		fmt.Fprintf(&sb, "dropped\t%s\n", d)
	}
	golden := "testdata/phantom-secure.passages.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestDefaultStoryPassages -update to create it)", err)
	}
	if got := sb.String(); got != string(want) {
		t.Errorf("passages differ from %s (if the change is intended, rerun with -update):\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}

// checkParsed checks what holds for every parse: for plain text the input
// itself (raw) as the text, else clean UTF-8 paragraphs; passages in order
// that are exact slices of it, cover all of it but dropped boilerplate, and
// begin and end on sentence boundaries.
func checkParsed(tb testing.TB, raw []byte, p knowledge.Parsed) {
	tb.Helper()
	d := p.Doc
	checkDocText(tb, raw, d)
	if len(p.Passages) == 0 {
		tb.Fatalf("%s: no passages", d.Source)
	}
	b := sentenceBounds(d.Text)
	prev := 0
	for i, ps := range p.Passages {
		checkPassageSpan(tb, d, i, ps, prev)
		// Next to dropped text a sentence may run on as Sentences sees the
		// whole text ("*** START … ***" with no blank line after it).
		next := len(d.Text)
		if i+1 < len(p.Passages) {
			next = p.Passages[i+1].Start
		}
		if !checkSkipped(tb, d, d.Text[prev:ps.Start], i == 0) && !b.start(ps.Start) ||
			strings.TrimSpace(d.Text[ps.End:next]) == "" && !b.end(ps.End) {
			tb.Fatalf("%s: passage %s splits a sentence: %q", d.Source, ps.ID, clipText(ps.Text))
		}
		prev = ps.End
	}
	checkSkipped(tb, d, d.Text[prev:], false)
}

// checkDocText checks that the document's strings are UTF-8 and its Text
// is, for plain text, the input itself, else clean paragraphs.
func checkDocText(tb testing.TB, raw []byte, d knowledge.Document) {
	tb.Helper()
	plain := isPlainText(d.Source)
	switch {
	case !utf8.ValidString(d.Text):
		tb.Fatalf("%s: Text is not UTF-8: %q", d.Source, clipText(d.Text))
	case plain && d.Text != normalized(raw):
		tb.Fatalf("%s: Text is not the input: %q", d.Source, clipText(d.Text))
	case !plain && (strings.Contains(d.Text, "\n\n\n") || strings.TrimSpace(d.Text) != d.Text):
		tb.Fatalf("%s: Text is not clean UTF-8 paragraphs: %q", d.Source, clipText(d.Text))
	}
	for _, s := range append([]string{d.Title, d.Slug}, d.Dropped...) {
		if !utf8.ValidString(s) {
			tb.Fatalf("%s: invalid UTF-8 in %q", d.Source, s)
		}
	}
}

// checkPassageSpan checks the i-th passage's id and that it is an exact,
// trimmed slice of Text after prev.
func checkPassageSpan(tb testing.TB, d knowledge.Document, i int, ps knowledge.Passage, prev int) {
	tb.Helper()
	if want := fmt.Sprintf("%s#%d", d.Slug, i+1); ps.ID != want || ps.N != i+1 || ps.Doc != d.Slug {
		tb.Fatalf("%s: passage %d has ID %q, N %d, Doc %q; want %q", d.Source, i, ps.ID, ps.N, ps.Doc, want)
	}
	if ps.Start < prev || ps.Start >= ps.End || ps.End > len(d.Text) {
		tb.Fatalf("%s: passage %s spans [%d,%d) after %d", d.Source, ps.ID, ps.Start, ps.End, prev)
	}
	if ps.Text != d.Text[ps.Start:ps.End] {
		tb.Fatalf("%s: passage %s text is not Text[Start:End]", d.Source, ps.ID)
	}
	if strings.TrimSpace(ps.Text) != ps.Text {
		tb.Fatalf("%s: passage %s starts or ends with white space: %q", d.Source, ps.ID, clipText(ps.Text))
	}
}

// checkSkipped checks that text in no passage (gap, before the first
// passage when first) is white space, or in plain text what was dropped:
// boilerplate, the first copy of a repeated title, or a line of control
// characters, which is as good as blank. It reports whether gap holds
// anything.
func checkSkipped(tb testing.TB, d knowledge.Document, gap string, first bool) bool {
	tb.Helper()
	gap = strings.TrimSpace(gap)
	blank := strings.TrimFunc(gap, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) == ""
	title := first && strings.EqualFold(strings.Join(strings.Fields(dropControls(gap)), " "), d.Title)
	if !blank && !(isPlainText(d.Source) && (len(d.Dropped) > 0 || title)) {
		tb.Fatalf("%s: text %q is in no passage", d.Source, clipText(gap))
	}
	return gap != ""
}

// sentenceBounds returns where the sentences of text start and end, white
// space trimmed: Sentences trims ASCII white space only, passages all of it.
// A sentence too long for one passage may be cut anywhere inside it.
func sentenceBounds(text string) bounds {
	starts, ends := map[int]bool{}, map[int]bool{}
	var long [][2]int
	for _, s := range knowledge.Sentences(text) {
		sent := text[s[0]:s[1]]
		starts[s[0]+len(sent)-len(strings.TrimLeftFunc(sent, unicode.IsSpace))] = true
		ends[s[0]+len(strings.TrimRightFunc(sent, unicode.IsSpace))] = true
		if tooLongForAPassage(sent) {
			long = append(long, s)
		}
	}
	return bounds{starts, ends, long}
}

// bounds are where passages may start and end: at sentence bounds, and
// anywhere inside the long sentences.
type bounds struct {
	starts, ends map[int]bool
	long         [][2]int
}

func (b bounds) start(i int) bool { return b.starts[i] || b.inLong(i) }
func (b bounds) end(i int) bool   { return b.ends[i] || b.inLong(i) }

func (b bounds) inLong(i int) bool {
	k, _ := slices.BinarySearchFunc(b.long, i, func(s [2]int, i int) int {
		switch {
		case s[1] < i:
			return -1
		case s[0] > i:
			return 1
		}
		return 0
	})
	return k < len(b.long) && b.long[k][0] <= i && i <= b.long[k][1]
}

// tooLongForAPassage reports whether Parse cuts a sentence: over 200
// words, or over 1,200 bytes (text written without spaces).
func tooLongForAPassage(sent string) bool {
	return len(strings.Fields(sent)) > 200 || len(sent) > 1200
}

// dropControls removes the control characters that are not white space,
// as Parse does when it judges a line.
func dropControls(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// isPlainText reports whether Parse reads a file of this name as plain text.
func isPlainText(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown", ".html", ".htm":
		return false
	}
	return true
}

// normalized is raw without a byte order mark and with LF line endings.
func normalized(raw []byte) string {
	s := strings.TrimPrefix(string(raw), "\uFEFF")
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func clipText(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

func readDataset(tb testing.TB, name string) []byte {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join(datasets, name))
	if errors.Is(err, os.ErrNotExist) {
		tb.Skipf("%s not found; the shared datasets are not here", name)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

type story struct{ name, text string }

// fairytaleStories reads the FairytaleQA stories of a split, each its
// sections joined by a blank line as the dataset's README says.
func fairytaleStories(tb testing.TB, split string) []story {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(datasets, "fairytaleqa", split, "*-story.csv"))
	if err != nil || len(files) == 0 {
		tb.Skipf("no FairytaleQA %s stories under %s", split, datasets)
	}
	var stories []story
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		records, err := csv.NewReader(fh).ReadAll()
		fh.Close()
		if err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		var sections []string
		for _, r := range records[1:] { // a header, then section,text
			sections = append(sections, r[1])
		}
		name := strings.TrimSuffix(filepath.Base(f), "-story.csv") + ".txt"
		stories = append(stories, story{name, strings.Join(sections, "\n\n")})
	}
	return stories
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(knowledge.DefaultStory), "phantom-secure.txt", false)
	for _, name := range []string{"testdata/gutenberg-mini.txt", "testdata/articles/sponsored-block.md", "testdata/articles/headphones-ad.txt"} {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw, filepath.Base(name), false)
	}
	for _, s := range []struct {
		text, name string
	}{
		{"# T\n\n[a](b) ![c](d) `e` *f* _g_ <h>\n\n```\ncode\n\n\n```", "a.md"},
		{"---\ntitle: x\n---\n- a\n- b\n\n| c | d |\n|---|---|", "b.md"},
		{"<p>a<br>b</p><pre>\n\n x \n\n</pre><nav>n</nav><h1>t</h1>", "c.html"},
		{"\uFEFFTitle\r\n\r\nTitle\r\n\r\nBody.\r\n", "d.txt"},
		{"*** START OF THE PROJECT GUTENBERG EBOOK X ***\nText.\n*** END OF THE PROJECT GUTENBERG EBOOK X ***", "e.txt"},
		{"Mr. A. B. said “Hi!” … then.\n\n" + strings.Repeat("Word word word. ", 120), "f.txt"},
		{"[[[[[[((((((", "g.md"},
		{"a\u00a0\u00a0b\t\vc\f", "h.txt"},
	} {
		f.Add([]byte(s.text), s.name, false)
		f.Add([]byte(s.text), s.name, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, name string, keepAll bool) {
		p, err := knowledge.Parse(data, knowledge.ParseOptions{Name: name, KeepAll: keepAll})
		if err != nil {
			if !errors.Is(err, knowledge.ErrNotText) && !errors.Is(err, knowledge.ErrEmptyDocument) {
				t.Fatalf("Parse: unexpected error %v", err)
			}
			return
		}
		checkParsed(t, data, p)
	})
}

// BenchmarkParse parses a Gutenberg novel (Pride and Prejudice, 0.7 MB).
func BenchmarkParse(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join(datasets, "gutenberg", "pg1342.txt"))
	if err != nil {
		b.Skipf("the Gutenberg novel is not here: %v", err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := knowledge.Parse(raw, knowledge.ParseOptions{Name: "pg1342.txt"}); err != nil {
			b.Fatal(err)
		}
	}
}
