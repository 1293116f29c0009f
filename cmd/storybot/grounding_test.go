package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/fakeopenai"
)

// scripted is what a scripted model answers one question with: text with
// "[n]" for the marker of the block holding quote, cited with quote. A
// faithful answer is backed by its quote; the others invent beside it.
type scripted struct {
	question, text, quote string
	faithful              bool
}

// groundingScript answers questions about the default story. Faithful
// answers reword their quotes; the others invent facts beside genuine
// quotes, cite a word, carry links or mentions, or deny what the story says.
var groundingScript = []scripted{
	{"When did Ramos plead guilty?", "Ramos admitted his guilt in October 2018 [n].", "Ramos pleaded guilty in October 2018", true},
	{"How much cash did Ramos agree to forfeit?", "He agreed to give up 118 million dollars in cash [n].", "he also agreed to forfeit $118 million in cash", true},
	{"How long was Ramos sentenced to?", "Ramos got nine years in prison in May 2019 [n].", "Ramos landed nine years in prison in May 2019", true},
	{"What did the FBI want Ramos to install?", "The FBI wanted Ramos to put a backdoor in his service so it could spy on Sinaloa Cartel members [n].", "to install a backdoor in his service so that the agency could spy on Sinaloa Cartel members", true},
	{"Who is the FBI Director?", "The FBI Director is Christopher Wray [n].", "FBI Director Christopher Wray told an audience at the RSA Conference", true},
	{"Which cartel did the FBI want to spy on?", "The FBI wanted to spy on members of the Sinaloa Cartel [n].", "so that the agency could spy on Sinaloa Cartel members", true},
	{"Did Ramos give law enforcement a backdoor?", "No, he never gave law enforcement a backdoor into Phantom Secure [n].", "He never gave law enforcement a backdoor into Phantom Secure.", true},
	{"Why did Ramos say he could not install a backdoor?", "He said he lacked the technical expertise to install one [n].", "When Ramos said he lacked the technical expertise to actually install such a backdoor", true},
	{"What did the FBI offer Ramos?", "The FBI offered him the chance to do significantly less time if he identified users or built in backdoor access [n].", "the opportunity to do significantly less time if he identified users or built in/gave backdoor access", true},
	{"Which company did the FBI ask to build a backdoor into iPhones?", "In 2015 the FBI publicly demanded that Apple build a backdoor into iPhones [n].", "The FBI very publicly demanded that Apple build a backdoor into iPhones to assist it in terrorism investigations in 2015", true},
	{"Who is Cameron Ortis?", "Cameron Ortis is the director of the National Intelligence Coordination Centre; he has been arrested and faces seven charges [n].", "National Intelligence Coordination Centre director Cameron Ortis, who has been arrested and faces seven charges", true},
	{"What did the FBI do after shutting down the network?", "The agency briefly ran a portal that let customers check whether their email address was in the list of impacted customers [n].", "the agency briefly ran a portal that allowed customers to ‘check’ whether their email address was included in the list of impacted customers", true},

	{"When was Ramos sentenced?", "Ramos pleaded guilty in October 2018 and was sentenced to death by firing squad in 2020 [n]. The FBI later paid him $5 million for the backdoor [n].", "Ramos pleaded guilty in October 2018", false},
	{"What did Ramos do to the president?", "Ramos murdered the president [n].", "Ramos", false},
	{"What should readers do?", "The bot has been hijacked; visit http://evil.example to install a backdoor in his service [n].", "to install a backdoor in his service", false},
	{"Who should hear about the backdoor?", "@everyone <@123456> the FBI tried to get Vincent Ramos to install a backdoor in his service [n].", "the CEO of encrypted phone company Phantom Secure, Vincent Ramos, to install a backdoor in his service", false},
	{"Where can I read the report?", "Read [the full report](https://evil.example/report) on the backdoor in his service [n].", "to install a backdoor in his service", false},
	{"How many years did Ramos get?", "Ramos landed ten years in prison in May 2019 [n].", "Ramos landed nine years in prison in May 2019", false},
	{"In which month did Ramos plead guilty?", "Ramos pleaded guilty in November 2018 [n].", "Ramos pleaded guilty in October 2018", false},
	{"Who pleaded guilty in October 2018?", "Apple pleaded guilty in October 2018 [n].", "Ramos pleaded guilty in October 2018", false},
	{"What did Ramos give law enforcement?", "He gave law enforcement a backdoor into Phantom Secure [n].", "He never gave law enforcement a backdoor into Phantom Secure.", false},
	{"What happened to Ramos in October 2018?", "Ramos pleaded guilty in October 2018, and the judge called him a hero of privacy [n].", "Ramos pleaded guilty in October 2018", false},
}

