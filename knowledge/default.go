package knowledge

import (
	_ "embed"
	"fmt"
)

// DefaultStory is the story storybot ships with: a 2019 report on the FBI
// asking the CEO of Phantom Secure for a backdoor.
//
//go:embed story/phantom-secure.txt
var DefaultStory []byte

// DefaultStoryName is the file name DefaultStory is ingested under.
const DefaultStoryName = "phantom-secure.txt"

// DefaultStoryOrigin is the Document.Origin of the default story, so that
// indexing it again replaces it.
const DefaultStoryOrigin = "storybot:default-story"

// ParseDefaultStory parses DefaultStory as it is indexed.
func ParseDefaultStory() (Parsed, error) {
	p, err := Parse(DefaultStory, ParseOptions{Name: DefaultStoryName})
	if err != nil {
		return p, fmt.Errorf("parse the default story: %w", err)
	}
	p.Doc.Origin = DefaultStoryOrigin
	return p, nil
}
