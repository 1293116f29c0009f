package answer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// phantomPassages are passages of the default story, as a model is given
// them.
const phantomPassages = `The FBI tried to get the CEO of encrypted phone company Phantom Secure, Vincent Ramos, to install a backdoor in his service so that the agency could spy on Sinaloa Cartel members, Motherboard reported on Thursday.

Ramos pleaded guilty in October 2018 to running a criminal enterprise that facilitated drug trafficking, according to Motherboard, with a U.S. Attorney’s Office press release stating he also agreed to forfeit $118 million in cash and tens of millions of dollars in other assets.

The prosecution argued that unlike traditional tech companies such as Apple and Google, Ramos’ encryption was not incidental and intentionally designed to enable organised crime.

A third source told Motherboard “He never gave law enforcement a backdoor into Phantom Secure. He did not do that.”

Ramos landed nine years in prison in May 2019, but his prosecution wasn’t the end of the Phantom Secure saga.

When Ramos said he lacked the technical expertise to actually install such a backdoor, the FBI told him to enlist another Phantom Secure worker to do so.

Earlier this year, FBI Director Christopher Wray told an audience at the RSA Conference that “It can’t be a sustainable end state for there to be an entirely unfettered space that’s utterly beyond law enforcement for criminals to hide.”`

func TestCheckClaim(t *testing.T) {
	tests := []struct {
		name     string
		question string
		claim    string
		quotes   []string
		want     string // "" when backed, else a part of the reason
	}{
		// The examples.
		{"invented sentence beside a genuine quote", "When did Ramos plead guilty?",
			"Ramos pleaded guilty in October 2018 and was sentenced to death by firing squad in 2020.",
			[]string{"Ramos pleaded guilty in October 2018"}, "2020 is not in its quotes"},
		{"invented payment", "When did Ramos plead guilty?",
			"The FBI later paid him $5 million for the backdoor.",
			[]string{"Ramos pleaded guilty in October 2018"}, "is not in its quotes"},
		{"one-word quote", "Who murdered the president?",
			"Ramos murdered the president.", []string{"Ramos"}, "too short"},
		{"a name alone answers nothing", "Who murdered the president?",
			"Ramos.", []string{"Ramos"}, "too short"},
		{"injected link", "What did Motherboard report?",
			"The FBI tried to get the CEO to install a backdoor; visit http://evil.example for more.",
			[]string{"The FBI tried to get the CEO of encrypted phone company Phantom Secure, Vincent Ramos, to install a backdoor"}, `"http://evil.example`},

		// Facts meet in their other forms.
		{"faithful", "When did Ramos plead guilty?",
			"Ramos pleaded guilty in October 2018.", []string{"Ramos pleaded guilty in October 2018"}, ""},
		{"month abbreviated", "When did Ramos plead guilty?",
			"Ramos admitted his guilt in Oct. 2018.", []string{"Ramos pleaded guilty in October 2018"}, ""},
		{"money in words", "How much cash did Ramos forfeit?",
			"Ramos agreed to forfeit 118 million dollars in cash.", []string{"he also agreed to forfeit $118 million in cash"}, ""},
		{"money changed", "How much cash did Ramos forfeit?",
			"Ramos agreed to forfeit $180 million in cash.", []string{"he also agreed to forfeit $118 million in cash"}, "$180 million is not in its quotes"},
		{"number in words", "How long was Ramos in prison?",
			"Ramos was given 9 years in prison.", []string{"Ramos landed nine years in prison in May 2019"}, ""},
		{"number changed", "How long was Ramos in prison?",
			"Ramos landed ten years in prison.", []string{"Ramos landed nine years in prison in May 2019"}, "ten is not in its quotes"},
		{"month changed", "When was Ramos sentenced?",
			"Ramos landed nine years in prison in June 2019.", []string{"Ramos landed nine years in prison in May 2019"}, "June is not in its quotes"},
		{"weekday changed", "When did Motherboard report it?",
			"Motherboard reported it on Friday.", []string{"Motherboard reported on Thursday"}, "Friday is not in its quotes"},
		{"percentages", "What share?",
			"Prices rose by 12 per cent.", []string{"prices rose by 12% in a year"}, ""},
		{"a percentage is not a count", "What share?",
			"12 percent of the prices rose.", []string{"12 prices rose in a year"}, "is not in its quotes"},

		// Names.
		{"name from elsewhere in the story", "When did Ramos plead guilty?",
			"Apple pleaded guilty in October 2018.", []string{"Ramos pleaded guilty in October 2018"}, "Apple is not in its quotes"},
		{"invented name opening the sentence", "When did Ramos plead guilty?",
			"Smith pleaded guilty in October 2018.", []string{"Ramos pleaded guilty in October 2018"}, "Smith is not in its quotes"},
		{"invented name inside", "When did Ramos plead guilty?",
			"In October 2018 Judge Smith heard Ramos plead guilty.", []string{"Ramos pleaded guilty in October 2018"}, "is not in its quotes"},
		{"the question's name, in the cited passage", "What did the FBI ask Ramos to do?",
			"The FBI wanted Ramos to install a backdoor in his service.", []string{"to install a backdoor in his service so that the agency could spy"}, ""},
		{"a name neither quoted nor asked", "What did the FBI ask the CEO to do?",
			"The FBI wanted Ramos to install a backdoor in his service.", []string{"to install a backdoor in his service so that the agency could spy"}, "Ramos is not in its quotes"},
		{"a common word opening the sentence", "What did the prosecution argue?",
			"Encryption like his was intentionally designed to enable organised crime.",
			[]string{"Ramos’ encryption was not incidental and intentionally designed to enable organised crime"}, ""},

		// Negation, both ways.
		{"negation dropped", "Did Ramos give law enforcement a backdoor?",
			"He gave law enforcement a backdoor into Phantom Secure.", []string{"He never gave law enforcement a backdoor into Phantom Secure."}, "negate"},
		{"negation kept in other words", "Did Ramos give law enforcement a backdoor?",
			"No, he didn't give law enforcement a backdoor into Phantom Secure.", []string{"He never gave law enforcement a backdoor into Phantom Secure."}, ""},
		{"negation added", "When did Ramos plead guilty?",
			"Ramos did not plead guilty in October 2018.", []string{"Ramos pleaded guilty in October 2018"}, "negates"},
		{"an unrelated negation in the quote", "Was his encryption designed for crime?",
			"His encryption was intentionally designed to enable organised crime.",
			[]string{"Ramos’ encryption was not incidental and intentionally designed to enable organised crime"}, ""},

		// Facts written otherwise.
		{"a month in lower case", "When did Ramos go to prison?", "Ramos landed nine years in prison in june 2019.",
			[]string{"Ramos landed nine years in prison in May 2019"}, "june"},
		{"an amount in a word", "How long did Ramos get?", "Ramos landed a decade in prison.",
			[]string{"Ramos landed nine years in prison in May 2019"}, "decade"},
		{"a share of a sum", "What did Ramos forfeit?", "Ramos agreed to forfeit half of the $118 million in cash.",
			[]string{"he also agreed to forfeit $118 million in cash"}, "half"},
		{"a couple of", "How many charges?", "Cameron Ortis has been arrested and faces a couple of charges.",
			[]string{"Cameron Ortis, who has been arrested and faces seven charges"}, "couple"},
		{"the fall of a year", "When did Ramos plead guilty?", "Ramos pleaded guilty in the fall of 2018.",
			[]string{"Ramos pleaded guilty in October 2018"}, "fall"},
		{"a season for a month", "When did Ramos plead guilty?", "Ramos pleaded guilty in the spring of 2018.",
			[]string{"Ramos pleaded guilty in October 2018"}, "spring"},
		{"another country's dollars", "What did Ramos forfeit?", "Ramos agreed to forfeit A$118 million in cash.",
			[]string{"he also agreed to forfeit $118 million in cash"}, "A$118 million"},
		{"another currency", "What did Ramos forfeit?", "Ramos agreed to forfeit 118 million pesos in cash.",
			[]string{"he also agreed to forfeit $118 million in cash"}, "118 million"},
		{"a name that is a function word", "Who was Ramos told to enlist?", "The FBI told Ramos to enlist Don to install such a backdoor.",
			[]string{"the FBI told him to enlist another Phantom Secure worker to do so"}, "Don"},
		{"a name in lower case with a capital inside", "Who is Ramos?", "Ramos pleaded guilty on iCloud in October 2018.",
			[]string{"Ramos pleaded guilty in October 2018"}, "iCloud"},
		{"a count for an ordinal", "Who said he gave no backdoor?", "Three sources told Motherboard he never gave law enforcement a backdoor.",
			[]string{"A third source told Motherboard “He never gave law enforcement a backdoor into Phantom Secure."}, "Three"},
		{"one is a number", "Why did Ramos say he could not install a backdoor?", "He said he lacked the technical expertise to install one.",
			[]string{"When Ramos said he lacked the technical expertise to actually install such a backdoor"}, "one"},
		{"one for two", "How many charges?", "Ortis faces one charge.", []string{"Cameron Ortis, who has been arrested and faces seven charges"}, "one"},
		{"a decimal comma", "What did Ramos forfeit?", "Ramos agreed to forfeit $11,8 million in cash.",
			[]string{"he also agreed to forfeit $118 million in cash"}, "11,8"},
		{"dots between thousands", "What did Ramos forfeit?", "Ramos agreed to forfeit 250.000.000 dollars in cash.",
			[]string{"he also agreed to forfeit $118 million in cash"}, "250.000.000"},
		{"digits glued to letters", "How long did Ramos get?", "Ramos landed 99yrs in prison in May 2019.",
			[]string{"Ramos landed nine years in prison in May 2019"}, "99yrs"},
		{"digits in brackets that are no reference", "How long did Ramos get?", "Ramos landed [99 years] in prison in May 2019.",
			[]string{"Ramos landed nine years in prison in May 2019"}, "99"},
		{"another currency's word", "What did Ramos forfeit?", "Ramos agreed to forfeit 118 million lira in cash.",
			[]string{"he also agreed to forfeit $118 million in cash"}, "118 million"},
		{"a month in lower case beside a year", "When did Ramos go to prison?", "Ramos landed nine years in prison in march 2019.",
			[]string{"Ramos landed nine years in prison in May 2019"}, "march"},
		{"an aside", "How long did Ramos get?", "Ramos landed nine years in prison in May 2019 — then walked free after helping federal agents.",
			[]string{"Ramos landed nine years in prison in May 2019"}, "part of it"},
		{"though without a comma", "How long did Ramos get?", "Ramos landed nine years in prison in May 2019 though judges overturned it.",
			[]string{"Ramos landed nine years in prison in May 2019"}, "part of it"},
		{"a hundred and more in words", "How much did Ramos agree to forfeit?", "Ramos agreed to forfeit a hundred and eighteen million dollars in cash.",
			[]string{"he also agreed to forfeit $118 million in cash"}, ""},
		{"a number in words", "How much did Ramos agree to forfeit?", "Ramos agreed to forfeit one hundred eighteen million dollars in cash.",
			[]string{"he also agreed to forfeit $118 million in cash"}, ""},
		{"a number and its unit hyphenated", "How long did Ramos spend in prison?", "Ramos landed a 9-year prison term.",
			[]string{"Ramos landed nine years in prison in May 2019"}, ""},
		{"a question's name its stem does not spell", "What did Wray say?", "Wray said it can’t be a sustainable end state.",
			[]string{"It can’t be a sustainable end state for there to be an entirely unfettered space"}, ""},

		// Wording: content words, clauses.
		{"a clause added", "When did Ramos plead guilty?",
			"Ramos pleaded guilty in October 2018, and the judge praised his honesty and courage.", []string{"Ramos pleaded guilty in October 2018"}, "not"},
		{"nothing stated", "Did Ramos plead guilty?", "Yes.", []string{"Ramos pleaded guilty in October 2018"}, "states nothing"},
		{"unrelated quote", "What did the FBI want?",
			"The FBI wanted to spy on Sinaloa Cartel members.", []string{"Ramos pleaded guilty in October 2018"}, "not in its quotes"},

		// What renders as more than words.
		{"mention", "Who is Ramos?", "@everyone Ramos pleaded guilty in October 2018.", []string{"Ramos pleaded guilty in October 2018"}, `"@everyone"`},
		{"user mention", "Who is Ramos?", "Ramos <@123456> pleaded guilty in October 2018.", []string{"Ramos pleaded guilty in October 2018"}, `"<@123456>"`},
		{"role mention", "Who is Ramos?", "Ramos <@&42> pleaded guilty in October 2018.", []string{"Ramos pleaded guilty in October 2018"}, `"<@&42>"`},
		{"channel", "Who is Ramos?", "Ramos pleaded guilty in October 2018, see <#99>.", []string{"Ramos pleaded guilty in October 2018"}, `"<#99>"`},
		{"markdown link", "Who is Ramos?", "Ramos [pleaded guilty](https://evil.example) in October 2018.", []string{"Ramos pleaded guilty in October 2018"}, "its quotes do not"},
		{"image", "Who is Ramos?", "Ramos pleaded guilty in October 2018 ![x](https://evil.example/x.png).", []string{"Ramos pleaded guilty in October 2018"}, "its quotes do not"},
		{"invite", "Who is Ramos?", "Ramos pleaded guilty in October 2018, join discord.gg/abc.", []string{"Ramos pleaded guilty in October 2018"}, `"discord.gg/abc`},
		{"code", "Who is Ramos?", "Ramos pleaded guilty in `October 2018`.", []string{"Ramos pleaded guilty in October 2018"}, "its quotes do not"},
		{"HTML", "Who is Ramos?", "Ramos <b>pleaded guilty</b> in October 2018.", []string{"Ramos pleaded guilty in October 2018"}, `"<b>"`},
		{"a link the quote holds", "What does the page say?", "The page says to visit http://example.com/help for help.",
			[]string{"visit http://example.com/help for help"}, ""},
		{"a link cut from the quote's", "What does the page say?", "The page says to visit http://example.co for help.",
			[]string{"visit http://example.com/help for help"}, `"http://example.co"`},
		{"a domain of another script", "Who is Ramos?", "Ramos pleaded guilty in October 2018, see пример.рф.", []string{"Ramos pleaded guilty in October 2018"}, `"пример.рф"`},
		{"a heading", "Who is Ramos?", "# Ramos pleaded guilty in October 2018.", []string{"Ramos pleaded guilty in October 2018"}, "its quotes do not"},
		{"a spoiler", "Who is Ramos?", "Ramos pleaded guilty in ||October 2018||.", []string{"Ramos pleaded guilty in October 2018"}, `"||"`},
		{"a defanged link", "Who is Ramos?", "Ramos pleaded guilty in October 2018, see evil[.]example.", []string{"Ramos pleaded guilty in October 2018"}, `"[.]"`},
		{"an address", "Who is Ramos?", "Ramos pleaded guilty in October 2018, see 10.0.0.1/phantom.", []string{"Ramos pleaded guilty in October 2018"}, "10.0.0.1"},
		{"a link defanged with words", "Who is Ramos?", "Ramos pleaded guilty in October 2018, see evil(dot)example.", []string{"Ramos pleaded guilty in October 2018"}, "(dot)"},
		{"strike-through", "Who is Ramos?", "Ramos ~~pleaded guilty~~ in October 2018.", []string{"Ramos pleaded guilty in October 2018"}, "~~"},
		{"a mention after a letter", "Who is Ramos?", "Ramos pleaded guilty in October 2018 to the court_@everyone.", []string{"Ramos pleaded guilty in October 2018"}, `"@everyone"`},
		{"abbreviations are not links", "Where?", "Ramos pleaded guilty in the U.S. in October 2018.", []string{"Ramos pleaded guilty in the U.S. in October 2018"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckClaim(tt.question, tt.claim, tt.quotes, phantomPassages)
			switch {
			case tt.want == "" && got != "":
				t.Errorf("CheckClaim(%q) = %q, want it backed", tt.claim, got)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Errorf("CheckClaim(%q) = %q, want a reason with %q", tt.claim, got, tt.want)
			}
		})
	}
}

