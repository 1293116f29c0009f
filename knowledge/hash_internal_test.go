package knowledge

import (
	"crypto/sha256"
	"hash"
	"testing"
)

// After an upgrade that changes what Parse makes of a file, the same bytes
// must hash differently, so an index re-parses them instead of skipping.
func TestHashChangesWithParserVersion(t *testing.T) {
	raw := func() hash.Hash {
		h := sha256.New()
		h.Write([]byte("The Old Mill\n\nIt stood by the river."))
		return h
	}
	opt := ParseOptions{Name: "mill.txt"}
	if a, b := hashVersion(raw(), formatText, opt, ParserVersion), hashVersion(raw(), formatText, opt, ParserVersion+1); a == b {
		t.Errorf("hash %s is the same for parser versions %d and %d", a, ParserVersion, ParserVersion+1)
	}
	if hashInput(raw(), formatText, opt) != hashVersion(raw(), formatText, opt, ParserVersion) {
		t.Error("hashInput does not hash with ParserVersion")
	}
}
