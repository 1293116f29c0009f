package knowledge_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// TestBoilerplateDefaultStory checks that the advert closing the default
// story is gone, whole, and that the story's last paragraph stays.
func TestBoilerplateDefaultStory(t *testing.T) {
	p := mustParseOpt(t, string(knowledge.DefaultStory), knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	for _, gone := range []string{"NBN", "Cheapest", "cheapest plans", "Gizmodo", "affiliate", "share of sales", "prices are accurate"} {
		if strings.Contains(indexed(p), gone) {
			t.Errorf("%q is still in the text", gone)
		}
	}
	last := p.Passages[len(p.Passages)-1].Text
	if !strings.HasSuffix(last, "National Intelligence Coordination Centre director Cameron Ortis, who has been arrested and faces seven charges.") {
		t.Errorf("last passage ends %q; want the paragraph about Cameron Ortis", last[max(0, len(last)-120):])
	}
	if len(p.Doc.Dropped) != 3 || p.Doc.Dropped[0] != "The Cheapest NBN 50 Plans" {
		t.Errorf("Dropped = %q; want the advert's headline, blurb and disclosure", p.Doc.Dropped)
	}
	for _, d := range p.Doc.Dropped {
		if len(d) > 110 {
			t.Errorf("Dropped entry of %d bytes, want it clipped to about 100: %q", len(d), d)
		}
	}

	all := mustParseOpt(t, string(knowledge.DefaultStory), knowledge.ParseOptions{Name: knowledge.DefaultStoryName, KeepAll: true})
	if !strings.Contains(indexed(all), "The Cheapest NBN 50 Plans") || !strings.HasSuffix(indexed(all), "at the time of posting.") || len(all.Doc.Dropped) != 0 {
		t.Errorf("KeepAll: advert missing or Dropped = %q", all.Doc.Dropped)
	}
}

// TestBoilerplateArticles runs the rule on articles written for it, each
// with what must go and what must stay.
func TestBoilerplateArticles(t *testing.T) {
	tests := []struct {
		file    string
		dropped []string // prefixes of Document.Dropped
		kept    string   // the end of the last passage
	}{
		{"newsletter-footer.txt", []string{"Get the best of Riverside in your inbox.", "© 2024 Riverside Courier."},
			"with free guided tours of the mural every Saturday morning in May."},
		{"sponsored-block.md", []string{"Sponsored", "Upgrade your balcony", "This post contains affiliate links."},
			"\"Nobody wants to be the person who bulldozes the sunflowers,\" he said."},
		{"headphones-ad.txt", []string{"Best Budget Headphones of the Year", "Our testers picked five pairs", "This article contains affiliate links"},
			"for tired tourists who sit on the salt steps and listen."},
		{"short-ending.txt", nil, "The coast guard later found that a gull's nest in the vent had let rain into the fuse box.\n\nReyes got a letter of thanks."},
		{"advertising-story.txt", nil, "the students say the studio's advertising is the street itself."},
		{"cookie-notice.txt", []string{"We use cookies to improve your experience"},
			"with the brass band playing along."},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "articles", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			p := mustParseOpt(t, string(raw), knowledge.ParseOptions{Name: tt.file})
			if len(p.Doc.Dropped) != len(tt.dropped) {
				t.Fatalf("Dropped = %q, want %d blocks starting %q", p.Doc.Dropped, len(tt.dropped), tt.dropped)
			}
			for i, want := range tt.dropped {
				if !strings.HasPrefix(p.Doc.Dropped[i], want) {
					t.Errorf("Dropped[%d] = %q, want it to start %q", i, p.Doc.Dropped[i], want)
				}
				if strings.Contains(indexed(p), want) {
					t.Errorf("dropped %q is still in a passage", want)
				}
			}
			if text := indexed(p); !strings.HasSuffix(text, tt.kept) {
				t.Errorf("passages end %q, want %q", text[max(0, len(text)-len(tt.kept)-20):], tt.kept)
			}
		})
	}
}

func TestBoilerplateCookieNoticeKeepsTitle(t *testing.T) {
	raw, err := os.ReadFile("testdata/articles/cookie-notice.txt")
	if err != nil {
		t.Fatal(err)
	}
	p := mustParseOpt(t, string(raw), knowledge.ParseOptions{Name: "cookie-notice.txt"})
	// The title cannot join the paragraph after it across the notice, so
	// it is a passage of its own.
	if len(p.Passages) < 2 || p.Passages[0].Text != "How a Small Town Saved Its Cinema" ||
		!strings.HasPrefix(p.Passages[1].Text, "The Rialto in Harlow Falls") {
		t.Errorf("passages start %q", indexed(p)[:80])
	}
}