func TestReadFacts(t *testing.T) {
	tests := []struct {
		text string
		want string // kind:key unit, space-separated
	}{
		{"He forfeited $118 million in cash.", "0:118000000$"},
		{"He forfeited 118 million dollars.", "0:118000000$"},
		{"It cost £5m.", "0:5000000£"},
		{"A rise of 12% or 3.5 per cent.", "0:12% 0:3.5%"},
		{"Twenty five men and a dozen eggs.", "0:25 0:12"},
		{"Three trolls, one with three, one with twenty-one heads.", "0:3 0:1 0:21"},
		{"Conn, the Hundred-Fighter, had a thousand men.", "0:100 0:1000"},
		{"On the 3rd, the third time.", "0:3th"},
		{"In Oct. 2018, on a Thursday in May 2019.", "1:10 0:2018 2:4 1:5 0:2019"},
		{"You may march in March.", "1:3"},
		{"May I go? March on, and on Sat. rest.", "2:6"},
		{"Ramos told the FBI; Ramos's lawyer agreed.", "3:fbi 3:ramo"},
		{"COVID-19 and SARS-CoV-2 and H1N1 spread.", "4:covid-19 4:sars-cov-2 4:h1n1"},
		{"See passage [2] of 3 [4].", "0:3"},
	}
	for _, tt := range tests {
		ws := readWords(nil, tt.text)
		var got []string
		for _, f := range readFacts(tt.text, ws, sentenceOpens(tt.text, ws)) {
			got = append(got, string(rune('0'+f.kind))+":"+f.key+f.unit)
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("readFacts(%q) = %q, want %q", tt.text, g, tt.want)
		}
	}
}

