package bot

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/timeline"
)

// Discord's limits on a message. Lengths are measured in UTF-16 code units
// (see length), the stricter of the ways they are counted.
const (
	maxContent     = 2000
	maxEmbeds      = 10
	maxEmbedsTotal = 6000
	maxTitle       = 256
	maxDescription = 4096
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
)

// Message is one Discord message: text, embeds and buttons, within
// Discord's limits.
type Message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
}

// Reply is what the bot posts in answer to one request: one message, or
// several when it does not fit in one.
type Reply struct {
	Messages []Message
	// Ephemeral replies are shown only to the person who asked.
	Ephemeral bool
	// Mode says how an answer was made; empty for other replies. For logs.
	Mode answer.Mode
	// Thread, when set, asks for the reply to be posted in a new thread of
	// that name, started from Intro where the command was used.
	Thread string
	Intro  Message
	// answered is the answer shown, for statistics and feedback; nil for
	// other replies.
	answered *answered
}

// textReply is a reply of plain text we wrote ourselves (markdown allowed).
func textReply(text string, ephemeral bool) Reply {
	return Reply{Messages: pack(text, nil), Ephemeral: ephemeral}
}

// length is s's length as Discord's limits count it. Counting UTF-16 code
// units never undercounts, whether Discord counts those or code points.
func length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// footerText says how an answer was made.
func footerText(a answer.Answer) string {
	switch a.Mode {
	case answer.ModeLLM:
		model := a.Model
		if model == "" {
			model = "a model"
		}
		return fmt.Sprintf("Written by %s from the story · each sentence backed by a quote, quotes checked word for word", model)
	case answer.ModeExtractive:
		return "Quotes only · the story's own sentences, no model wrote this"
	default:
		return "Not in the story · nothing was made up"
	}
}

// renderAnswer lays out an answer under head (a line of markdown, or ""):
// its text with [n] markers (and notice), then one embed per quote with
// its passage id and document title, and a footer saying how the answer
// was made. titles maps document slugs to titles.
func renderAnswer(a answer.Answer, titles map[string]string, head string) Reply {
	text := escape(strings.TrimSpace(a.Answer))
	if a.Mode == answer.ModeExtractive && len(a.Citations) > 0 {
		// An extractive answer's text repeats its quotes, which the
		// embeds show: keep only its label, as storybot ask does.
		text = escape(a.Label())
	}
	if n := strings.TrimSpace(a.Notice); n != "" {
		text = joinParagraphs(text, "*"+escape(n)+"*")
	}
	var embeds []*discordgo.MessageEmbed
	for _, c := range a.Citations {
		if e := quoteEmbed(c, titles); e != nil {
			embeds = append(embeds, e)
		}
	}
	footer := footerText(a)
	if len(embeds) > 0 {
		embeds[len(embeds)-1].Footer = &discordgo.MessageEmbedFooter{Text: footer}
	} else {
		text = joinParagraphs(text, "-# "+footer)
	}
	if head != "" {
		text = head + "\n" + text
	}
	return Reply{Messages: pack(text, embeds), Mode: a.Mode}
}

func joinParagraphs(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n\n" + b
}

// quoteEmbed shows one verified quote as a block quote (its hard-wrapped
// lines joined), titled with its marker, document and chapter, with its
// passage id. A quote too long for an embed is cut at a sentence or word
// boundary with a visible "…"; if it cannot be cut honestly, it is left
// out (nil).
func quoteEmbed(c answer.Citation, titles map[string]string) *discordgo.MessageEmbed {
	desc, ok := fitQuote(knowledge.Unwrap(c.Quote), maxDescription)
	if !ok {
		return nil
	}
	title := fmt.Sprintf("[%d] %s", c.Ref, withChapter(docTitle(c.PassageID, titles), c.Chapter))
	return &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich,
		Title:       fitText(title, maxTitle, escape),
		Description: desc,
		Fields:      []*discordgo.MessageEmbedField{passageField(c.PassageID)},
	}
}

// fitQuote renders quote as a block quote of at most max characters.
func fitQuote(quote string, max int) (string, bool) {
	render := func(s string) string { return ">>> " + escape(s) }
	q, ok := trim(strings.TrimSpace(quote), max, render)
	if !ok || q == "" {
		return "", false
	}
	return render(q), true
}

