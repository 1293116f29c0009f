package knowledge

import (
	"strings"
	"sync"
)

// BaseForm returns the base form of an irregular English word form, from
// the same table the ranking uses ("went" → "go", "children" → "child"), and
// true; for any other word it returns w and false. w must be lower case.
func BaseForm(w string) (string, bool) {
	b, ok := loadBaseForms()[w]
	if !ok {
		return w, false
	}
	return b, true
}

var loadBaseForms = sync.OnceValue(func() map[string]string {
	m := make(map[string]string)
	for _, line := range strings.Split(irregularForms, "\n") {
		ws := strings.Fields(line)
		for _, w := range ws[min(1, len(ws)):] {
			if _, dup := m[w]; !dup {
				m[w] = ws[0]
			}
		}
	}
	return m
})
