package bot

import (
	"sort"
	"strconv"
	"strings"
)

// withoutUserText is msg, an error's text for the log, with what the user
// wrote in args replaced by "…". Errors from below quote what they were
// given (search "…": …), and the log holds what users write only at debug
// level. Quoted forms are replaced whatever their length; bare ones from 4
// bytes on, so that a one-letter option does not garble the message.
func withoutUserText(msg string, args Args) string {
	var vals []string
	for _, v := range args {
		if s, ok := v.(string); ok {
			vals = append(vals, s, strings.TrimSpace(s))
		}
	}
	// Longest first, so a value holding another goes whole.
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	var pairs []string
	for _, v := range vals {
		if v == "" {
			continue
		}
		pairs = append(pairs, strconv.Quote(v), `"…"`, strconv.QuoteToASCII(v), `"…"`)
		if len(v) >= 4 {
			pairs = append(pairs, v, "…")
		}
	}
	if len(pairs) == 0 {
		return msg
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}