func passageField(id string) *discordgo.MessageEmbedField {
	v := "`" + id + "`"
	if strings.Contains(id, "`") {
		v = escape(id)
	}
	return &discordgo.MessageEmbedField{Name: "Passage", Value: fitText(v, maxFieldValue, verbatim), Inline: true}
}

// docTitle is the title of the document passage id belongs to.
func docTitle(passageID string, titles map[string]string) string {
	slug, _, ok := knowledge.ParsePassageID(passageID)
	if !ok {
		return passageID
	}
	if t := titles[slug]; t != "" {
		return t
	}
	return slug
}

// withChapter names a chapter after its document's title: "Pride and
// Prejudice, chapter 3".
func withChapter(title, chapter string) string {
	if chapter == "" {
		return title
	}
	return title + ", " + chapter
}

// embedSize is what an embed counts towards a message's 6,000 characters.
func embedSize(e *discordgo.MessageEmbed) int {
	n := length(e.Title) + length(e.Description)
	for _, f := range e.Fields {
		n += length(f.Name) + length(f.Value)
	}
	if e.Footer != nil {
		n += length(e.Footer.Text)
	}
	if e.Author != nil {
		n += length(e.Author.Name)
	}
	return n
}

// pack lays content and embeds out in as few messages as the limits allow:
// the content split at paragraph, line, sentence or word boundaries, the
// embeds after it, at most 10 and 6,000 characters per message.
func pack(content string, embeds []*discordgo.MessageEmbed) []Message {
	var msgs []Message
	for _, chunk := range splitText(content, maxContent) {
		msgs = append(msgs, Message{Content: chunk})
	}
	if len(msgs) == 0 {
		msgs = append(msgs, Message{})
	}
	last := &msgs[len(msgs)-1]
	total := 0
	for _, e := range embeds {
		size := embedSize(e)
		if len(last.Embeds) == maxEmbeds || (len(last.Embeds) > 0 && total+size > maxEmbedsTotal) {
			msgs = append(msgs, Message{})
			last = &msgs[len(msgs)-1]
			total = 0
		}
		last.Embeds = append(last.Embeds, e)
		total += size
	}
	return msgs
}

// splitText cuts s into pieces of at most max characters, at the last
// paragraph break, else line break, else sentence end, else space in each
// window; only a single word longer than max is cut inside.
func splitText(s string, max int) []string {
	var out []string
	s = strings.TrimSpace(s)
	for s != "" {
		if length(s) <= max {
			out = append(out, s)
			break
		}
		window := prefix(s, max)
		cut := bestCut(window)
		piece := strings.TrimRightFunc(s[:cut], unicode.IsSpace)
		out = append(out, piece)
		s = strings.TrimLeftFunc(s[cut:], unicode.IsSpace)
	}
	return out
}

// bestCut picks where to end a piece that must lie within window.
func bestCut(window string) int {
	min := len(window) / 3
	if i := strings.LastIndex(window, "\n\n"); i > min {
		return i
	}
	if i := strings.LastIndexByte(window, '\n'); i > min {
		return i
	}
	if cuts := sentenceEnds(window); len(cuts) > 0 && cuts[len(cuts)-1] > min {
		return cuts[len(cuts)-1]
	}
	if i := strings.LastIndexFunc(window, unicode.IsSpace); i > 0 {
		return i
	}
	// One word longer than a message: cut it, but not inside an escape.
	cut := len(window)
	for cut > 1 && window[cut-1] == '\\' {
		cut--
	}
	return cut
}

// prefix is the longest prefix of s at most max characters long.
func prefix(s string, max int) string {
	n := 0
	for i, r := range s {
		n += utf16.RuneLen(r)
		if n > max {
			return s[:i]
		}
	}
	return s
}

// sentenceEnds lists the byte offsets just after each sentence end in s
// (terminal punctuation, closing quotes or brackets, then a space).
func sentenceEnds(s string) []int {
	var ends []int
	for i, r := range s {
		if r != '.' && r != '!' && r != '?' && r != '…' {
			continue
		}
		j := i + utf8.RuneLen(r)
		for j < len(s) {
			c, size := utf8.DecodeRuneInString(s[j:])
			if !strings.ContainsRune(`"'”’)]»`, c) {
				break
			}
			j += size
		}
		if j < len(s) {
			if c, _ := utf8.DecodeRuneInString(s[j:]); unicode.IsSpace(c) {
				ends = append(ends, j)
			}
		}
	}
	return ends
}