// TestBoilerplateFairytaleQA checks that no FairytaleQA story loses
// anything, and that footers appended to them go, and only they: the
// stories end in every way stories end, with new names, short lines and
// morals.
func TestBoilerplateFairytaleQA(t *testing.T) {
	footers := []struct {
		name, text string
		blocks     int
	}{
		{"newsletter", "Enjoyed this story? Sign up for our newsletter to get a new fairy tale in your inbox every week.", 1},
		{"advert", "Sponsored\n\nTry our new audiobook app free for thirty days, with thousands of titles read by award-winning narrators.\n\nWe may earn a commission from purchases made through links on this page.", 3},
		{"copyright", "Retold by the editors. © 2024 Story Time Press. All rights reserved.", 1},
	}
	for _, split := range []string{"train", "val"} {
		for _, s := range fairytaleStories(t, split) {
			p := mustParseOpt(t, s.text, knowledge.ParseOptions{Name: s.name})
			if len(p.Doc.Dropped) > 0 {
				t.Errorf("%s/%s: dropped %q", split, s.name, p.Doc.Dropped)
			}
			for _, f := range footers {
				q := mustParseOpt(t, s.text+"\n\n"+f.text, knowledge.ParseOptions{Name: s.name})
				if len(q.Doc.Dropped) != f.blocks || indexed(q) != indexed(p) {
					t.Errorf("%s/%s with a %s footer: dropped %q; want the footer's %d blocks, and the story whole",
						split, s.name, f.name, q.Doc.Dropped, f.blocks)
				}
			}
		}
	}
}

// TestBoilerplateMiddleKept checks that disclosure language in the middle
// of a story is never dropped, however foreign.
func TestBoilerplateMiddleKept(t *testing.T) {
	raw, err := os.ReadFile("testdata/articles/short-ending.txt")
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Split(strings.TrimSpace(string(raw)), "\n\n")
	ad := "Sign up for our newsletter. We may earn a commission from affiliate links. All rights reserved."
	text := strings.Join(slices.Insert(paras, 2, ad), "\n\n")
	p := mustParseOpt(t, text, knowledge.ParseOptions{Name: "middle.txt"})
	if len(p.Doc.Dropped) != 0 || !strings.Contains(indexed(p), ad) {
		t.Errorf("a block in the middle was dropped: %q", p.Doc.Dropped)
	}
}

// TestBoilerplateShareBounded checks that a footer too long for the rule,
// more than a quarter of the document, is left alone rather than cutting
// into the story.
func TestBoilerplateShareBounded(t *testing.T) {
	story := "The Bell\n\nThe bell in the square rang at noon every day for a hundred years, and the baker set his loaves out when it did. " +
		"One day it rang at eleven, and the whole town ate lunch an hour early, and nobody complained at all, because the bread was warm and the sun was out. " +
		"The clockmaker fixed it the next morning, but the town kept the early lunch."
	footer := strings.Repeat("Sign up for our newsletter to get offers from our partners and sponsors every week in your inbox. ", 4)
	p := mustParseOpt(t, story+"\n\n"+footer, knowledge.ParseOptions{Name: "bell.txt"})
	if len(p.Doc.Dropped) != 0 {
		t.Errorf("dropped %q, more than a quarter of the document", p.Doc.Dropped)
	}
}

// TestBoilerplateWikipediaStyle checks articles whose subject is what
// disclosures talk about (affiliated clubs, subscriptions, newsletters,
// cookies, affiliate links, cookie consent): nothing of them is dropped,
// and a footer appended to them still goes, alone.
func TestBoilerplateWikipediaStyle(t *testing.T) {
	footer := "Text is available under our licence. © 2024 Harwell Encyclopaedia Trust. All rights reserved."
	for _, file := range []string{"wiki-baking-society.txt", "wiki-cookie-consent.txt", "wiki-affiliate-marketing.md"} {
		t.Run(file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "articles", file))
			if err != nil {
				t.Fatal(err)
			}
			p := mustParseOpt(t, string(raw), knowledge.ParseOptions{Name: file})
			if len(p.Doc.Dropped) != 0 {
				t.Errorf("dropped %q", p.Doc.Dropped)
			}
			for _, para := range strings.Split(strings.TrimSpace(string(raw)), "\n\n") {
				if para = strings.TrimPrefix(para, "# "); !strings.Contains(p.Doc.Text, para) {
					t.Errorf("paragraph lost: %q", para)
				}
			}
			q := mustParseOpt(t, string(raw)+"\n"+footer+"\n", knowledge.ParseOptions{Name: file})
			if len(q.Doc.Dropped) != 1 || q.Doc.Dropped[0] != clipped(footer) || indexed(q) != indexed(p) {
				t.Errorf("with a footer: dropped %q; want the footer alone", q.Doc.Dropped)
			}
		})
	}
}

// clipped is s as Document.Dropped lists it.
func clipped(s string) string {
	if len(s) <= 100 {
		return s
	}
	cut := strings.LastIndexByte(s[:100], ' ')
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}

