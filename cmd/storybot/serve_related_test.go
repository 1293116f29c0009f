package main

import (
	"strings"
	"testing"
)

// testInOtherWords is the issue's example through the fake Discord: "Who
// is Vincent Ramos?", then a reply to the answer, "What was he sentenced
// to?", of a story that says "nine years in prison" and never
// "sentenced": the prison term is quoted first.
func (s *serving) testInOtherWords(t *testing.T) {
	first, _ := s.say(t, mention(s.fake.BotID, askedAbout))
	reply, _ := s.say(t, replyTo(first.ID, inOtherWords))
	s.verbatim(t, reply.discordMessage)
	if q := quotes(reply.discordMessage); len(q) == 0 || q[0] != "phantom-secure#11" || !containsPhrase(reply.discordMessage, "nine years in prison") {
		t.Errorf("%q after %q: %q quoting %v; want phantom-secure#11 first, saying %q", inOtherWords, askedAbout, reply.Content, q, "nine years in prison")
	}
	if strings.Contains(reply.Content, "doesn't say") {
		t.Errorf("%q: %q; want an answer", inOtherWords, reply.Content)
	}
}