// trim shortens text so that render(text) is at most max characters long,
// cutting at the last sentence end that keeps at least half of it, else at
// the last word boundary, and marking the cut with "…". It reports false
// when no boundary gives a short enough text: the text is then not to be
// shown at all, as cutting inside a word could change what it says.
func trim(text string, max int, render func(string) string) (string, bool) {
	if length(render(text)) <= max {
		return text, true
	}
	fits := func(cut int, mark string) (string, bool) {
		t := strings.TrimRightFunc(text[:cut], unicode.IsSpace)
		if mark == "…" {
			t = strings.TrimRight(t, ",;:—–-")
		}
		t += mark
		return t, length(render(t)) <= max
	}
	var best string
	ends := sentenceEnds(text)
	for k := len(ends) - 1; k >= 0; k-- {
		if t, ok := fits(ends[k], " …"); ok {
			best = t
			break
		}
	}
	if length(render(best)) >= max/2 {
		return best, true
	}
	// The last word boundary that fits: binary search over the spaces.
	var spaces []int
	for i, r := range text {
		if unicode.IsSpace(r) && i > 0 {
			spaces = append(spaces, i)
		}
	}
	lo, hi := 0, len(spaces)-1
	word := ""
	for lo <= hi {
		mid := (lo + hi) / 2
		if t, ok := fits(spaces[mid], "…"); ok {
			word = t
			lo = mid + 1
		} else {
			hi = mid - 1
		}
	}
	if length(word) > length(best) {
		best = word
	}
	return best, best != ""
}

// verbatim is the render of trim and fitText for text shown as it is.
func verbatim(s string) string { return s }

// fitText is trim for text we may shorten anywhere (titles, ids): at a word
// boundary if there is one, else inside a word.
func fitText(text string, max int, render func(string) string) string {
	if t, ok := trim(text, max, render); ok {
		return render(t)
	}
	r := []rune(text)
	for len(r) > 0 && length(render(string(r)+"…")) > max {
		r = r[:len(r)-1]
	}
	return render(string(r) + "…")
}

// userLinkRe matches a link in what a user typed: with a scheme, after
// www., or a Discord invite.
var userLinkRe = regexp.MustCompile(`(?i)(?:[a-z][a-z0-9+.-]*://|www\.|discord(?:app)?\.com/invite/|discord\.gg/)\S*`)

// delink puts "(link)" for each link in what a user typed, where the bot
// repeats it (the asked line, a thread's name, a timeline's topic): it
// would otherwise post the link, and Discord its preview, under the bot's
// name.
func delink(s string) string { return userLinkRe.ReplaceAllString(s, "(link)") }

// escape makes text we did not write (answers, quotes, titles) show as
// written: markdown, masked links and mentions are shown literally.
// Mentions could not ping anyway: every message sets allowed mentions to none.
func escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	lineStart := true
	for _, r := range s {
		switch {
		case strings.ContainsRune("\\*_~`|<[]", r):
			b.WriteByte('\\')
		case lineStart && strings.ContainsRune("#>-", r):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		if r == '\n' {
			lineStart = true
		} else if !unicode.IsSpace(r) {
			lineStart = false
		}
	}
	return b.String()
}

// renderSource shows a passage in full (its hard-wrapped lines joined),
// titled with its document and chapter.
func renderSource(p knowledge.Passage, titles map[string]string) Reply {
	desc, ok := fitQuote(knowledge.Unwrap(p.Text), maxDescription)
	if !ok {
		desc = "*This passage is too long to show in Discord.*"
	}
	e := &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich,
		Title:       fitText(withChapter(docTitle(p.ID, titles), p.Chapter), maxTitle, escape),
		Description: desc,
		Fields:      []*discordgo.MessageEmbedField{passageField(p.ID)},
		Footer:      &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Passage %d of the story, in its own words.", p.N)},
	}
	return Reply{Messages: pack("", []*discordgo.MessageEmbed{e})}
}

// maxChoice is Discord's limit on an autocomplete choice's name.
const maxChoice = 100

// passageChoice offers passage id as an autocomplete choice, named by the id
// and, when given, the start of its text.
func passageChoice(id, text string) *discordgo.ApplicationCommandOptionChoice {
	name := id
	if text != "" {
		name += " · " + strings.Join(strings.Fields(text), " ")
	}
	return &discordgo.ApplicationCommandOptionChoice{Name: fitText(name, maxChoice, verbatim), Value: id}
}

