package knowledge

import "slices"

// Scope selects the documents a search, a lookup or a listing may read. The
// zero Scope reads the documents that belong to every server: what a
// direct message to the bot sees.
type Scope struct {
	// All reads every document, whatever server it belongs to: the command
	// line's view. Guild is then ignored.
	All bool
	// Guild is the Discord server asking: it sees its own documents besides
	// those that belong to every server.
	Guild string
	// Own keeps only the documents that belong to Guild itself, not those
	// of every server: what a server may change.
	Own bool
	// Docs, when not empty, keeps only these documents (by id) of those
	// visible; an id not visible is as good as absent.
	Docs []string
}

// Everything is the command line's scope: every document.
var Everything = Scope{All: true}

// Sees reports whether a document of the given guild ("" for every
// server) and id is in s.
func (s Scope) Sees(guild, id string) bool {
	switch {
	case s.All:
	case s.Own && guild != s.Guild, guild != "" && guild != s.Guild:
		return false
	}
	return len(s.Docs) == 0 || slices.Contains(s.Docs, id)
}

// Only returns s narrowed to the documents ids.
func (s Scope) Only(ids ...string) Scope {
	s.Docs = ids
	return s
}

// CountWords counts the words of s, separated by white space, as
// Document.Words counts those of a document's passages.
func CountWords(s string) int { return countWords(s) }
