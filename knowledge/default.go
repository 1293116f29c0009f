package knowledge

import _ "embed"

// DefaultStory is the story storybot ships with: a 2019 report on the FBI
// asking the CEO of Phantom Secure for a backdoor.
//
//go:embed story/phantom-secure.txt
var DefaultStory []byte

// DefaultStoryName is the file name DefaultStory is ingested under.
const DefaultStoryName = "phantom-secure.txt"
