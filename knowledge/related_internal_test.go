package knowledge

import "testing"

// BenchmarkParseRelated is what the first question that reads the
// related-word table pays, once per process.
//
//	go test ./knowledge -run '^$' -bench ParseRelated -benchmem
func BenchmarkParseRelated(b *testing.B) {
	for b.Loop() {
		if len(parseRelated(relatedText)) < 10000 {
			b.Fatal("the table has fewer than 10,000 words")
		}
	}
}