// renderHelp says which stories docs are, what the commands are, how
// answers are grounded and what the footers mean, for the asker alone.
func renderHelp(docs []knowledge.Document, commands []*discordgo.ApplicationCommand) Reply {
	var b strings.Builder
	switch len(docs) {
	case 0:
		b.WriteString("I answer questions about a story, but none is indexed yet; ask whoever runs me to add one.\n")
	case 1:
		fmt.Fprintf(&b, "I answer questions about **%s**, and never say more than it does.\n", escape(docs[0].Title))
	default:
		fmt.Fprintf(&b, "I answer questions about %d stories, and never say more than they do:\n", len(docs))
		for i, d := range docs {
			if i == 10 {
				fmt.Fprintf(&b, "- and %d more\n", len(docs)-10)
				break
			}
			fmt.Fprintf(&b, "- **%s**\n", escape(d.Title))
		}
	}
	b.WriteString("\n**Commands**\n")
	var managed strings.Builder
	for _, c := range commands {
		if c.DefaultMemberPermissions == nil {
			writeCommand(&b, "/"+c.Name, c.Options, c.Description)
			continue
		}
		for _, sub := range c.Options {
			writeCommand(&managed, "/"+c.Name+" "+sub.Name, sub.Options, sub.Description)
		}
	}
	b.WriteString("- Or mention me in a channel, with your question after my name.\n" +
		"- To follow up (\"what about…\", \"why did he…\"), reply to one of my answers, or ask in a thread I started (`/ask thread:True`) mentioning me: I read the conversation back from Discord.\n")
	if managed.Len() > 0 {
		b.WriteString("\n**For those who manage the server**\n")
		b.WriteString(managed.String())
	}
	b.WriteString("\n**How answers are grounded**\n" +
		"I search the story for the passages that best match your question and answer only from them. " +
		"Every quote is checked word for word against the story before it is shown, and every sentence a model writes must be backed by the quotes it cites " +
		"(its names, numbers and dates in them, nothing they deny, most of its words): a sentence that is not is left out. A [n] marker in the answer points to quote n below it, " +
		"and the id under a quote opens the whole passage with `/source`.\n")
	b.WriteString("\n**What the footer means**\n" +
		"- *Written by* a model: the model wrote the sentences; each is backed by a quote from the story, and every quote was checked word for word.\n" +
		"- *Quotes only*: no model was used (none is set up, or it failed); you get the story's own sentences that best answer you.\n" +
		"- *Not in the story*: no passage answers the question, so I don't guess.\n")
	return textReply(b.String(), true)
}

// writeCommand writes one line of /help for a command or subcommand.
func writeCommand(b *strings.Builder, name string, opts []*discordgo.ApplicationCommandOption, desc string) {
	fmt.Fprintf(b, "- `%s", name)
	for _, o := range opts {
		fmt.Fprintf(b, " %s:", o.Name)
	}
	fmt.Fprintf(b, "` %s\n", desc)
}

// storyChoice offers a story as an autocomplete choice, named by its title
// and id.
func storyChoice(d knowledge.Document) *discordgo.ApplicationCommandOptionChoice {
	name := strings.Join(strings.Fields(d.Title), " ") + " · " + d.Slug
	return &discordgo.ApplicationCommandOptionChoice{Name: fitText(name, maxChoice, verbatim), Value: d.Slug}
}

// maxListed bounds the stories /story list names.
const maxListed = 50

// renderStories lists the stories a server sees, its own marked, and says
// which one the channel answers from: bound, bound where, or none.
func renderStories(docs []knowledge.Document, bound, where, guild string) Reply {
	var b strings.Builder
	switch len(docs) {
	case 0:
		b.WriteString("This server has no stories yet; add one with `/story add`.\n")
	default:
		fmt.Fprintf(&b, "**Stories this server can ask about** (%d)\n", len(docs))
	}
	for i, d := range docs {
		if i == maxListed {
			fmt.Fprintf(&b, "- and %d more\n", len(docs)-maxListed)
			break
		}
		whose := "every server"
		if d.Guild == guild {
			whose = "this server"
		}
		fmt.Fprintf(&b, "- **%s** `%s` · %s words · %s · for %s\n", escape(d.Title), d.Slug, thousands(d.Words), passages(d.Passages), whose)
	}
	if bound != "" {
		fmt.Fprintf(&b, "\nHere, questions that name no story read `%s` (chosen for %s).", bound, where)
	} else if len(docs) > 1 {
		b.WriteString("\nHere, questions that name no story read all of them; `/story use` picks one.")
	}
	return textReply(b.String(), true)
}

