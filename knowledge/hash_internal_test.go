package knowledge

import "testing"

// After an upgrade that changes what Parse makes of a file, the same bytes
// must hash differently, so an index re-parses them instead of skipping.
func TestHashChangesWithParserVersion(t *testing.T) {
	data := []byte("The Old Mill\n\nIt stood by the river.")
	opt := ParseOptions{Name: "mill.txt"}
	if a, b := hashVersion(data, formatText, opt, ParserVersion), hashVersion(data, formatText, opt, ParserVersion+1); a == b {
		t.Errorf("hash %s is the same for parser versions %d and %d", a, ParserVersion, ParserVersion+1)
	}
	if hashInput(data, formatText, opt) != hashVersion(data, formatText, opt, ParserVersion) {
		t.Error("hashInput does not hash with ParserVersion")
	}
}