// TestBoilerplateWordBoundaries checks that the cue words match as words:
// "affiliated", "subscription", "newsletters'" and "cookie jar" at the end
// of a story are story, while the forms a disclosure uses still mark one.
func TestBoilerplateWordBoundaries(t *testing.T) {
	raw, err := os.ReadFile("testdata/articles/short-ending.txt")
	if err != nil {
		t.Fatal(err)
	}
	story := strings.TrimSpace(string(raw))
	tests := []struct {
		last    string
		dropped bool
	}{
		{"The lighthouse trust is affiliated with the coastal museum.", false},
		{"Reyes pays a yearly subscription to the trust.", false},
		{"She keeps the keepers' old logbooks in a cookie jar at the unaffiliated museum.", false},
		{"Sponsorship came from the harbour board.", false},
		{"This article contains affiliate links.", true},
		{"Our affiliates may use cookies.", true},
		{"Subscribe to our newsletters for more stories like this.", true},
	}
	for _, tt := range tests {
		p := mustParseOpt(t, story+"\n\n"+tt.last+"\n", knowledge.ParseOptions{Name: "lighthouse.txt"})
		if got := len(p.Doc.Dropped) > 0; got != tt.dropped || got && p.Doc.Dropped[0] != tt.last {
			t.Errorf("%q: dropped %q, want dropped %t", tt.last, p.Doc.Dropped, tt.dropped)
		}
	}
}

// TestBoilerplateMixedBlocks checks that a disclosure sharing a paragraph
// with the story drops itself, not the story beside it: at the end (an FAQ
// answer followed by "Read our Terms of Use") and at the start (a cookie
// notice run into the first paragraph). Quotes stay spans of the input.
func TestBoilerplateMixedBlocks(t *testing.T) {
	tests := []struct {
		file, dropped, kept string
	}{
		{"faq-terms.txt", "Read our Terms of Use.", "the library will delete your borrowing history within ten days."},
		{"cookie-glued.txt", "We use cookies to give you the best experience on our website. By continuing to browse you accept our cookie policy.",
			"The Rialto cinema on Harbour Street reopened on Saturday"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "articles", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			p := mustParseOpt(t, string(raw), knowledge.ParseOptions{Name: tt.file})
			if len(p.Doc.Dropped) != 1 || p.Doc.Dropped[0] != clipped(tt.dropped) {
				t.Errorf("Dropped = %q, want %q alone", p.Doc.Dropped, tt.dropped)
			}
			text := indexed(p)
			if strings.Contains(text, tt.dropped) || !strings.Contains(text, tt.kept) {
				t.Errorf("passages %q: want %q gone and %q kept", text, tt.dropped, tt.kept)
			}
		})
	}
	// The same FAQ as a web page: the answer and the link share a div.
	raw, err := os.ReadFile("testdata/web/faq-page.html")
	if err != nil {
		t.Fatal(err)
	}
	p := mustParseOpt(t, string(raw), knowledge.ParseOptions{Name: "faq-page.html"})
	if text := indexed(p); strings.Contains(text, "Terms of Use") || !strings.Contains(text, "within ten working days.") {
		t.Errorf("FAQ page passages end %q", text[max(0, len(text)-200):])
	}
}

// TestBoilerplateCOVIDQA ingests the 98 COVID-QA papers as plain text and
// counts the questions whose answer the boilerplate rule dropped: there
// must be none (the papers end in acknowledgements, competing interests
// and licence lines, which may go, but no answer lies in what goes).
func TestBoilerplateCOVIDQA(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(datasets, "covidqa", "200423_covidQA.json"))
	if err != nil {
		t.Skipf("COVID-QA: %v", err)
	}
	var set struct {
		Data []struct {
			Paragraphs []struct {
				Context string `json:"context"`
				QAs     []struct {
					Answers []struct {
						Text string `json:"text"`
					} `json:"answers"`
				} `json:"qas"`
			} `json:"paragraphs"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	questions, lost, papersDropping := 0, 0, 0
	for i, doc := range set.Data {
		for _, para := range doc.Paragraphs {
			name := fmt.Sprintf("paper-%d.txt", i)
			p := mustParseOpt(t, para.Context, knowledge.ParseOptions{Name: name})
			if len(p.Doc.Dropped) > 0 {
				papersDropping++
			}
			for _, qa := range para.QAs {
				questions++
				for _, a := range qa.Answers[:min(1, len(qa.Answers))] {
					at := strings.Index(p.Doc.Text, strings.TrimSpace(a.Text))
					if at < 0 {
						continue // the answer is not verbatim in the paper (a few are off)
					}
					if !covered(p.Doc.Text, p.Passages, at, at+len(strings.TrimSpace(a.Text))) {
						lost++
						t.Errorf("%s: answer dropped: %q (dropped %q)", name, clipped(a.Text), p.Doc.Dropped)
					}
				}
			}
		}
	}
	t.Logf("%d questions, %d answers dropped; %d of %d papers had something dropped", questions, lost, papersDropping, len(set.Data))
}

// covered reports whether the passages cover the span [start, end) of
// their document's text, gaps of white space aside.
func covered(text string, ps []knowledge.Passage, start, end int) bool {
	for _, p := range ps {
		if p.End <= start || p.Start >= end {
			continue
		}
		if p.Start > start && strings.TrimSpace(text[start:p.Start]) != "" {
			return false
		}
		start = p.End
		if start >= end {
			return true
		}
	}
	return start >= end
}
