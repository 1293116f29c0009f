package knowledge_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// body is a paragraph of n words, enough to be a passage of its own.
func body(topic string, n int) string {
	return "The " + topic + strings.Repeat(" went on", (n-3)/2) + " and ended."
}

// chapterOf returns the chapter of the passage holding s.
func chapterOf(t *testing.T, p knowledge.Parsed, s string) string {
	t.Helper()
	for _, ps := range p.Passages {
		if strings.Contains(ps.Text, s) {
			return ps.Chapter
		}
	}
	t.Fatalf("no passage holds %q", s)
	return ""
}

func TestChapters(t *testing.T) {
	tests := []struct {
		name, file, text string
		want             map[string]string // a passage's words → its chapter
	}{
		{"chapter lines with Roman numerals", "book.txt",
			"A Book\n\nCHAPTER I.\n\n" + body("storm", 60) + "\n\nCHAPTER II.\n\n" + body("calm", 60) + "\n\nCHAPTER III.\n\n" + body("harbour", 60),
			map[string]string{"The storm": "chapter 1", "The calm": "chapter 2", "The harbour": "chapter 3"}},
		{"chapter lines with titles and words for numbers", "book.txt",
			"Chapter One: The Storm\n\n" + body("storm", 60) + "\n\nChapter Twenty-Two — At Sea\n\n" + body("sea", 60),
			map[string]string{"The storm": "chapter 1: The Storm", "The sea": "chapter 22: At Sea"}},
		{"a number over a title line, in parts", "book.txt",
			"PART ONE--The Old Buccaneer\n\n\n1\n\nTHE OLD SEA-DOG\n\n" + body("inn", 60) + "\n\n2\n\nBlack Dog Appears\n\n" + body("dog", 60) +
				"\n\nPART TWO--The Sea-cook\n\n3\n\nI Go to Bristol\n\n" + body("bristol", 60) + "\n\n5\n\nA Number Skipped\n\n" + body("skip", 60),
			map[string]string{"The inn": "chapter 1: The Old Sea-Dog", "The dog": "chapter 2: Black Dog Appears",
				"The bristol": "chapter 3: I Go to Bristol", "The skip": "chapter 3: I Go to Bristol"}},
		{"numbered titles over numbered sections", "book.txt",
			"I. A SCANDAL IN BOHEMIA\n\n\nI.\n\n" + body("photograph", 60) + "\n\nII.\n\n" + body("king", 60) + "\n\nII. THE RED-HEADED LEAGUE\n\n" + body("league", 60),
			map[string]string{"The photograph": "chapter 1: A Scandal in Bohemia", "The king": "chapter 1: A Scandal in Bohemia", "The league": "chapter 2: The Red-Headed League"}},
		{"a table of contents is no chapter", "book.txt",
			body("preface", 50) + "\n\nContents\n\nCHAPTER I. The Storm\n\nCHAPTER II. The Calm\n\n\nCHAPTER I. The Storm\n\n" + body("storm", 60) + "\n\nCHAPTER II. The Calm\n\n" + body("calm", 60),
			map[string]string{"The preface": "", "The storm": "chapter 1: The Storm", "The calm": "chapter 2: The Calm"}},
		{"a numbered list is no chapter", "notes.txt",
			"Notes\n\n" + body("meeting", 50) + "\n1. Buy bread\n2. Call Tom\n\n" + body("evening", 50),
			map[string]string{"The meeting": "", "The evening": ""}},
		{"Markdown sections below the title", "article.md",
			"# The Bridge Vote\n\n" + body("council", 50) + "\n\n## The vote\n\n" + body("vote", 60) + "\n\n### Who voted\n\n" + body("mayor", 60) + "\n\n## What next\n\n" + body("repairs", 60),
			map[string]string{"The council": "", "The vote": "The vote", "The mayor": "The vote", "The repairs": "What next"}},
		{"Markdown chapters", "novel.md",
			"# A Novel\n\n## Chapter 1\n\n" + body("storm", 60) + "\n\n## Chapter 2\n\n" + body("calm", 60),
			map[string]string{"The storm": "chapter 1", "The calm": "chapter 2"}},
		{"HTML headings", "page.html",
			"<html><head><title>Bridge</title></head><body><h1>Bridge</h1><p>" + body("council", 50) + "</p><h2>The vote</h2><p>" + body("vote", 60) +
				"</p><h2>What <em>next</em></h2><p>" + body("repairs", 60) + "</p></body></html>",
			map[string]string{"The council": "", "The vote": "The vote", "The repairs": "What next"}},
		{"no headings, no chapters", "story.txt", "A Story\n\n" + body("fox", 60) + "\n\n" + body("crow", 60),
			map[string]string{"The fox": "", "The crow": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParseOpt(t, tt.text, knowledge.ParseOptions{Name: tt.file})
			for words, want := range tt.want {
				if got := chapterOf(t, p, words); got != want {
					t.Errorf("passage with %q: chapter %q, want %q", words, got, want)
				}
			}
			checkChapters(t, p)
		})
	}
}

// checkChapters checks that no passage straddles two chapters: a passage
// whose chapter differs from the one before it starts with a heading, a
// first paragraph of a few words, not with the text of the chapter.
func checkChapters(t *testing.T, p knowledge.Parsed) {
	t.Helper()
	for i := 1; i < len(p.Passages); i++ {
		prev, ps := p.Passages[i-1], p.Passages[i]
		if ps.Chapter == prev.Chapter {
			continue
		}
		first, _, _ := strings.Cut(ps.Text, "\n\n")
		if n := len(strings.Fields(first)); n > 15 {
			t.Errorf("%s opens %q but starts with %d words of text: %q", ps.ID, ps.Chapter, n, first[:min(len(first), 80)])
		}
	}
}

// TestChaptersGutenberg checks the chapters of the three novels: every one
// found, in order, each passage in one.
func TestChaptersGutenberg(t *testing.T) {
	tests := []struct {
		file     string
		chapters int
		want     map[string]string
	}{
		{"pg1342.txt", 61, map[string]string{
			"It is a truth universally acknowledged":            "chapter 1",
			"Elizabeth passed the chief of the night":           "chapter 9",
			"My dear Lizzy, where can you have been walking to": "chapter 59",
		}},
		{"pg120.txt", 34, map[string]string{
			"I remember him as if it were yesterday": "chapter 1: The Old Sea-dog at the Admiral Benbow",
			"IT was longer than the squire imagined": "chapter 7: I Go to Bristol",
		}},
		{"pg1661.txt", 12, map[string]string{
			"To Sherlock Holmes she is always":                 "chapter 1: A Scandal in Bohemia",
			"I had called upon my friend, Mr. Sherlock Holmes": "chapter 2: The Red-Headed League",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := mustParseOpt(t, string(readDataset(t, "gutenberg/"+tt.file)), knowledge.ParseOptions{Name: tt.file})
			var chapters []string
			for _, ps := range p.Passages {
				if ps.Chapter != "" && !slices.Contains(chapters, ps.Chapter) {
					chapters = append(chapters, ps.Chapter)
				}
			}
			if len(chapters) != tt.chapters {
				t.Errorf("%d chapters, want %d: %q", len(chapters), tt.chapters, chapters)
			}
			for words, want := range tt.want {
				if got := chapterOf(t, p, words); got != want {
					t.Errorf("passage with %q: chapter %q, want %q", words, got, want)
				}
			}
			checkChapters(t, p)
		})
	}
}