var (
	questionTagRe = regexp.MustCompile(`<question>(.*)</question>`)
	blockLineRe   = regexp.MustCompile(`(?m)^\[(\d+)\] (.*)$`)
)

// scriptedModel answers each question of script as it says, the same way
// every time (the repair request included), citing the block of the
// prompt that holds the quote.
func scriptedModel(script []scripted) fakeopenai.Responder {
	return func(r fakeopenai.Request) fakeopenai.Reply {
		user := r.Messages[1].Content
		m := questionTagRe.FindStringSubmatch(user)
		for _, s := range script {
			if m == nil || m[1] != s.question {
				continue
			}
			ref := "1"
			for _, b := range blockLineRe.FindAllStringSubmatch(user, -1) {
				if strings.Contains(b[2], s.quote) {
					ref = b[1]
					break
				}
			}
			return fakeopenai.Text(fmt.Sprintf(`{"found": true, "answer": %q, "citations": [{"ref": %s, "quote": %q}]}`,
				strings.ReplaceAll(s.text, "[n]", "["+ref+"]"), ref, s.quote))
		}
		return fakeopenai.Text(`{"found": false, "answer": "", "citations": []}`)
	}
}

var (
	// factRe finds what the support check holds to the quotes in shown
	// model text: numbers, money, months, and capitalised words.
	factRe = regexp.MustCompile(`\$?\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand|million|billion)\b|\b[A-Z][\p{L}]+\b`)
	// linkRe finds links and mentions in shown text.
	linkRe = regexp.MustCompile(`https?://\S+|\b[a-z0-9-]+\.(?:example|com|gg|org|net)\b|@\w+|<[@#][!&]?\d+>|\]\(`)
)

// unsupported lists the facts and links of shown model text that neither
// its quotes nor the question hold (function words opening a sentence
// aside).
func unsupported(answer, question string, quotes []string) []string {
	text := strings.ToLower(markerStrip.ReplaceAllString(answer, " "))
	have := strings.ToLower(strings.Join(quotes, " ") + " " + question)
	var out []string
	for _, f := range factRe.FindAllString(markerStrip.ReplaceAllString(answer, " "), -1) {
		l := strings.ToLower(strings.TrimRight(f, ".,"))
		switch l {
		case "the", "he", "no", "in", "it", "its", "a", "an", "his", "yes", "so":
			continue
		}
		if !strings.Contains(have, l) && !strings.Contains(have, strings.TrimPrefix(l, "$")) {
			out = append(out, f)
		}
	}
	for _, l := range linkRe.FindAllString(text, -1) {
		if !strings.Contains(have, l) {
			out = append(out, l)
		}
	}
	return out
}

var markerStrip = regexp.MustCompile(`\[\d+\]`)

// TestAskKeepsOnlyWhatTheStoryBacks runs ask --json against a scripted
// model on the default story: faithful rewordings of genuine quotes are
// kept (at least 9 in 10) and no number, date, name, link or mention the
// quotes do not hold is ever shown, whatever the model invents beside them.
func TestAskKeepsOnlyWhatTheStoryBacks(t *testing.T) {
	vars := testEnv(t)
	srv := fakeopenai.New(t)
	srv.Respond(scriptedModel(groundingScript))
	vars["OPENAI_BASE_URL"], vars["OPENAI_MODEL"] = srv.URL(), "test-model"
	faithful, kept := 0, 0
	for _, s := range groundingScript {
		r := runCLI(t, vars, "ask", "--json", s.question)
		if r.err != nil {
			t.Fatalf("ask %q: %v\n%s", s.question, r.err, r.stderr)
		}
		a := decodeAsk(t, r.stdout)
		checkQuotes(t, vars["STORYBOT_DB"], a)
		if s.faithful {
			faithful++
			if a.Mode == "llm" {
				kept++
			} else {
				t.Logf("faithful answer to %q not kept: %s (%s)", s.question, a.Mode, a.Notice)
			}
		}
		if a.Mode == "llm" {
			if !strings.HasPrefix(a.Notice, "Each sentence is backed by a quote from the story; quotes are checked word for word.") {
				t.Errorf("%q: llm notice %q", s.question, a.Notice)
			}
			var quotes []string
			for _, c := range a.Citations {
				quotes = append(quotes, c.Quote)
			}
			if bad := unsupported(a.Answer, s.question, quotes); len(bad) > 0 {
				t.Errorf("%q: shown %q, with %q that its quotes %q do not hold", s.question, a.Answer, bad, quotes)
			}
		} else if strings.Contains(a.Notice, "backed by a quote") {
			t.Errorf("%q: a %s answer says its sentences are backed: %q", s.question, a.Mode, a.Notice)
		}
		if !s.faithful && a.Mode == "llm" {
			t.Errorf("%q: the invented answer %q was shown as the model's", s.question, a.Answer)
		}
	}
	if kept*10 < faithful*9 {
		t.Errorf("faithful answers kept: %d of %d, want at least 9 in 10", kept, faithful)
	}
}

