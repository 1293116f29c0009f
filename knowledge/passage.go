package knowledge

import (
	"fmt"
	"strconv"
	"strings"
)

// PassageID is the id of the n-th passage of the document with the given slug.
func PassageID(slug string, n int) string { return slug + "#" + strconv.Itoa(n) }

// ParsePassageID splits "<slug>#<n>" into its parts.
func ParsePassageID(id string) (slug string, n int, ok bool) {
	i := strings.LastIndexByte(id, '#')
	if i <= 0 {
		return "", 0, false
	}
	if _, err := fmt.Sscanf(id[i+1:], "%d", &n); err != nil || n < 1 || fmt.Sprint(n) != id[i+1:] {
		return "", 0, false
	}
	return id[:i], n, true
}
