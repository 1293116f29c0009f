package knowledge

import (
	"crypto/sha256"
	"strings"
)

// ParseString is Parse of input held in a string, the reference that
// ParseReader is tested against. Plain text without a byte order mark or
// CR line endings becomes Document.Text as it is, not a copy.
func ParseString(input string, opt ParseOptions) (Parsed, error) {
	h := sha256.New()
	var buf [32 << 10]byte // the hash takes bytes: a chunk at a time, not a copy of all
	for rest := input; rest != ""; {
		n := copy(buf[:], rest)
		h.Write(buf[:n])
		rest = rest[n:]
	}
	return parse(input, normalizeText(input), h, opt)
}

// normalizeText drops a byte order mark and turns CRLF and CR line endings
// into LF. Text that has neither is returned as it is.
func normalizeText(data string) string {
	data = strings.TrimPrefix(data, "\uFEFF")
	i := strings.IndexByte(data, '\r')
	if i < 0 {
		return data
	}
	var sb strings.Builder
	sb.Grow(len(data))
	for ; i >= 0; i = strings.IndexByte(data, '\r') {
		sb.WriteString(data[:i])
		sb.WriteByte('\n')
		data = data[i+1:]
		if len(data) > 0 && data[0] == '\n' {
			data = data[1:]
		}
	}
	sb.WriteString(data)
	return sb.String()
}