// BenchmarkSupportCheck times the support check of one answer on the
// default story: three sentences, each citing a verified quote of the
// passages a model is sent for the question (compose, which reads every
// sentence and quote and checks each sentence).
//
//	go test ./answer -run '^$' -bench SupportCheck -benchmem
func BenchmarkSupportCheck(b *testing.B) {
	p, err := knowledge.Parse(knowledge.DefaultStory, knowledge.ParseOptions{Name: knowledge.DefaultStoryName})
	if err != nil {
		b.Fatal(err)
	}
	var blocks []block
	for i, ps := range p.Passages[:5] {
		blocks = append(blocks, block{ref: i + 1, passage: ps, text: ps.Text})
	}
	byRef := make(map[int][]checked)
	cite := func(ref int, quote string) {
		bl := blocks[ref-1]
		i := strings.Index(bl.text, quote)
		if i < 0 {
			b.Fatalf("%q is not in block %d", quote, ref)
		}
		byRef[ref] = append(byRef[ref], checked{modelRef: ref, passage: bl.passage, quote: quote, key: fmt.Sprint(ref, i)})
	}
	cite(1, "The FBI tried to get the CEO of encrypted phone company Phantom Secure, Vincent Ramos, to install a backdoor in his service")
	cite(4, "Ramos pleaded guilty in October 2018 to running a criminal enterprise that facilitated drug trafficking")
	cite(4, "he also agreed to forfeit $118 million in cash")
	answer := "The FBI tried to get Vincent Ramos, the CEO of Phantom Secure, to put a backdoor in his service [1]. " +
		"He pleaded guilty in October 2018 to running a criminal enterprise [4]. He also agreed to forfeit 118 million dollars in cash [4]."
	question := "What happened to Phantom Secure's CEO?"
	if got := compose(question, answer, byRef, defaultSupport()); len(got.unbacked) > 0 || len(got.citations) != 3 {
		b.Fatalf("compose left out %+v, kept %d quotes", got.unbacked, len(got.citations))
	}
	b.ReportAllocs()
	for b.Loop() {
		compose(question, answer, byRef, defaultSupport())
	}
}