// passages writes n passages, "1 passage" for one.
func passages(n int) string {
	if n == 1 {
		return "1 passage"
	}
	return fmt.Sprintf("%d passages", n)
}

// thousands writes n with thousands separated by commas.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// confirmRemove asks whether to remove d, with a button for each answer.
func confirmRemove(d knowledge.Document) Reply {
	text := fmt.Sprintf("Remove **%s** (`%s`) from this server? Channels that use it go back to the server's story; this cannot be undone.",
		escape(d.Title), d.Slug)
	row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Remove it", Style: discordgo.DangerButton, CustomID: buttonRemove + d.Slug},
		discordgo.Button{Label: "Keep it", Style: discordgo.SecondaryButton, CustomID: buttonKeep + d.Slug},
	}}
	r := textReply(text, true)
	r.Messages[0].Components = []discordgo.MessageComponent{row}
	return r
}

// maxEventQuote is how much of each event's quote /timeline shows.
const maxEventQuote = 300

// renderTimeline lists tl's events, the ones about topic if it is set: a
// heading saying what the dates rest on, then one line per event, packed
// into embeds.
func renderTimeline(tl timeline.Timeline, topic string) Reply {
	head := timelineHead(tl, topic)
	if len(tl.Events) == 0 {
		if topic != "" {
			return textReply(head+"\nThe story has no dated events about that.", false)
		}
		return textReply(head+"\nThe story has no dated events.", false)
	}
	var embeds []*discordgo.MessageEmbed
	desc := ""
	for _, e := range tl.Events {
		l := eventLine(e)
		if desc != "" && length(desc)+1+length(l) > maxDescription {
			embeds = append(embeds, &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Description: desc})
			desc = ""
		}
		desc = joinLines(desc, l)
	}
	embeds = append(embeds, &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Description: desc,
		Footer: &discordgo.MessageEmbedFooter{Text: "Each quote is the story's own words; /source shows the passage."}})
	return Reply{Messages: pack(head, embeds)}
}

// timelineHead is the heading of a timeline: its document and topic, and,
// when there are events, the date relative ones were read from and the
// notice about their labels.
func timelineHead(tl timeline.Timeline, topic string) string {
	head := "**Timeline"
	switch {
	case len(tl.Documents) > 1:
		head += fmt.Sprintf(" of %d stories", len(tl.Documents))
	case tl.Title != "":
		head += " of " + escape(tl.Title)
	}
	head += "**"
	if topic != "" {
		head += " · about “" + escape(delink(topic)) + "”"
	}
	if len(tl.Events) == 0 {
		return head
	}
	if tl.DocumentDate != "" {
		how := "as configured"
		switch tl.DocumentDateSource {
		case timeline.SourceInferred:
			how = "inferred from the text"
		case timeline.SourceMetadata:
			how = "the page's publication date"
		}
		head += fmt.Sprintf("\n-# “Last year”, “this week” and the like are read from the story's date, %s (%s).", escape(tl.DocumentDate), how)
	}
	if tl.Notice != "" {
		head += "\n-# " + escape(tl.Notice)
	}
	return head
}

func joinLines(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// eventLine is one event: **date** · label · “quote” `id`, with the quote
// trimmed at a word boundary (with "…") and its dating words in bold.
func eventLine(e timeline.Event) string {
	quote, ok := trim(strings.Join(strings.Fields(e.Quote), " "), maxEventQuote, verbatim)
	if !ok {
		quote = ""
	}
	q := escape(quote)
	if x := escape(e.Expression); x != "" {
		if i := strings.Index(q, x); i >= 0 {
			q = q[:i] + "**" + x + "**" + q[i+len(x):]
		}
	}
	line := "**" + escape(e.When()) + "**"
	if e.Label != "" {
		line += " · " + escape(e.Label)
	}
	if q != "" {
		line += " · “" + q + "”"
	}
	if e.PassageID != "" {
		line += " `" + e.PassageID + "`"
	}
	return line
}