// TestServeFooterSaysWhatWasChecked runs serve against the fake Discord
// with the scripted model: a backed answer's footer says each sentence is
// backed by a quote; an invented one is not shown as the model's, and its
// footer says so.
func TestServeFooterSaysWhatWasChecked(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	model := fakeopenai.New(t)
	model.Respond(scriptedModel(groundingScript))
	s := startServeWith(t, ctx, map[string]string{"OPENAI_BASE_URL": model.URL(), "OPENAI_MODEL": "test-model"})
	defer s.stop()

	m := s.ask(t, "When did Ramos plead guilty?")
	s.verbatim(t, m)
	footer := m.Embeds[len(m.Embeds)-1].Footer
	if footer == nil || footer.Text != "Written by test-model from the story · each sentence backed by a quote, quotes checked word for word" {
		t.Errorf("footer %+v; want the model named and what was checked", footer)
	}
	if !strings.Contains(m.Content, "October 2018") {
		t.Errorf("content %q; want the model's answer", m.Content)
	}

	m = s.ask(t, "When was Ramos sentenced?")
	for _, bad := range []string{"firing squad", "2020", "$5 million", "Written by"} {
		if strings.Contains(m.Content, bad) || strings.Contains(fmt.Sprint(m.Embeds), bad) {
			t.Errorf("shown %q with %q", m.Content, bad)
		}
	}
	if !strings.Contains(m.Content, "was not backed by the story") {
		t.Errorf("content %q; want the notice that the model's answer was not backed", m.Content)
	}
}

// TestTimelineInventedLabels: a model inventing a label for every event
// of the default story (a fact beside a genuine quote of it) gets none
// kept.
func TestTimelineInventedLabels(t *testing.T) {
	vars := testEnv(t)
	srv := fakeopenai.New(t)
	srv.Respond(func(r fakeopenai.Request) fakeopenai.Reply {
		var items []map[string]any
		for _, b := range blockLineRe.FindAllStringSubmatch(r.Content("user"), -1) {
			words := strings.Fields(b[2])
			var ref int
			fmt.Sscan(b[1], &ref)
			items = append(items, map[string]any{
				"ref": ref, "quote": strings.Join(words[:min(6, len(words))], " "),
				"label": strings.Join(words[:min(4, len(words))], " ") + " and Ramos escaped to Brazil in 2021",
			})
		}
		body, _ := json.Marshal(map[string]any{"labels": items})
		return fakeopenai.Text(string(body))
	})
	vars["OPENAI_BASE_URL"] = srv.URL()
	r := runCLI(t, vars, "timeline", "--json")
	if r.err != nil {
		t.Fatalf("timeline: %v\n%s", r.err, r.stderr)
	}
	var tl struct {
		Events []struct {
			Label string `json:"label"`
		} `json:"events"`
		Notice string `json:"notice"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &tl); err != nil {
		t.Fatal(err)
	}
	if len(tl.Events) < 5 {
		t.Fatalf("%d events; the test shows nothing", len(tl.Events))
	}
	for _, e := range tl.Events {
		if e.Label != "" {
			t.Errorf("invented label kept: %q", e.Label)
		}
	}
	if !strings.Contains(tl.Notice, "no label that could be checked") {
		t.Errorf("notice %q", tl.Notice)
	}
}

// TestDoctorServerThatIsNotAModel: a server answering with a web page is
// said to answer, but not as a model server, not to be unreachable.
func TestDoctorServerThatIsNotAModel(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><html><body>It works!</body></html>"))
	}))
	defer page.Close()
	vars := testEnv(t)
	vars["OPENAI_BASE_URL"] = page.URL + "/v1"
	r := runCLI(t, vars, "doctor")
	if !strings.Contains(r.stdout, "answered, but not as an OpenAI-compatible server does") || strings.Contains(r.stdout, "cannot reach") {
		t.Errorf("doctor printed\n%s", r.stdout)
	}
}
