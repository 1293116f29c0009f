package timeline

import (
	"fmt"
	"strings"
)

// Discord's limits, in characters, for the bot's convenience.
const (
	MessageLimit = 2000 // a message's content
	EmbedLimit   = 4096 // an embed's description
)

// compactTextRunes bounds an event's text in a Compact list.
const compactTextRunes = 100

// Compact renders t for a chat message: a line saying what the dates rest
// on, then one line per event ("**2018-10** Ramos pleaded guilty …
// (phantom-secure#6)"), in no more than limit characters as Discord counts
// them. Events that do not fit are counted in a last line. Markdown in the
// story's text is escaped and "@" cannot ping anyone.
func Compact(t Timeline, limit int) string {
	var head string
	switch {
	case t.DocumentDate == "":
		head = "No document date: only events with their own dates are listed."
	case t.DocumentDateSource == SourceConfigured:
		head = fmt.Sprintf("Document date %s (configured).", t.DocumentDate)
	default:
		head = fmt.Sprintf("Document date %s (inferred from the text).", t.DocumentDate)
	}
	if len(t.Events) == 0 {
		return clip(head+"\nNo dated events found.", limit)
	}
	var b strings.Builder
	b.WriteString(head)
	used := chatLen(head)
	for i, e := range t.Events {
		date := e.Date
		if e.Until != "" {
			date += "–" + e.Until
		}
		line := fmt.Sprintf("\n**%s** %s (%s)", date, escape(cut(e.Text, compactTextRunes)), escape(e.PassageID))
		rest := ""
		if left := len(t.Events) - i - 1; left > 0 {
			rest = fmt.Sprintf("\n…and %d more.", left)
		}
		if used+chatLen(line)+chatLen(rest) > limit {
			more := fmt.Sprintf("\n…and %d more.", len(t.Events)-i)
			if used+chatLen(more) <= limit {
				b.WriteString(more)
			}
			break
		}
		b.WriteString(line)
		used += chatLen(line)
	}
	return clip(b.String(), limit)
}

var markdown = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`,
	"@", "@\u200b",
)

// escape keeps story text from being read as Discord markdown or mentions.
func escape(s string) string { return markdown.Replace(s) }

// chatLen counts s as Discord does, in UTF-16 code units.
func chatLen(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// clip cuts s to limit characters as chatLen counts them.
func clip(s string, limit int) string {
	if chatLen(s) <= limit {
		return s
	}
	n := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if n+w > limit-1 {
			return s[:i] + "…"
		}
		n += w
	}
	return s
}
