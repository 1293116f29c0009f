// Package knowledge holds what storybot knows about a story, apart from
// where it is stored: documents and the passages they are split into
// (Parse, Sentences), the definition of a word shared by queries and the
// index (Words, Terms, BuildQuery), and the ranking of passages as a
// function of the candidates an index found and its statistics (Ranking).
//
// Data flows one way: raw bytes are parsed into a Document (its text,
// title, and the boilerplate left out), the Document is split into Passages
// that keep their byte offsets into Document.Text, an index (the SQLite
// FTS5 Store in knowledge/sqlite) holds the passages, and a
// Ranking.PlanWeighted for a question tells the index what to look up,
// Ranking.Rank orders what it found.
package knowledge

import (
	"errors"
	"time"
)

// Errors returned by this package and by an index of its documents
// (knowledge/sqlite). Callers check them with errors.Is.
var (
	// ErrEmptyQuery is returned for a query with no words, by BuildQuery,
	// Ranking.PlanWeighted and an index's Search.
	ErrEmptyQuery = errors.New("empty query")
	// ErrNotFound is returned by an index for a document or passage id it
	// does not hold.
	ErrNotFound = errors.New("not found")
	// ErrEmptyDocument is returned by Parse for input with no text in it.
	ErrEmptyDocument = errors.New("document has no text")
	// ErrNotText is returned by Parse for input that is not UTF-8 text
	// (binary files, other encodings).
	ErrNotText = errors.New("not UTF-8 text")
)

// Document is one story: an article, a book, a report.
type Document struct {
	// Slug is the document's id, unique in an index; passage ids are
	// "<Slug>#<n>". Parse makes it from the file name or title (Slugify);
	// an index numbers it ("article-2") when another document holds it.
	Slug string `json:"slug"`
	// Named marks a Slug chosen by whoever ingests the document (`ingest
	// --id`): an index then replaces the document holding that id.
	Named bool `json:"-"`
	// Origin identifies where the document came from, so that ingesting it
	// again replaces it: an absolute file path, a URL, an upload. Empty
	// means the Slug stands for the origin.
	Origin string `json:"-"`
	// Guild is the Discord server the document belongs to: only that server
	// sees it. Empty means every server, and the command line sees all.
	Guild string `json:"guild,omitempty"`
	// Title is the detected (or given) title.
	Title string `json:"title"`
	// Source is where the document came from (a file name), for display.
	Source string `json:"source"`
	// Text is the text the passages point into: for plain text the input
	// itself (no byte order mark, LF line endings), boilerplate included;
	// for Markdown and HTML the text a reader sees. Only passages are
	// indexed, and quotes shown to users are always slices of them.
	Text string `json:"-"`
	// Hash is the SHA-256 of the raw input; re-ingesting the same bytes is a no-op.
	Hash string `json:"hash"`
	// Date is the document date (YYYY-MM-DD) when one is known: configured
	// with `ingest --date` or a `date:` line in Markdown front matter, or
	// the publication date a web page gives in its metadata.
	Date string `json:"date,omitempty"`
	// DateSource says where Date came from: DateConfigured or DateMetadata.
	// A Date without a source (an index made before sources were kept) was
	// configured.
	DateSource string `json:"date_source,omitempty"`
	// Dropped lists the blocks left out of the index as boilerplate.
	Dropped []string `json:"dropped,omitempty"`
	// IngestedAt, Words and Passages are set by an index: when the document
	// was ingested, and how many words and passages it indexed.
	IngestedAt time.Time `json:"ingested_at"`
	Words      int       `json:"words"`
	Passages   int       `json:"passages"`
}

// Sources of Document.Date.
const (
	DateConfigured = "configured" // `ingest --date`, or Markdown front matter
	DateMetadata   = "metadata"   // a web page's publication date: JSON-LD, <meta>, <time>, a dated byline
)

// Passage is a readable span of a document (roughly 40–200 words), the unit
// of retrieval and citation.
type Passage struct {
	// ID is "<doc slug>#<n>", n counting from 1 in document order.
	ID string `json:"id"`
	// Doc is the slug of the document the passage belongs to.
	Doc string `json:"doc"`
	// N is the passage's position in its document, from 1.
	N int `json:"-"`
	// Chapter is the chapter or section the passage belongs to, as a label
	// for citations ("chapter 3", "part 2: The Sea-cook", "The vote"), or
	// "" when the document has none (see Parse).
	Chapter string `json:"chapter,omitempty"`
	// Text is exactly Document.Text[Start:End].
	Text string `json:"text"`
	// Start and End are byte offsets into Document.Text.
	Start int `json:"-"`
	End   int `json:"-"`
	// Score is the retrieval score; higher is better. Zero outside a search.
	Score float64 `json:"score"`
}
