package knowledge_test

import (
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

func TestUnwrap(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"one line", "The sun rose.", "The sun rose."},
		{"hard-wrapped prose", "I remember him as if it were yesterday, as he came plodding to the\ninn door, his sea-chest following behind him in a hand-barrow--a\ntall, strong, heavy, nut-brown man.",
			"I remember him as if it were yesterday, as he came plodding to the inn door, his sea-chest following behind him in a hand-barrow--a tall, strong, heavy, nut-brown man."},
		{"a quote starting mid-line", "I could not\ndoubt that this was the black spot; and taking it up, I found written\non the other side, in a very good, clear hand, this short message.",
			"I could not doubt that this was the black spot; and taking it up, I found written on the other side, in a very good, clear hand, this short message."},
		{"a word hyphenated at the line end", "the brown old seaman with the sabre cut first took up his lodging in the well-\nknown inn under our roof.",
			"the brown old seaman with the sabre cut first took up his lodging in the well-known inn under our roof."},
		{"paragraphs stay apart", "The first paragraph ends here on a line that is long enough to wrap.\nIt goes on.\n\n\nThe second one.",
			"The first paragraph ends here on a line that is long enough to wrap. It goes on.\n\nThe second one."},
		{"verse keeps its lines", "If sailor tales to sailor tunes,\n   Storm and adventure, heat and cold,\nIf schooners, islands, and maroons,\n   And buccaneers, and buried gold,",
			"If sailor tales to sailor tunes,\n   Storm and adventure, heat and cold,\nIf schooners, islands, and maroons,\n   And buccaneers, and buried gold,"},
		{"a list keeps its items", "We bought what the captain asked for, and a little more besides:\n- rope\n- tar",
			"We bought what the captain asked for, and a little more besides:\n- rope\n- tar"},
		{"a short line is the writer's break", "He wrote to the squire at once, a long letter about the voyage ahead:\nDear Sir,\nThe ship is ready and the crew is hired, and we sail on the tide at dawn.",
			"He wrote to the squire at once, a long letter about the voyage ahead: Dear Sir,\nThe ship is ready and the crew is hired, and we sail on the tide at dawn."},
		{"long lines are not hard-wrapped", strings.Repeat("word ", 30) + "end.\nNext line.", strings.Repeat("word ", 30) + "end.\nNext line."},
		{"trailing spaces and CRLF", "The harbour master counted forty boats at dawn,  \r\nand every one came home.", "The harbour master counted forty boats at dawn, and every one came home."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := knowledge.Unwrap(tt.in)
			if got != tt.want {
				t.Errorf("Unwrap(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if a, b := strings.Join(strings.Fields(got), ""), strings.Join(strings.Fields(tt.in), ""); a != b {
				t.Errorf("Unwrap changed more than white space:\n got %q\nfrom %q", got, tt.in)
			}
		})
	}
}
